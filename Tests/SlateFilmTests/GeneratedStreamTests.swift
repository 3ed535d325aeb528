import SlateStream
import SlateFilm
import SlateJSON
import SlateTestSupport
import Testing

/// Every stream of the committed corpus, read back with the project's SSE parser and
/// dialects, yields exactly what the generator intended: the answer text, the tool calls
/// (names, ids, argument text, end signals), the ending, and the framed actions.
@Suite struct GeneratedStreamTests {
  static let streams = SyntheticCorpus.committed()

  @Test(arguments: GeneratedStreamTests.streams.map(\.path))
  func readsAsIntended(_ path: String) throws {
    let stream = try #require(Self.streams.first { $0.path == path })
    let read = StreamReader(stream.bytes, dialect: stream.dialect)
    expectMatches(read, stream)
    // The same outputs whatever the network's chunking (text: one delta per chunk, the
    // same text).
    let cuts = SeededChunking.randomCuts(count: stream.bytes.count, maxChunk: 97, seed: 7)
    let rechunked = StreamReader(stream.bytes, dialect: stream.dialect, cuts: cuts)
    if stream.dialect == .text {
      expectMatches(rechunked, stream)
    } else {
      #expect(rechunked.outputs == read.outputs)
    }
    #expect(rechunked.end == read.end)
  }

  @Test func coversEveryScenarioWhereItApplies() {
    for dialect in SyntheticCorpus.dialects {
      for scenario in Scenario.allCases {
        let stream = SyntheticCorpus.stream(scenario, dialect: dialect)
        #expect((stream == nil) == (scenario.skipReason(for: dialect) != nil), "\(dialect) \(scenario)")
      }
    }
    #expect(Self.streams.count == 56)  // 13 scenarios × 5 dialects, less 6 in text and 3 in Gemini
    // The list: each of these exists in every SSE dialect (Gemini's clean is CRLF).
    for dialect in [DialectKind.openaiChat, .openaiResponses, .anthropic, .gemini] {
      for scenario in [Scenario.clean, .toolCalls, .keepAlive, .providerError, .cutInAction, .cutInUTF8, .duplicates, .invalidJSON] {
        #expect(SyntheticCorpus.stream(scenario, dialect: dialect) != nil, "\(dialect) \(scenario)")
      }
    }
    #expect(SyntheticCorpus.stream(.crlf, dialect: .gemini) == nil)
  }

  @Test func scenariosEndAsTheyShould() throws {
    func stream(_ scenario: Scenario, _ dialect: DialectKind) throws -> SyntheticStream {
      try #require(SyntheticCorpus.stream(scenario, dialect: dialect))
    }
    for dialect in SyntheticCorpus.dialects where dialect != .text {
      #expect(try stream(.clean, dialect).intent.status == .complete)
      #expect(try stream(.toolCalls, dialect).intent.status == .complete)
      #expect(try stream(.providerError, dialect).intent.status.name == "failed")
      #expect(try stream(.cutInAction, dialect).intent.status.name == "truncated")
      #expect(try stream(.cutInAction, dialect).intent.answerFraming == .truncated)
      #expect(try stream(.cutInUTF8, dialect).intent.status.name == "truncated")
      #expect(try stream(.invalidJSON, dialect).intent.answerFraming == .failed)
      #expect(try stream(.invalidJSON, dialect).intent.status == .complete)
      #expect(try stream(.lengthStop, dialect).intent.status.name == "truncated")
      #expect(try stream(.duplicates, dialect).intent.actions.count == 7)
      #expect(try stream(.toolCalls, dialect).intent.calls.count == 6)
    }
    #expect(try stream(.cutInUTF8, .text).intent.status == .truncated(.cutInsideUTF8Sequence))
    #expect(try stream(.cutInAction, .text).intent.answerFraming == .truncated)
    #expect(try stream(.lengthStop, .openaiChat).intent.status == .truncated(.finishReason("length")))
    #expect(try stream(.lengthStop, .openaiResponses).intent.status == .truncated(.finishReason("max_output_tokens")))
    #expect(try stream(.lengthStop, .anthropic).intent.status == .truncated(.finishReason("max_tokens")))
    #expect(try stream(.lengthStop, .gemini).intent.status == .truncated(.finishReason("MAX_TOKENS")))
    #expect(try stream(.cutInAction, .anthropic).intent.status == .truncated(.unterminatedBlock("0.0")))
    #expect(try stream(.cutInToolCall, .openaiChat).intent.status == .truncated(.openToolCall("0.0")))
    #expect(try stream(.providerError, .anthropic).intent.status == .failed(kind: "overloaded_error", message: "Overloaded"))
    // A cut inside a call leaves the calls after it unseen and the cut one without a value.
    let cut = try stream(.cutInToolCall, .anthropic)
    #expect(cut.intent.calls.count == 4 && cut.intent.calls.last?.ended == false)
    #expect(cut.intent.actions.count == 3)
    // One broken call: its arguments are kept as sent, and it yields no action.
    let broken = try stream(.invalidToolArguments, .openaiChat)
    #expect(broken.intent.calls[2].arguments.hasSuffix(",}"))
    #expect(broken.intent.actions.map(\.type).sorted() == ["add_character", "add_prop", "create_scene", "plan"])
  }

