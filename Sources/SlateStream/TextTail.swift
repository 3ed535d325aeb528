/// The last (at most three) bytes of the raw text the `text` dialect read, held in one word
/// so that a chunk of any size costs O(1) and no allocation: at the end of the input they
/// tell whether the text was cut inside a UTF-8 sequence.
struct TextTail {
  /// The bytes, the oldest in the lowest byte.
  private var word: UInt32 = 0
  /// How many bytes ``word`` holds (0–3).
  private var count = 0

  /// Takes in the next chunk's bytes. O(1).
  mutating func append(_ bytes: UnsafeRawBufferPointer) {
    let n = bytes.count
    if n >= 3 {
      word = UInt32(bytes[n - 3]) | UInt32(bytes[n - 2]) << 8 | UInt32(bytes[n - 1]) << 16
      count = 3
    } else {
      for byte in bytes {
        if count == 3 {
          word = word >> 8 | UInt32(byte) << 16
        } else {
          word |= UInt32(byte) << (8 * UInt32(count))
          count += 1
        }
      }
    }
  }

  /// The bytes held, the oldest first.
  var bytes: [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: word >> (8 * UInt32($0))) } }
}
