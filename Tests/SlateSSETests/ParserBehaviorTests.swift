import SlateSSE
import SlateTestSupport
import Testing

/// What the conformance vectors do not pin down: byte ranges, comments, the end of the
/// stream, the BOM, and a new stream after `finish()`. Each expectation is also checked
/// one byte at a time and in random chunks.
@Suite struct ParserBehaviorTests {
  /// Parses whole, then checks that byte-by-byte and random chunkings agree.
  static func parse(_ bytes: [UInt8], options: SSEParser.Options = .default) -> ParserRun {
    let whole = ParserRun(bytes, options: options)
    for chunking in PushParserVerifier.chunkings(count: bytes.count, random: (UInt64(1)...5).map { ($0, 7) }).dropFirst() {
      let run = ParserRun(bytes, cuts: chunking.cuts, options: options)
      #expect(whole.firstDifference(from: run) == nil, "\(chunking): \(whole.firstDifference(from: run) ?? "")")
    }
    return whole
  }

  @Test func eventsCarryTheirByteRanges() {
    // BOM 0–2; ": hi\r\n" 3–8; "data: a\r\n" 9–17; blank CR 18, LF 19;
    // "id: 7\n" 20–25; "data: b\n" 26–33; blank LF 34.
    let run = Self.parse([0xEF, 0xBB, 0xBF] + ": hi\r\ndata: a\r\n\r\nid: 7\ndata: b\n\n".bytes)
    #expect(run.outputs == [
      .comment(SSEComment(text: "hi", offset: 3)),
      .event(SSEEvent(type: "message", data: "a", lastEventId: "", retry: nil, byteRange: 3..<19)),
      .event(SSEEvent(type: "message", data: "b", lastEventId: "7", retry: nil, byteRange: 20..<35)),
    ])
  }

  @Test func blankLinesAndCommentOnlyBlocksStartNoRange() {
    let run = Self.parse("\n\r\n: ping\n\nevent: e\rdata: x\r\r".bytes)
    // "\n" 0, "\r\n" 1–2, ": ping\n" 3–9, "\n" 10, "event: e\r" 11–19, "data: x\r" 20–27, "\r" 28.
    #expect(run.events == [SSEEvent(type: "e", data: "x", lastEventId: "", retry: nil, byteRange: 11..<29)])
    #expect(run.comments == [SSEComment(text: "ping", offset: 3)])
  }

  @Test func commentTextLosesOneLeadingSpace() {
    let run = Self.parse(":  two\n:one\n:\n\n".bytes)
    #expect(run.comments.map(\.text) == [" two", "one", ""])
    #expect(run.events.isEmpty && run.diagnostics.isEmpty)
  }

  @Test func commentsCanBeLeftUnreported() {
    let run = Self.parse(": hi\ndata: x\n\n".bytes, options: SSEParser.Options(reportsComments: false))
    #expect(run.outputs.map(\.event?.data) == ["x"])
  }

  @Test func unterminatedEventIsDiscardedAndReported() {
    // "data: a\n\n" 0–8; "id: 9\n" 9–14; "data: tail" 15–24, no line ending.
    let bytes = "data: a\n\nid: 9\ndata: tail".bytes
    let run = Self.parse(bytes)
    #expect(run.events.map(\.data) == ["a"])
    #expect(run.lastEventId == "")
    let diagnostic = run.diagnostics.first
    #expect(run.diagnostics.count == 1)
    #expect(diagnostic?.code == .sseUnterminatedEvent)
    #expect(diagnostic?.severity == .error)
    #expect(diagnostic?.offset == 9)
    #expect(diagnostic?.byteRange == 9..<25)
  }

  @Test func flushOnEOFDispatchesTheUnterminatedEvent() {
    let bytes = "data: a\n\nid: 9\ndata: tail".bytes
    let run = Self.parse(bytes, options: SSEParser.Options(flushOnEOF: true))
    #expect(run.events.map(\.data) == ["a", "tail"])
    #expect(run.events.last?.byteRange == 9..<25)
    #expect(run.events.last?.lastEventId == "9")
    #expect(run.lastEventId == "9")
    #expect(run.diagnostics.map(\.severity) == [.warning])
    #expect(run.diagnostics.first?.byteRange == 9..<25)
  }

  @Test func commentOnlyTailIsNotAnUnterminatedEvent() {
    #expect(Self.parse("data: a\n\n: bye\n".bytes).diagnostics.isEmpty)
    #expect(Self.parse("data: a\n\n: bye".bytes).diagnostics.isEmpty)
    #expect(Self.parse("data: a\n\n: bye".bytes, options: SSEParser.Options(flushOnEOF: true)).comments.map(\.text) == ["bye"])
    #expect(Self.parse("data: a\n\nx".bytes).diagnostics.map(\.code) == [.sseUnterminatedEvent])
    #expect(Self.parse("data: a\r".bytes).diagnostics.first?.byteRange == 0..<8)
  }

  @Test func aBOMPrefixThatIsNotABOMStartsTheFirstLine() {
    // EF BB then LF: the first line is the two bytes (an unknown field), not a BOM.
    let run = Self.parse([0xEF, 0xBB] + "\ndata: x\n\n".bytes)
    #expect(run.events == [SSEEvent(type: "message", data: "x", lastEventId: "", retry: nil, byteRange: 0..<12)])
    let cut = Self.parse([0xEF, 0xBB])
    #expect(cut.diagnostics.first?.byteRange == 0..<2)
    #expect(Self.parse([0xEF, 0xBB, 0xBF]).outputs.isEmpty)
  }

  @Test func retryBeyondIntMaxSaturates() {
    let run = Self.parse("retry: 99999999999999999999999999\ndata: x\n\n".bytes)
    #expect(run.events.first?.retry == Int.max)
  }

  @Test func finishStartsANewStreamKeepingLastEventIdAndRetry() {
    var parser = SSEParser()
    #expect(parser.feed("id: 1\nretry: 50\ndata: a\n\nid: 2\ndata: lost".bytes).count == 1)
    #expect(parser.finish().map(\.diagnostic?.code) == [.sseUnterminatedEvent])
    #expect(parser.state == .streamStart(bomBytesSeen: 0))
    #expect(parser.offset == 0)
    // A new response body: offsets from 0, its own BOM stripped; the id of the discarded
    // block never became the last event ID.
    let outputs = parser.feed([0xEF, 0xBB, 0xBF] + "data: b\n\n".bytes)
    #expect(outputs == [.event(SSEEvent(type: "message", data: "b", lastEventId: "1", retry: 50, byteRange: 3..<12))])
    #expect(parser.finish().isEmpty)
  }

  /// Types are remembered by their bytes (up to a limit; the rest are built each time): a
  /// stream naming more types than that, repeating them, resetting one with an empty
  /// `event` field or a bare `event` line, or naming two in one block keeps every name.
  @Test func manyEventTypesKeepTheirNames() {
    var text = ""
    for i in 0..<60 {
      let name = "type-\(i % 24)" + String(repeating: "x", count: i % 11)
      switch i % 5 {
      case 0: text += "event: \(name)\ndata: \(i)\n\n"
      case 1: text += "event: \(name)\nevent:\ndata: \(i)\n\n"
      case 2: text += "event: first\nevent:\(name)\r\ndata: \(i)\r\n\r\n"
      case 3: text += "event: \(name)\nevent\ndata: \(i)\n\n"
      default: text += "event: \(name)\n\ndata: \(i)\n\n"  // the type goes with the empty block
      }
    }
    let run = Self.parse(text.bytes)
    let expected = RandomStreamTests.Reference(text.bytes).events
    #expect(run.events.map { "\($0.type)|\($0.data)|\($0.lastEventId)|nil" } == expected)
    #expect(run.events.count == 60)
    #expect(run.events[0].type == "type-0" && run.events[1].type == "message" && run.events[2].type == "type-2xx")
    #expect(run.events[59].type == "message" && run.events[58].type == "message" && run.events[57].type == "type-9xx")
  }

  @Test func overloadsAgree() {
    let bytes = "event: e\ndata: x\n\n".bytes
    var a = SSEParser()
    var b = SSEParser()
    var c = SSEParser()
    let fromArray = a.feed(bytes)
    let fromRaw = bytes.withUnsafeBytes { b.feed($0) }
    let fromSequence = c.feed(bytes.lazy.map { $0 })  // not contiguous: copied once
    #expect(fromArray == fromRaw && fromRaw == fromSequence && fromArray.count == 1)
  }
}