  @Test func cutsInsideUTF8EndInsideASequence() throws {
    for dialect in SyntheticCorpus.dialects {
      let bytes = try #require(SyntheticCorpus.stream(.cutInUTF8, dialect: dialect)).bytes
      let lead = try #require(bytes.last)
      #expect(lead >= 0xC2 && lead <= 0xF4, "\(dialect): the stream ends with the lead byte of a sequence")
    }
  }

  @Test func parallelCallsInterleaveWhereTheProviderDoes() throws {
    for dialect in [DialectKind.openaiChat, .openaiResponses, .anthropic] {
      let stream = try #require(SyntheticCorpus.stream(.toolCalls, dialect: dialect))
      var open: [CallKey] = []
      var interleaved = false
      for delta in StreamReader(stream.bytes, dialect: dialect).deltas {
        switch delta.kind {
        case .toolCallStarted(let start): open.append(start.key)
        case .toolArguments(let key, _): interleaved = interleaved || (open.count > 1 && key != open.last)
        case .toolCallEnded(let key): open.removeAll { $0 == key }
        default: break
        }
      }
      #expect(interleaved == (dialect != .anthropic), "\(dialect)")
    }
  }

  @Test func generationIsDeterministic() {
    let again = SyntheticCorpus.committed()
    #expect(again.map(\.bytes) == Self.streams.map(\.bytes))
    #expect(again.map(\.intent) == Self.streams.map(\.intent))
    let other = SyntheticCorpus.committed(seed: 2)
    #expect(other.map(\.bytes) != Self.streams.map(\.bytes))
  }
}

/// The reader's view of `stream` equals the generator's intent.
func expectMatches(_ read: StreamReader, _ stream: SyntheticStream, sourceLocation: SourceLocation = #_sourceLocation) {
  let intent = stream.intent
  #expect(read.answerText == intent.answerText, "answer text of \(stream.path)", sourceLocation: sourceLocation)
  #expect(read.otherText.isEmpty, sourceLocation: sourceLocation)
  #expect(read.calls == intent.calls, "calls of \(stream.path)", sourceLocation: sourceLocation)
  #expect(read.status == intent.status, "status of \(stream.path)", sourceLocation: sourceLocation)
  let framed = read.framed()
  #expect(framed.answerFraming == intent.answerFraming, "framing of \(stream.path)", sourceLocation: sourceLocation)
  #expect(framed.actions == intent.actions, "actions of \(stream.path)", sourceLocation: sourceLocation)
  // Nothing the generator writes is unknown to the dialect, mismatched or out of order;
  // only a stream cut inside an event leaves an event that is not JSON.
  var allowed: Set<String> = ["dialect.no_terminal_event", "dialect.block_not_stopped", "dialect.call_not_ended",
                              "dialect.cut_inside_utf8"]
  if stream.name == "cut-in-utf8" { allowed.insert("dialect.invalid_payload") }
  let unexpected = Set(read.codes).subtracting(allowed)
  #expect(unexpected.isEmpty, "\(stream.path): \(unexpected.sorted())", sourceLocation: sourceLocation)
}
