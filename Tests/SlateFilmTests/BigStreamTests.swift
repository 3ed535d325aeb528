import SlateStream
import SlateFilm
import SlateJSON
import SlateTestSupport
import Testing

/// Big generated turns (never committed) read back to exactly the actions generated.
@Suite struct BigStreamTests {
  typealias Case = GeneratedTurn

  static let cases: [Case] = [
    Case(dialect: .openaiChat, form: .answer(.array)), Case(dialect: .openaiChat, form: .toolCalls),
    Case(dialect: .openaiResponses, form: .answer(.array)), Case(dialect: .openaiResponses, form: .toolCalls),
    Case(dialect: .anthropic, form: .answer(.array)), Case(dialect: .anthropic, form: .toolCalls),
    Case(dialect: .gemini, form: .answer(.ndjson)), Case(dialect: .gemini, form: .toolCalls),
    Case(dialect: .text, form: .answer(.array)), Case(dialect: .text, form: .answer(.ndjson)),
  ]

  @Test(arguments: BigStreamTests.cases)
  func aThousandActionsReadBackExactly(_ c: Case) throws {
    let stream = try #require(SyntheticCorpus.generate(dialect: c.dialect, actions: 1000, form: c.form))
    let expected = FilmActions.make(count: 1000)
    #expect(stream.intent.status == .complete)
    let read = StreamReader(stream.bytes, dialect: c.dialect)
    expectMatches(read, stream)
    let framed = read.framed().actions
    #expect(framed.count == 1000)
    if c.form == .toolCalls {
      // Calls complete in an interleaved order; as a set they are the actions, each once.
      let byCall = framed.map { JSONValue.object(JSONObject([JSONMember(key: "type", value: .string($0.type))] + ($0.value.objectValue ?? JSONObject()).members)) }
      #expect(Set(byCall.map(\.canonicalString)) == Set(expected.map(\.canonicalString)))
      #expect(read.calls.map(\.name) == expected.map(FilmActions.type(of:)))
      #expect(Set(read.calls.compactMap(\.callId)).count == (c.dialect == .gemini ? 0 : 1000))
    } else {
      #expect(framed.map(\.value.canonicalString) == expected.map(\.canonicalString))
    }
  }

  @Test func fiveThousandActionsInRandomChunks() throws {
    let stream = try #require(SyntheticCorpus.generate(dialect: .openaiChat, actions: 5000, deltaSizes: DeltaSizes(1...64)))
    let cuts = SeededChunking.randomCuts(count: stream.bytes.count, maxChunk: 4096, seed: 11)
    let read = StreamReader(stream.bytes, dialect: .openaiChat, cuts: cuts)
    expectMatches(read, stream)
    #expect(read.framed().actions.map(\.value) == FilmActions.make(count: 5000))
  }

  @Test func eachFormAndDialectIsOfferedWhereItExists() {
    #expect(SyntheticCorpus.generate(dialect: .text, actions: 10, form: .toolCalls) == nil)
    #expect(SyntheticCorpus.generate(dialect: .auto, actions: 10) == nil)
    for dialect in SyntheticCorpus.dialects {
      #expect(SyntheticCorpus.generate(dialect: dialect, actions: 10)?.intent.actions.count == 10)
    }
    // Sizes of deltas are respected: one-character deltas give one event per character.
    let tiny = SyntheticCorpus.generate(dialect: .anthropic, actions: 2, deltaSizes: DeltaSizes(1...1))!
    let text = StreamReader(tiny.bytes, dialect: .anthropic).deltas.filter {
      if case .text = $0.kind { true } else { false }
    }
    #expect(text.count == tiny.intent.answerText.unicodeScalars.count)
  }
}
