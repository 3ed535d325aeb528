/// A one-line excerpt of bytes around an offset, escaped for a terminal, with the column
/// of the byte at the offset (for a caret under it).
///
/// Printable ASCII and valid UTF-8 characters stay as they are; `\n`, `\r`, `\t` and other
/// control bytes are escaped (`\x1B`), bytes that are not UTF-8 too. A `…` marks text cut
/// at either side. O(width).
struct Excerpt: Equatable {
  var text: String
  /// The caret's column (in characters) under the byte at the offset; the end of the
  /// text when the offset is the end of the bytes.
  var caret: Int

  init(_ bytes: [UInt8], at offset: Int, radius: Int = 32) { self.init(ByteWindow(bytes), at: offset, radius: radius) }

  /// The excerpt of the bytes of `window` around `offset`, as if the window held the whole
  /// sequence up to its ``ByteWindow/end``. The window must keep the bytes from
  /// `offset - radius` (or its start) on; the excerpt is final once the window reaches
  /// `offset + radius + 4` (see ``ready(_:at:radius:)``) or the sequence ended.
  init(_ window: ByteWindow, at offset: Int, radius: Int = 32) {
    let count = window.end
    let target = min(max(0, offset), count)
    var start = max(window.start, target - radius)
    while start > 0, start < count, window[start] & 0xC0 == 0x80 { start += 1 }  // not inside a character
    let end = min(count, target + radius)
    var out = start > 0 ? "…" : ""
    var column = out.count
    var caret = -1
    var i = start
    while i < end {
      if i == target { caret = column }
      let (piece, length) = Excerpt.render(window, at: i)
      out += piece
      column += piece.count
      i += length
    }
    if caret < 0 { caret = column }
    if end < count { out += "…" }
    self.text = out
    self.caret = caret
  }

  /// Whether `window` holds every byte the excerpt at `offset` shows or looks at, so that
  /// later bytes cannot change it: the characters up to `radius` bytes past the offset
  /// (and the up to 3 bytes that complete the last) and one more, for the closing `…`.
  static func ready(_ window: ByteWindow, at offset: Int, radius: Int = 32) -> Bool {
    window.end >= offset + radius + 4
  }

  /// The caret line under ``text``.
  var caretLine: String { String(repeating: " ", count: caret) + "^" }

  /// How the byte at `i` (and the rest of its UTF-8 sequence) shows, and how many bytes
  /// that took.
  static func render(_ bytes: ByteWindow, at i: Int) -> (String, Int) {
    let byte = bytes[i]
    switch byte {
    case 0x0A: return ("\\n", 1)
    case 0x0D: return ("\\r", 1)
    case 0x09: return ("\\t", 1)
    case 0x5C: return ("\\\\", 1)
    case 0x20..<0x7F: return (String(UnicodeScalar(byte)), 1)
    case 0xC2...0xF4:
      let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
      if i + length <= bytes.end, let text = String(validating: bytes.bytes(i..<(i + length)), as: UTF8.self),
        let scalar = text.unicodeScalars.first, !scalar.properties.generalCategory.isControlOrFormat
      {
        return (text, length)
      }
      return (hex(byte), 1)
    default:
      return (hex(byte), 1)
    }
  }

  static func hex(_ byte: UInt8) -> String { "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true) }
}

extension Unicode.GeneralCategory {
  var isControlOrFormat: Bool {
    switch self {
    case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .unassigned, .privateUse: true
    default: false
    }
  }
}

/// ANSI colours, or none.
struct TerminalStyle {
  let enabled: Bool

  func red(_ s: String) -> String { paint(s, "31") }
  func yellow(_ s: String) -> String { paint(s, "33") }
  func green(_ s: String) -> String { paint(s, "32") }
  func dim(_ s: String) -> String { paint(s, "2") }
  func bold(_ s: String) -> String { paint(s, "1") }

  private func paint(_ s: String, _ code: String) -> String { enabled ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
}
