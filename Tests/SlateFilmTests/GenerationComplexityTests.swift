import SlateFilm
import SlateStream
import Testing

/// Writing a big turn takes work in proportion to its bytes and memory that does not grow
/// with it, counted by the generator itself (``GenerationTally``; no clock): at N and 10N
/// actions, the work per byte written is the same and the bytes held at once are too,
/// except for tool calls in openai-responses, whose `response.completed` event repeats
/// every call (its answer text is drawn again for its closing events instead of held).
@Suite struct GenerationComplexityTests {
  static let cases: [GeneratedTurn] = SyntheticCorpus.dialects.flatMap { dialect in
    ([.answer(.array), .answer(.ndjson)] + (dialect == .text ? [] : [ContentForm.toolCalls])).map {
      GeneratedTurn(dialect: dialect, form: $0)
    }
  }

  static func tally(_ c: GeneratedTurn, _ count: Int) throws -> GenerationTally {
    var bytes = 0
    let tally = try #require(SyntheticCorpus.write(dialect: c.dialect, actions: count, form: c.form, blockSize: 4096) { bytes += $0.count })
    #expect(tally.bytes == bytes)
    return tally
  }

  @Test(arguments: GenerationComplexityTests.cases)
  func workGrowsWithTheBytesAndMemoryDoesNot(_ c: GeneratedTurn) throws {
    let small = try Self.tally(c, 300)
    let large = try Self.tally(c, 3000)
    let growth = Double(large.bytes) / Double(small.bytes)
    #expect(growth > 9 && growth < 11, "bytes ×\(growth)")
    let workPerByte = (Double(large.work) / Double(large.bytes)) / (Double(small.work) / Double(small.bytes))
    #expect(abs(workPerByte - 1) < 0.05, "work per byte ×\(workPerByte): \(small.work) → \(large.work)")
    if c.dialect != .text {
      let stepGrowth = Double(large.steps) / Double(small.steps)
      #expect(stepGrowth > 9 && stepGrowth < 11, "steps ×\(stepGrowth)")
    }
    if c.dialect == .openaiResponses && c.form == .toolCalls {
      #expect(large.peakHeld > small.peakHeld + 100_000, "the closing events' content is held: \(small.peakHeld) → \(large.peakHeld)")
    } else {
      #expect(large.peakHeld <= small.peakHeld + 4096, "held at once: \(small.peakHeld) → \(large.peakHeld) bytes")
      #expect(large.peakHeld < 4096 + 16384)
    }
  }
}
