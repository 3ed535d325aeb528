import Foundation

/// Snapshot files under `Tests/Snapshots/`: a test compares what it produced with the
/// committed text; `SLATE_UPDATE_SNAPSHOTS=1 swift test` rewrites them instead (review the
/// diff before committing).
public enum Snapshot {
  public static let directory = SharedFixtures.projectRoot.appendingPathComponent("Tests/Snapshots")

  /// Nil when `text` matches the snapshot `name` (or the snapshot was just written); else
  /// a message naming the first differing line.
  public static func check(_ text: String, named name: String) -> String? {
    let url = directory.appendingPathComponent(name)
    if ProcessInfo.processInfo.environment["SLATE_UPDATE_SNAPSHOTS"] == "1" {
      try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try? Data(text.utf8).write(to: url)
      return nil
    }
    guard let data = FileManager.default.contents(atPath: url.path) else {
      return "no snapshot \(name): run SLATE_UPDATE_SNAPSHOTS=1 swift test to write it"
    }
    let expected = String(decoding: data, as: UTF8.self)
    if expected == text { return nil }
    let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let b = text.split(separator: "\n", omittingEmptySubsequences: false)
    let line = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
    let was = line < a.count ? String(a[line]) : "(end)"
    let now = line < b.count ? String(b[line]) : "(end)"
    return "snapshot \(name) differs at line \(line + 1):\n  expected: \(was)\n  got:      \(now)"
  }
}
