/// The units a ``RecordingServer`` writes one at a time: a recording cut after each SSE
/// event, that is after every blank line (a line ending right after a line ending: `\n\n`,
/// `\r\n\r\n`, `\r\r`), as a provider flushes one event per write. A recording without a
/// blank line (a `text`-dialect answer, which is not an event stream) is cut into
/// ``textUnitBytes``-byte pieces, about one token each. A tail after the last blank line is
/// the last unit.
///
/// Complexity: O(bytes) once per recording; the units are offsets, not copies.
public enum RecordingUnits {
  /// The size of a unit of a recording without events: 4 bytes, about one token.
  public static let textUnitBytes = 4

  /// The end offsets of the units of `bytes`, in order (the last is `bytes.count`; empty
  /// for no bytes).
  public static func ends(of bytes: [UInt8]) -> [Int] {
    var ends: [Int] = []
    var previous: UInt8 = 0
    var index = 0
    while index < bytes.count {
      let byte = bytes[index]
      if byte == 0x0A || byte == 0x0D {
        // A CRLF is one line ending: look past its LF.
        var end = index + 1
        if byte == 0x0D, end < bytes.count, bytes[end] == 0x0A { end += 1 }
        if previous == 0x0A || previous == 0x0D { ends.append(end) }
        previous = byte
        index = end
        continue
      }
      previous = byte
      index += 1
    }
    if ends.isEmpty {
      return stride(from: textUnitBytes, to: bytes.count, by: textUnitBytes).map { $0 } + (bytes.isEmpty ? [] : [bytes.count])
    }
    if ends.last! < bytes.count { ends.append(bytes.count) }
    return ends
  }
}
