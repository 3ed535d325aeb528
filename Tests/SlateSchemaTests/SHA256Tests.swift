import SlateCore
import Testing

@testable import SlateSchema

/// FIPS 180-4 test vectors (NIST CSRC "SHA256.pdf" examples and the long-message vector).
@Suite struct SHA256Tests {
  @Test(arguments: [
    ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
     "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
  ])
  func nistVectors(message: String, expected: String) {
    #expect(SHA256.hash(Array(message.utf8)).hex == expected)
    // The portable rounds on their own, whatever this processor has.
    var portable = SHA256(portable: true)
    portable.update(Array(message.utf8))
    #expect(portable.finalize().hex == expected)
  }

  @Test func oneMillionA() {
    var hasher = SHA256()
    let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
    for _ in 0..<1000 { hasher.update(chunk) }
    #expect(hasher.finalize().hex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  }

  /// Splitting the input anywhere gives the same digest (block-boundary handling).
  @Test func streamingMatchesOneShot() {
    let bytes = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 7) }
    let whole = SHA256.hash(bytes)
    for split in [0, 1, 55, 56, 63, 64, 65, 119, 128, 299, 300] {
      var hasher = SHA256()
      hasher.update(bytes[..<split])
      hasher.update(bytes[split...])
      #expect(hasher.finalize() == whole, "split at \(split)")
    }
  }

  /// The SHA extensions (where this processor has them) and the portable rounds give the
  /// same digest for every length from 0 to 300 bytes and some longer ones, whole or split
  /// at a seeded point, and a sequence that is not contiguous (hashed byte by byte) the same
  /// as an array of its bytes.
  @Test func extensionsMatchThePortableRounds() {
    var random = SplitMix64(seed: 0x5AE_256)
    for length in Array(0...300) + [1_000, 4_096, 65_537] {
      let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
      var portable = SHA256(portable: true)
      portable.update(bytes)
      let expected = portable.finalize()
      var split = SHA256()
      let at = random.within(0...length)
      split.update(bytes[..<at])
      split.update(bytes[at...])
      #expect(split.finalize() == expected, "length \(length) split at \(at)")
      var byteByByte = SHA256()
      byteByByte.update(bytes.lazy.map { $0 })
      #expect(byteByByte.finalize() == expected, "length \(length), not contiguous")
    }
  }
}
