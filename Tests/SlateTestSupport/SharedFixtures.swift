import Foundation

/// Test support shared by every test target.
///
/// Locates `../shared` beside the project (tests skip with a message where it is absent).
public enum SharedFixtures {
  /// The project root, from this file's path (Tests/<Target>/<file>).
  public static let projectRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  /// `../shared`, or `SLATE_SHARED` when set; nil when the folder does not exist.
  public static var shared: URL? {
    let candidate = ProcessInfo.processInfo.environment["SLATE_SHARED"].map { URL(fileURLWithPath: $0) }
      ?? projectRoot.deletingLastPathComponent().appendingPathComponent("shared")
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory) && isDirectory.boolValue
      ? candidate : nil
  }

  /// The files of a shared folder, sorted by name; nil (with a printed reason) when absent.
  public static func files(in relativePath: String, suffix: String) -> [URL]? {
    guard let shared else {
      print("skipping: ../shared is absent, so \(relativePath) cannot be read")
      return nil
    }
    let dir = shared.appendingPathComponent(relativePath)
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else {
      print("skipping: \(dir.path) is absent")
      return nil
    }
    return names.filter { $0.hasSuffix(suffix) }.sorted().map { dir.appendingPathComponent($0) }
  }
}
