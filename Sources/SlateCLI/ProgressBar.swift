#if canImport(Glibc)
  import Glibc
#endif

/// A one-line progress bar on standard error, drawn only when standard error is a terminal
/// (never in pipes, logs or CI), so that standard output stays exactly the same either way.
///
/// `[#########-----------]  45/100  name` redrawn in place with `\r`; ``finish()`` clears
/// the line. Redraws at most once per 1/20 of the total (and on the last step), so a long
/// run costs O(20) writes.
struct ProgressBar {
  let total: Int
  let enabled: Bool
  private var done = 0
  private var lastDrawn = -1

  init(total: Int, enabled: Bool = isatty(2) == 1) {
    self.total = max(1, total)
    self.enabled = enabled
  }

  /// One more step done, labelled `label`.
  mutating func step(_ label: String) { advance(to: done + 1, label) }

  /// `done` steps done (at most ``total``), labelled `label`.
  mutating func advance(to done: Int, _ label: String) {
    self.done = min(total, done)
    guard enabled else { return }
    let bucket = done * 20 / total
    guard bucket != lastDrawn || done == total else { return }
    lastDrawn = bucket
    write(Self.render(done: done, total: total, label: label, width: 24))
  }

  /// Clears the bar's line.
  func finish() {
    guard enabled else { return }
    write("\r\u{1B}[2K")
  }

  /// The bar's text for `done` of `total` (without the leading `\r`).
  static func render(done: Int, total: Int, label: String, width: Int) -> String {
    let filled = min(width, done * width / max(1, total))
    let count = String(done).leftPadded(to: String(total).count)
    return "\r\u{1B}[2K[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
      + "] \(count)/\(total)  " + String(label.suffix(60))
  }

  private func write(_ text: String) {
    var text = text
    text.withUTF8 { _ = Glibc.write(2, $0.baseAddress, $0.count) }
  }
}

extension String {
  func leftPadded(to width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
