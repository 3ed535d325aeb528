import SlateStream
import SlateFilm
import SlateJSON
import SlateTestSupport
import Testing

/// The action stream over generated turns: a turn of 1,000 actions yields exactly those
/// actions (canonical values, in order for answer text, each once for tool calls), whole
/// and in random chunks; and over every committed stream, the committed values are the
/// generator's intended actions.
@Suite struct ActionStreamCorpusTests {
  /// The values `ActionStream` commits for `bytes` fed in the chunks `cuts` gives, and its summary.
  static func run(_ bytes: [UInt8], dialect: DialectKind, cuts: [Int] = []) -> (values: [StreamValue], summary: StreamSummary) {
    var stream = ActionStream(options: ActionStreamOptions(dialect: dialect))
    var items: [StreamItem] = []
    for chunk in chunks(of: bytes, cuts: cuts) { stream.feed(chunk, into: &items) }
    let summary = stream.finish(into: &items)
    return (items.compactMap(\.value), summary)
  }

  typealias Case = GeneratedTurn

  static let thousand: [Case] = [
    Case(dialect: .openaiChat, form: .answer(.array)), Case(dialect: .openaiChat, form: .toolCalls),
    Case(dialect: .anthropic, form: .answer(.array)), Case(dialect: .anthropic, form: .toolCalls),
    Case(dialect: .openaiResponses, form: .toolCalls), Case(dialect: .gemini, form: .answer(.array)),
  ]

  @Test(arguments: ActionStreamCorpusTests.thousand)
  func aThousandActionsYieldExactlyThoseActions(_ c: Case) throws {
    let stream = try #require(SyntheticCorpus.generate(dialect: c.dialect, actions: 1000, form: c.form))
    let expected = FilmActions.make(count: 1000)
    for (name, cuts) in [("whole", []), ("random", SeededChunking.randomCuts(count: stream.bytes.count, maxChunk: 300, seed: 42)),
                         ("small", SeededChunking.randomCuts(count: stream.bytes.count, maxChunk: 7, seed: 43))] as [(String, [Int])]
    {
      let (values, summary) = Self.run(stream.bytes, dialect: c.dialect, cuts: cuts)
      #expect(summary.status == .complete, "\(name)")
      #expect(summary.errors == 0, "\(name)")
      #expect(values.count == 1000, "\(name)")
      if c.form == .toolCalls {
        // One action per call: the tool name is the type, the arguments the rest.
        let actions = values.map { value in
          JSONValue.object(JSONObject([JSONMember(key: "type", value: .string(value.toolName ?? ""))] + (value.value.objectValue?.members ?? [])))
        }
        #expect(actions.map(\.canonicalString).sorted() == expected.map(\.canonicalString).sorted(), "\(name)")
        #expect(values.map(\.callId) == stream.intent.actions.map(\.callId) || c.dialect == .gemini, "\(name)")
      } else {
        #expect(values.map(\.value.canonicalString) == expected.map(\.canonicalString), "\(name)")
      }
      #expect(values.map(\.value) == stream.intent.actions.map(\.value), "\(name): the commit order the generator intended")
    }
  }

  @Test(arguments: SyntheticCorpus.committed().map(\.path))
  func committedStreamsCommitTheIntendedActions(_ path: String) throws {
    let stream = try #require(SyntheticCorpus.committed().first { $0.path == path })
    let (values, summary) = Self.run(stream.bytes, dialect: stream.dialect)
    #expect(values.map(\.value) == stream.intent.actions.map(\.value))
    #expect(values.map { $0.toolName ?? $0.value["type"]?.stringValue ?? "" } == stream.intent.actions.map(\.type))
    #expect(values.map(\.callId) == stream.intent.actions.map(\.callId))
    // The dialect's ending stands, except that a cut inside a value names the channel.
    switch (summary.status, stream.intent.status) {
    case (.truncated(.cutInsideValue), .truncated), (.truncated(.cutInsideValue), .complete):
      #expect(stream.intent.answerFraming == .truncated || stream.intent.calls.contains { !$0.ended })
    default:
      #expect(summary.status == stream.intent.status)
    }
  }
}
