import SlateCore
import SlateStream
import SlateJSON
import Testing

@Suite struct TextDialectTests {
  static func run(_ chunks: [[UInt8]]) -> Transcript {
    var dialect = TextDialect()
    var out: [DialectOutput] = []
    var offset = 0
    for chunk in chunks {
      dialect.feed(chunk, at: offset, into: &out)
      offset += chunk.count
    }
    let end = dialect.finish(at: offset, into: &out)
    return Transcript(outputs: out, end: end)
  }

  @Test func eachChunkIsAnAnswerDelta() {
    let first = Array(#"[{"type":"a"},"#.utf8)
    let t = Self.run([first, Array(#"{"type":"b"}]"#.utf8)])
    #expect(t.text(.answer) == #"[{"type":"a"},{"type":"b"}]"#)
    #expect(t.deltas.map(\.offset) == [0, first.count])
    #expect(t.status == .complete)
    #expect(t.diagnostics.isEmpty)
  }

  @Test func aCharacterSplitAcrossChunksIsHeldWhole() {
    let bytes = Array("a€b😀".utf8)  // € is 3 bytes, 😀 is 4
    for cut in 1..<bytes.count {
      for second in cut..<bytes.count {
        let t = Self.run([Array(bytes[..<cut]), Array(bytes[cut..<second]), Array(bytes[second...])])
        #expect(t.text(.answer) == "a€b😀")
        #expect(t.diagnostics.isEmpty)
        #expect(t.contractViolations.isEmpty)
        // No delta holds a partial character: each is valid on its own.
        #expect(t.deltas.allSatisfy { if case .text(_, let s) = $0.kind { !s.string.contains("\u{FFFD}") } else { true } })
      }
    }
  }

  @Test func heldBytesKeepTheirOffset() {
    let t = Self.run([[0x61, 0xE2], [0x82, 0xAC]])
    #expect(t.deltas.map(\.offset) == [0, 1])
  }

  @Test func textCutInsideASequenceIsTruncated() {
    let t = Self.run([Array("ok".utf8), [0xF0, 0x9F]])
    #expect(t.text(.answer) == "ok")
    #expect(t.codes == ["dialect.cut_inside_utf8"])
    #expect(t.diagnostics.first?.offset == 2)
    #expect(t.status == .truncated(.cutInsideUTF8Sequence))
  }

  @Test func invalidBytesAreReplacedAndReported() {
    let t = Self.run([[0x61, 0xFF, 0x62, 0x80]])
    #expect(t.text(.answer) == "a\u{FFFD}b\u{FFFD}")
    #expect(t.codes == ["dialect.invalid_utf8"])
    #expect(t.status == .complete)
  }
}

@Suite struct DialectDetectorTests {
  static func format(_ text: String, atEnd: Bool = false) -> DialectDetector.InputFormat? {
    DialectDetector.inputFormat(of: Array(text.utf8), atEnd: atEnd)
  }

  @Test(arguments: ["data: {}", "data:[DONE]", ": OPENROUTER PROCESSING", "event: message_start\n",
                    "\r\n\r\ndata: x", "\u{FEFF}data: x", "id: 1\n", "retry: 10\n", "data\n"])
  func eventStreams(prefix: String) {
    #expect(Self.format(prefix) == .eventStream)
  }

  @Test(arguments: [#"[{"type":"create_scene"}]"#, #"{"a":1}"#, "database", "hello", "Data: x", "\n\nevents"])
  func text(prefix: String) {
    #expect(Self.format(prefix) == .text)
  }

  @Test func undecidedUntilMoreBytesOrTheEnd() {
    #expect(Self.format("") == nil)
    #expect(Self.format("da") == nil)
    #expect(Self.format("\n\nretr") == nil)
    #expect(DialectDetector.inputFormat(of: [0xEF, 0xBB], atEnd: false) == nil)
    #expect(Self.format("da", atEnd: true) == .text)
    #expect(Self.format("", atEnd: true) == .text)
    #expect(Self.format("data", atEnd: true) == .eventStream)
  }

  /// The detector reads only the first line's first bytes, and answers as the rule read on
  /// the whole line (here written out plainly) on every short input of field letters,
  /// colons, line ends and BOM bytes, ended or not.
  @Test func answersAsTheRuleReadOnTheWholeLine() {
    func rule(_ bytes: [UInt8], atEnd: Bool) -> DialectDetector.InputFormat? {
      var rest = bytes[...]
      let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
      if rest.starts(with: bom) { rest = rest.dropFirst(3) } else if !atEnd, !rest.isEmpty, bom.starts(with: rest) { return nil }
      let line = rest.drop { $0 == 0x0A || $0 == 0x0D }
      guard let first = line.first else { return atEnd ? .text : nil }
      if first == UInt8(ascii: ":") { return .eventStream }
      let head = Array(line.prefix { $0 != 0x0A && $0 != 0x0D })
      let lineEnded = head.count < line.count || atEnd
      for field in ["data", "event", "id", "retry"].map({ Array($0.utf8) }) {
        if head.starts(with: field + [UInt8(ascii: ":")]) { return .eventStream }
        if lineEnded && head == field { return .eventStream }
        if !lineEnded && (field + [UInt8(ascii: ":")]).starts(with: head) { return nil }
      }
      return .text
    }
    var random = SplitMix64(seed: 0xDE7EC7)
    let alphabet = Array("dataeventidretryx: ".utf8) + [0x0A, 0x0D, 0xEF, 0xBB, 0xBF]
    let words = ["data", "event", "id", "retry", "data:", "retry:", "retryx", "eventx", "\n", "\r\n", "\u{FEFF}"].map { Array($0.utf8) }
    for _ in 0..<20_000 {
      var bytes: [UInt8] = []
      let length = random.within(0...14)
      while bytes.count < length {
        if random.chance(50) { bytes += random.pick(words) } else { bytes.append(random.pick(alphabet)) }
      }
      for atEnd in [false, true] {
        #expect(DialectDetector.inputFormat(of: bytes, atEnd: atEnd) == rule(bytes, atEnd: atEnd), "\(bytes) atEnd \(atEnd)")
      }
    }
  }

  @Test func kindsFromOneEvent() throws {
    let parser = SimdjsonParser()
    func kind(_ name: String?, _ json: String) throws -> DialectKind? {
      DialectDetector.kind(eventName: name, payload: try parser.parseDocument(Array(json.utf8)).root)
    }
    #expect(try kind("message_start", "{}") == .anthropic)
    #expect(try kind("response.created", "{}") == .openaiResponses)
    #expect(try kind(nil, #"{"type":"ping"}"#) == .anthropic)
    #expect(try kind(nil, #"{"type":"response.created"}"#) == .openaiResponses)
    #expect(try kind("error", #"{"type":"error","error":{"type":"overloaded_error","message":"x"}}"#) == .anthropic)
    #expect(try kind("error", #"{"type":"error","sequence_number":2,"error":{"code":"q"}}"#) == .openaiResponses)
    #expect(try kind(nil, #"{"type":"error","code":"server_error","message":"x"}"#) == .openaiResponses)
    #expect(try kind(nil, #"{"object":"chat.completion.chunk","choices":[]}"#) == .openaiChat)
    #expect(try kind(nil, #"{"choices":[],"prompt_filter_results":[]}"#) == .openaiChat)
    #expect(try kind(nil, #"{"object":"error","message":"x"}"#) == .openaiChat)
    #expect(try kind(nil, #"{"candidates":[]}"#) == .gemini)
    #expect(try kind(nil, #"{"promptFeedback":{"blockReason":"SAFETY"}}"#) == .gemini)
    #expect(try kind(nil, #"{"error":{"code":503,"status":"UNAVAILABLE"}}"#) == .gemini)
    #expect(try kind("error", #"{"error":{"code":"tool_use_failed","type":"x"}}"#) == .openaiChat)
    #expect(try kind(nil, #"{"hello":1}"#) == nil)
    #expect(DialectDetector.kind(eventName: nil, payload: nil) == nil)
  }
}

@Suite struct AutoDialectTests {
  @Test func holdsUndecidedEventsThenReplaysThem() {
    var list = EventList()
    list.add(#"{"id":"x"}"#)  // reveals nothing
    list.add("not json")
    list.add(#"{"choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":"stop"}]}"#)
    list.add("[DONE]")
    let auto = Transcript(AutoDialect(), list)
    #expect(auto.end.kind == .openaiChat)
    #expect(auto.text(.answer) == "hi")
    // The same outputs as the Chat dialect itself, in the same order.
    let chat = Transcript(OpenAIChatDialect(), list)
    #expect(auto.outputs.map(\.description) == chat.outputs.map(\.description))
    #expect(auto.status.isGap, "the unreadable event before the text is a gap")
  }

  @Test func fallsBackToChatAfterTooManyUndecidedEvents() {
    var list = EventList()
    for _ in 0..<AutoDialect.maxPendingEvents { list.add(#"{"noise":true}"#) }
    list.add(#"{"choices":[{"index":0,"delta":{"content":"x"},"finish_reason":"stop"}]}"#)
    let t = Transcript(AutoDialect(), list)
    #expect(t.end.kind == .openaiChat)
    #expect(t.codes.first == "dialect.undetected")
    #expect(t.text(.answer) == "x")
  }

  @Test func undetectedAtTheEnd() {
    var list = EventList()
    list.add(#"{"noise":true}"#)
    let t = Transcript(AutoDialect(), list)
    #expect(t.end.kind == .auto)
    #expect(t.codes.contains("dialect.undetected"))
    #expect(t.status == .truncated(.noTerminalEvent))
    let empty = Transcript(AutoDialect(), [DialectEvent]())
    #expect(empty.status == .truncated(.noTerminalEvent))
  }

  @Test func factoryMakesEachKind() {
    for kind in DialectKind.allCases {
      let dialect = kind.makeDialect()
      #expect((dialect == nil) == (kind == .text))
      #expect(dialect.map { $0.kind == kind } ?? true)
      #expect(kind.readsEvents == (kind != .text))
      #expect(DialectKind(rawValue: kind.rawValue) == kind)
    }
    #expect(DialectKind(rawValue: "openai-chat") == .openaiChat)
    #expect(DialectKind(rawValue: "openai-responses") == .openaiResponses)
  }
}

@Suite struct StreamStatusTests {
  static let error = ProviderError(kind: "overloaded_error", code: nil, message: "Overloaded", payload: .null)

  @Test func precedence() {
    var end = DialectEnd(kind: .anthropic, terminated: false, finishes: [Finish(choice: 0, reason: "max_tokens", truncated: true)],
                         error: Self.error, openCalls: ["0.1"], openBlocks: ["0.1"], cutInsideUTF8: true, offset: 9)
    #expect(StreamStatus(end) == .failed(kind: "overloaded_error", message: "Overloaded"))
    end.error = nil
    #expect(StreamStatus(end) == .truncated(.finishReason("max_tokens")))
    end.finishes = [Finish(choice: 0, reason: "end_turn", truncated: false)]
    #expect(StreamStatus(end) == .truncated(.unterminatedBlock("0.1")))
    end.openBlocks = []
    #expect(StreamStatus(end) == .truncated(.openToolCall("0.1")))
    end.openCalls = []
    #expect(StreamStatus(end) == .truncated(.noTerminalEvent))
    end.terminated = true
    #expect(StreamStatus(end) == .truncated(.cutInsideUTF8Sequence))
    end.cutInsideUTF8 = false
    #expect(StreamStatus(end) == .complete)
    #expect(StreamStatus(end).name == "complete")
  }

  @Test func truncatingReasons() {
    for reason in ["length", "max_tokens", "MAX_TOKENS", "model_context_window_exceeded", "max_output_tokens"] {
      #expect(Finish.isTruncating(reason))
    }
    for reason in ["stop", "tool_calls", "end_turn", "STOP", "tool_use", "content_filter", "SAFETY"] {
      #expect(!Finish.isTruncating(reason))
    }
  }
}
