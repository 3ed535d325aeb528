import SlateCore
import SlateFilm
import SlateJSON
import SlateTestSupport
import Testing

/// Text cut into deltas as it arrives gives the pieces (and leaves the generator where)
/// cutting the whole text does, however the text is split into parts.
@Suite struct DeltaCutterTests {
  static let text = FilmActions.make(count: 60).map { $0.text(.spaced) }.joined(separator: ",\n")

  /// The pieces of `parts` fed one by one, and the generator after them.
  static func cut(_ parts: [String], _ sizes: DeltaSizes, seed: UInt64) -> ([String], SplitMix64) {
    var cutter = DeltaCutter(sizes, random: SplitMix64(seed: seed))
    var pieces: [String] = []
    for part in parts { cutter.feed(part) { pieces.append($0) } }
    cutter.finish { pieces.append($0) }
    return (pieces, cutter.random)
  }

  @Test(arguments: [DeltaSizes(1...1), DeltaSizes(1...4), DeltaSizes(8...32), DeltaSizes(100...5000)])
  func anySplitGivesTheWholeTextsPieces(_ sizes: DeltaSizes) {
    var random = SplitMix64(seed: 5)
    let whole = sizes.pieces(of: Self.text, &random)
    #expect(whole.joined() == Self.text)
    #expect(whole.dropLast().allSatisfy { sizes.range.contains($0.unicodeScalars.count) })
    let scalars = Array(Self.text.unicodeScalars)
    func parts(_ cuts: [Int]) -> [String] {
      SeededChunking.chunks(of: scalars, cuts: cuts).map { chunk in
        var part = String.UnicodeScalarView()
        part.append(contentsOf: chunk)
        return String(part)
      }
    }
    let splits: [[String]] = [
      [Self.text], parts(SeededChunking.fixedCuts(count: scalars.count, size: 1)),
      parts(SeededChunking.randomCuts(count: scalars.count, maxChunk: 50, seed: 3)),
      parts(SeededChunking.randomCuts(count: scalars.count, maxChunk: 3000, seed: 4)),
      [""] + parts(SeededChunking.fixedCuts(count: scalars.count, size: 7)) + [""],
    ]
    for split in splits {
      let (pieces, after) = Self.cut(split, sizes, seed: 5)
      #expect(pieces == whole, "\(split.count) parts")
      #expect(after == random, "\(split.count) parts: the generator ends elsewhere")
    }
  }

  @Test func noTextNoPiecesNoDraws() {
    let (pieces, after) = Self.cut(["", ""], .small, seed: 9)
    #expect(pieces.isEmpty)
    #expect(after == SplitMix64(seed: 9))
  }
}
