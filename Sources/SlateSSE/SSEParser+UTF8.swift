/// UTF-8 validation of event data without building a `String`.
extension SSEParser {
  /// Whether `bytes` are well-formed UTF-8 (Unicode Table 3-7: no overlong forms, no
  /// surrogates, nothing past U+10FFFF), the same verdict as `String(validating:as:)`.
  /// ASCII runs are checked sixteen bytes at a time. O(bytes), no allocation.
  package static func isValidUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
    guard let base = bytes.baseAddress else { return true }
    let count = bytes.count
    var i = 0
    while i < count {
      while i &+ 16 <= count,
            (base.loadUnaligned(fromByteOffset: i, as: UInt64.self) | base.loadUnaligned(fromByteOffset: i &+ 8, as: UInt64.self))
            & 0x8080_8080_8080_8080 == 0
      {
        i &+= 16
      }
      while i &+ 8 <= count,
            base.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0
      {
        i &+= 8
      }
      guard i < count else { break }
      let lead = base.load(fromByteOffset: i, as: UInt8.self)
      if lead < 0x80 {
        i &+= 1
        continue
      }
      guard let length = sequenceLength(base, at: i, count: count, lead: lead) else { return false }
      i &+= length
    }
    return true
  }

  /// The length of the well-formed multi-byte sequence starting at `i` with `lead`, or nil.
  @inline(__always)
  private static func sequenceLength(_ base: UnsafeRawPointer, at i: Int, count: Int, lead: UInt8) -> Int? {
    func byte(_ k: Int) -> UInt8? { i &+ k < count ? base.load(fromByteOffset: i &+ k, as: UInt8.self) : nil }
    func isTail(_ b: UInt8?) -> Bool { b.map { $0 & 0xC0 == 0x80 } ?? false }
    switch lead {
    case 0xC2...0xDF:
      return isTail(byte(1)) ? 2 : nil
    case 0xE0...0xEF:
      guard let second = byte(1) else { return nil }
      let (low, high): (UInt8, UInt8) = lead == 0xE0 ? (0xA0, 0xBF) : lead == 0xED ? (0x80, 0x9F) : (0x80, 0xBF)
      return second >= low && second <= high && isTail(byte(2)) ? 3 : nil
    case 0xF0...0xF4:
      guard let second = byte(1) else { return nil }
      let (low, high): (UInt8, UInt8) = lead == 0xF0 ? (0x90, 0xBF) : lead == 0xF4 ? (0x80, 0x8F) : (0x80, 0xBF)
      return second >= low && second <= high && isTail(byte(2)) && isTail(byte(3)) ? 4 : nil
    default:
      return nil
    }
  }
}
