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
}
