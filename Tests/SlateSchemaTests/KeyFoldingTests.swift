@_spi(_Unicode) import Swift
import SlateCore
import Testing

@testable import SlateSchema

/// Case folding and NFD write their output as bytes: the strings are those of the
/// scalar-by-scalar forms (kept here as the reference), byte for byte, on seeded strings
/// of ASCII, Latin, combining marks, Greek, Cyrillic, Hangul, folding expansions and
/// astral scalars.
@Suite struct KeyFoldingTests {
  static func referenceCaseFold(_ string: String) -> String {
    var out = ""
    for scalar in string.unicodeScalars {
      if scalar.value < 0x80 {
        let v = scalar.value
        out.unicodeScalars.append(v >= 0x41 && v <= 0x5A ? Unicode.Scalar(v + 0x20)! : scalar)
      } else {
        out += scalar.properties._caseFolded
      }
    }
    return out
  }

  static func referenceNFD(_ string: String) -> String {
    var out = String.UnicodeScalarView()
    for scalar in string._nfd { out.append(scalar) }
    return String(out)
  }

  static let ranges: [ClosedRange<UInt32>] = [
    0x20...0x7E, 0x09...0x0D, 0xA0...0xFF, 0x100...0x17F, 0x300...0x36F, 0x370...0x3FF, 0x400...0x4FF,
    0x1E00...0x1EFF, 0x1F00...0x1FFF, 0xAC00...0xAC40, 0xFB00...0xFB06, 0x2000...0x206F, 0x10400...0x1044F,
    0x1F600...0x1F64F, 0x130...0x131, 0xDF...0xDF,
  ]

  static func randomString(_ rng: inout SplitMix64) -> String {
    var scalars = String.UnicodeScalarView()
    for _ in 0..<rng.below(12) {
      let range = rng.pick(ranges)
      if let scalar = Unicode.Scalar(range.lowerBound + UInt32(rng.below(Int(range.upperBound - range.lowerBound) + 1))) {
        scalars.append(scalar)
      }
    }
    return String(scalars)
  }

  @Test func foldingAndNFDGiveTheReferenceBytes() {
    var rng = SplitMix64(seed: 0xF01D_CA5E)
    for _ in 0..<20000 {
      let s = Self.randomString(&rng)
      #expect(Array(KeyNormalization.caseFold(s).utf8) == Array(Self.referenceCaseFold(s).utf8), "\(s.unicodeScalars.map(\.value))")
      #expect(Array(KeyNormalization.nfd(s).utf8) == Array(Self.referenceNFD(s).utf8), "\(s.unicodeScalars.map(\.value))")
      let all = KeyNormalization.apply(bits: [.trim, .casefold, .nfc], to: s)
      var expected = KeyNormalization.trim(s)
      expected = String(decoding: Self.referenceCaseFold(Self.referenceNFD(expected))._nfcCodeUnits, as: UTF8.self)
      #expect(Array(all.utf8) == Array(expected.utf8), "\(s.unicodeScalars.map(\.value))")
    }
  }

  static let stepSets: [KeyNormalization.Steps] = (0..<8).map { KeyNormalization.Steps(rawValue: UInt8($0)) }

  /// The scalar-by-scalar path (`applyToSimpleScalars`) gives what the Unicode steps give,
  /// for every combination of steps, on every scalar it takes (alone, between letters, and
  /// as a trimmed end), and declines every Latin-1-to-U+07FF scalar it does not take.
  @Test func simpleScalarPathMatchesTheUnicodeStepsOnEveryScalarItTakes() {
    var taken = 0
    for v in UInt32(0x80)...0x1FFFF {
      guard let scalar = Unicode.Scalar(v) else { continue }
      let c = String(scalar)
      let simple = v <= 0xFF || KeyNormalization.isSimple(v)
      for s in [c, "A" + c + "b", " \u{A0}" + c + c + "\u{85}\t", c + "\u{C9}\u{DF}"] {
        for steps in Self.stepSets {
          let fast = KeyNormalization.applyToSimpleScalars(bits: steps, s)
          if !simple {
            #expect(fast == nil, "U+\(String(v, radix: 16)) is not simple")
            continue
          }
          let expected = KeyNormalization.applyUnicode(bits: steps, to: s)
          #expect(fast.map { Array($0.utf8) } == Array(expected.utf8), "U+\(String(v, radix: 16)), steps \(steps.rawValue): \(s.debugDescription)")
        }
      }
      if simple { taken += 1 }
    }
    #expect(taken > 20000)
  }

  /// On seeded strings of ASCII, Latin-1, simple scalars and some that are not (combining
  /// marks, Greek, Hangul, white space beyond Latin-1), ``KeyNormalization/apply(_:to:)``
  /// (ASCII, simple and Unicode paths) equals the Unicode steps, and the simple path answers
  /// exactly when every scalar is simple.
  @Test func applyMatchesTheUnicodeStepsOnMixedStrings() {
    let ranges: [ClosedRange<UInt32>] = [0x20...0x7E, 0x09...0x0D, 0x80...0xFF, 0xC0...0xDF, 0xB5...0xB5, 0x85...0x85,
                                         0xA0...0xA0, 0x2010...0x2027, 0x2600...0x26FF, 0x4E00...0x4E10, 0x1F300...0x1F320,
                                         0x1FAF0...0x1FAFF, 0x300...0x36F, 0x370...0x3FF, 0xAC00...0xAC10, 0x3000...0x3000,
                                         0x2028...0x2029, 0x1E00...0x1E10]
    var rng = SplitMix64(seed: 0x51A1_9E)
    for round in 0..<20000 {
      var scalars = String.UnicodeScalarView()
      for _ in 0..<rng.below(10) {
        let range = rng.pick(ranges)
        scalars.append(Unicode.Scalar(range.lowerBound + UInt32(rng.below(Int(range.upperBound - range.lowerBound) + 1)))!)
      }
      let s = String(scalars)
      let allSimple = s.unicodeScalars.allSatisfy { $0.value <= 0xFF || KeyNormalization.isSimple($0.value) }
      for steps in Self.stepSets {
        let expected = Array(KeyNormalization.applyUnicode(bits: steps, to: s).utf8)
        #expect(Array(KeyNormalization.apply(bits: steps, to: s).utf8) == expected, "round \(round), steps \(steps.rawValue): \(s.unicodeScalars.map(\.value))")
        let fast = KeyNormalization.applyToSimpleScalars(bits: steps, s)
        #expect((fast != nil) == allSimple, "round \(round): \(s.unicodeScalars.map(\.value))")
      }
    }
  }
}
