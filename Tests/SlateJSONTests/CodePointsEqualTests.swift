import SlateCore
import Testing

@testable import SlateJSON

/// `codePointsEqual` is UTF-8 byte equality: seeded pairs of strings (ASCII and not, small
/// and heap-allocated, NFC against NFD, lengths around the 8-byte steps) against the bytes.
@Suite struct CodePointsEqualTests {
  static let pieces = ["a", "b", "é", "e\u{301}", "日本", "😀", "\u{0}", "\"", "scene_id", "0123456", "x", "Z", ""]

  @Test func agreesWithTheBytesOnSeededPairs() {
    var random = SplitMix64(seed: 0xC0DE_9017)
    var equal = 0
    for round in 0..<20000 {
      let a = (0..<random.below(12)).map { _ in random.pick(Self.pieces) }.joined()
      var b = a
      switch random.below(4) {
      case 0: break
      case 1: b = (0..<random.below(12)).map { _ in random.pick(Self.pieces) }.joined()
      case 2: if !b.isEmpty { b.removeLast() }
      default: b += random.pick(Self.pieces)
      }
      let expected = Array(a.utf8) == Array(b.utf8)
      if expected { equal += 1 }
      #expect(codePointsEqual(a, b) == expected, "round \(round): \(Array(a.utf8)) \(Array(b.utf8))")
      #expect(codePointsEqual(b, a) == expected)
    }
    #expect(equal > 3000)
    // Canonically equivalent, different code points: not equal (Swift's == says equal).
    #expect(!codePointsEqual("é", "e\u{301}") && "é" == "e\u{301}")
    // A substring's string and a long one differing only in its last byte.
    let long = String(repeating: "abcdefgh", count: 9)
    #expect(codePointsEqual(String(long.dropFirst(8)), String(repeating: "abcdefgh", count: 8)))
    #expect(!codePointsEqual(long + "x", long + "y"))
  }
}
