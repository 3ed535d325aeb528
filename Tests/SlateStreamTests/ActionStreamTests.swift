import Foundation
import SlateStream
import SlateJSON
import SlateSSE
import SlateTestSupport
import Testing

/// The action stream: what it commits and when, how it ends, and that chunking changes
/// nothing.
@Suite struct ActionStreamTests {
  static let chatOptions = ActionStreamOptions(dialect: .openaiChat)

  // MARK: Chunking

  static var recordings: [URL] {
    ["openai-chat", "openai-responses", "anthropic", "gemini"].flatMap {
      SharedFixtures.files(in: "corpus-real/\($0)", suffix: ".sse") ?? []
    }
  }

  @Test func everyRecordingGivesTheSameItemsWholeByteByByteAndInRandomChunks() throws {
    let urls = Self.recordings + [SharedFixtures.projectRoot.appendingPathComponent("Corpus/text/film-turn-array.sse")]
    for url in urls {
      let bytes = try [UInt8](Data(contentsOf: url))
      let whole = StreamRun(bytes)
      #expect(StreamRun(bytes, cuts: Array(1..<bytes.count)).lines == whole.lines, "\(url.lastPathComponent) byte by byte")
      for seed in UInt64(1)...3 {
        let cuts = SeededChunking.randomCuts(count: bytes.count, maxChunk: 97, seed: seed)
        #expect(StreamRun(bytes, cuts: cuts).lines == whole.lines, "\(url.lastPathComponent) seed \(seed)")
      }
      // The auto dialect reads what the named one reads.
      let named = url.deletingLastPathComponent().lastPathComponent
      if let kind = DialectKind(rawValue: named) {
        #expect(StreamRun(bytes, options: ActionStreamOptions(dialect: kind)).lines == whole.lines, "\(url.lastPathComponent) named")
      }
    }
  }

  @Test func shortStreamsGiveTheSameItemsAtEverySplitPoint() {
    var sse = SSEText()
    sse.chatText("[{\"type\":\"a\"},")
    sse.chatTool(index: 0, id: "call_1", name: "f", arguments: "{\"x\":")
    sse.chatText(" {\"type\":\"é\"}]")
    sse.chatTool(index: 0, arguments: "1}")
    sse.chat("{}", finish: "tool_calls")
    sse.data("[DONE]")
    let bytes = sse.bytes
    let whole = StreamRun(bytes)
    #expect(whole.values.count == 3)
    for a in 1..<bytes.count {
      #expect(StreamRun(bytes, cuts: [a]).lines == whole.lines, "split at \(a)")
    }
  }

  // MARK: Answer text

  @Test func answerTextActionsAreCommittedWhenTheirLastByteArrives() {
    var sse = SSEText()
    sse.chatText("[{\"type\":\"create_scene\",\"scene_id\":\"s1\"},{\"type\":")
    sse.chatText("\"add_prop\",\"name\":\"lamp\"}")
    sse.chatText("]")
    sse.chat("{}", finish: "stop")
    sse.data("[DONE]")
    let run = StreamRun(sse.bytes, options: Self.chatOptions)
    #expect(run.canonicalValues == [#"{"scene_id":"s1","type":"create_scene"}"#, #"{"name":"lamp","type":"add_prop"}"#])
    // The first value closed in the first event, the second in the second.
    let events = sse.text.components(separatedBy: "\n\n").map { $0.utf8.count + 2 }
    #expect(run.values.map(\.streamOffset) == [0, events[0]])
    #expect(run.values.map(\.textRange.lowerBound) == [1, 41])
    #expect(run.values.allSatisfy { $0.channel == .answer(choice: 0) && $0.toolName == nil })
    #expect(run.starts.map(\.type) == ["create_scene", "add_prop"])
    #expect(run.summary.status == .complete)
    #expect(run.summary.isClean)
  }

  @Test func proseIsNotFramedUnlessFramingIsStrict() {
    var sse = SSEText()
    sse.chatText("  Sure, here you go.")
    sse.chat("{}", finish: "stop")
    sse.data("[DONE]")
    let auto = StreamRun(sse.bytes)
    #expect(auto.codes == ["stream.prose_text"])
    #expect(auto.diagnostics[0].severity == .info && auto.diagnostics[0].textOffset == 2)
    #expect(auto.summary.isClean)

    let strict = StreamRun(sse.bytes, options: ActionStreamOptions(textFraming: .framed(.array)))
    #expect(strict.codes == ["json.unexpected_byte"])
    #expect(strict.diagnostics[0].textOffset == 2 && strict.diagnostics[0].severity == .error)
    #expect(!strict.summary.isClean)

    #expect(StreamRun(sse.bytes, options: ActionStreamOptions(textFraming: .none)).codes.isEmpty)
  }

  @Test func aTextCutInsideAValueIsTruncatedThere() {
    var sse = SSEText()
    sse.chatText("[{\"type\":\"a\"}, {\"type\":")
    let run = StreamRun(sse.bytes)
    #expect(run.values.count == 1)
    #expect(run.summary.status == .truncated(.cutInsideValue(.answer(choice: 0))))
    #expect(run.codes == ["dialect.no_terminal_event", "json.truncated"])
    let cut = run.diagnostics[1]
    #expect(cut.channel == .answer(choice: 0) && cut.textOffset == 23 && cut.streamOffset == sse.bytes.count)
  }

  // MARK: Tool calls

  @Test func aToolCallIsCommittedOnlyAtItsEndSignal() {
    var sse = SSEText()
    sse.chatTool(index: 0, id: "call_1", name: "create_scene", arguments: "{\"scene_id\":")
    sse.chatTool(index: 0, arguments: "\"s1\"}")
    let beforeEnd = sse.bytes.count
    sse.chat("{}", finish: "tool_calls")
    sse.data("[DONE]")
    var stream = ActionStream(options: Self.chatOptions)
    let early = sse.bytes[..<beforeEnd].withUnsafeBytes { stream.feed($0) }
    #expect(early.compactMap(\.value).isEmpty, "the value is complete but the call has not ended")
    #expect(early.compactMap(\.started).map(\.type) == ["create_scene"])
    var rest = sse.bytes[beforeEnd...].withUnsafeBytes { stream.feed($0) }
    rest += stream.finish()
    let values = rest.compactMap(\.value)
    #expect(values.count == 1)
    #expect(values.first?.toolName == "create_scene" && values.first?.callId == "call_1")
    #expect(values.first?.channel == .call("0.0"))
    #expect(values.first?.streamOffset == beforeEnd)
    #expect(values.first?.value.canonicalString == #"{"scene_id":"s1"}"#)
  }

  @Test func argumentsWithTrailingContentOrInvalidJSONAreNotCommitted() {
    var sse = SSEText()
    sse.chatTool(index: 0, id: "call_1", name: "a", arguments: "{\"x\":1} {\"y\":2}")
    sse.chatTool(index: 1, id: "call_2", name: "b", arguments: "{\"x\":tru}")
    sse.chatTool(index: 2, id: "call_3", name: "c", arguments: " \n ")
    sse.chatTool(index: 3, id: "call_4", name: "d", arguments: "{\"ok\":true}  ")
    sse.chat("{}", finish: "tool_calls")
    sse.data("[DONE]")
    let run = StreamRun(sse.bytes, options: Self.chatOptions)
    #expect(run.values.map(\.toolName) == ["c", "d"])
    #expect(run.canonicalValues == ["{}", #"{"ok":true}"#], "empty arguments are {}; trailing whitespace is fine")
    #expect(run.codes == ["json.trailing_content", "json.unexpected_byte"])
    #expect(run.diagnostics.map(\.channel) == [.call("0.0"), .call("0.1")])
    #expect(run.diagnostics.map(\.textOffset) == [8, 8])
    #expect(run.summary.status == .complete && !run.summary.isClean)
  }

  @Test func callsStillOpenAtTheEndAreNeverCommitted() {
    var sse = SSEText()
    sse.chatTool(index: 0, id: "call_1", name: "a", arguments: "{\"x\":1}")
    sse.chatTool(index: 1, id: "call_2", name: "b", arguments: "{\"x\":")
    let run = StreamRun(sse.bytes, options: Self.chatOptions)
    #expect(run.values.isEmpty)
    #expect(run.codes == ["dialect.call_not_ended", "dialect.call_not_ended", "dialect.no_terminal_event",
                          "stream.value_not_committed", "json.truncated"])
    #expect(run.summary.status == .truncated(.cutInsideValue(.call("0.1"))))
  }

  @Test func aProviderErrorFailsTheStreamAndCountsWhatClosedBefore() {
    var sse = SSEText()
    sse.chatText("[{\"type\":\"a\"},{\"type\":\"b\"},")
    sse.event("error", #"{"error":{"type":"overloaded_error","message":"busy"}}"#)
    let run = StreamRun(sse.bytes, options: Self.chatOptions)
    #expect(run.values.count == 2)
    #expect(run.summary.status == .failed(kind: "overloaded_error", message: "busy"))
    #expect(run.summary.valuesBeforeError == 2)
    #expect(run.summary.providerError?.message == "busy")
  }

  // MARK: The text dialect and detection

  @Test func plainTextIsDetectedAndItsOffsetsAreRawOffsets() {
    let text = Array("\n[{\"type\":\"a\"}, {\"type\":\"b\"}]\n".utf8)
    let run = StreamRun(text)
    #expect(run.summary.dialect == .text)
    #expect(run.values.map(\.textRange) == [2..<14, 16..<28])
    #expect(run.values.map(\.streamOffset) == [13, 27], "a value is placed at its last byte")
    #expect(run.summary.status == .complete)
  }

  @Test func textCutInsideAUTF8SequenceIsTruncated() {
    let text = Array("[{\"name\":\"É".utf8).dropLast()
    let run = StreamRun(Array(text), options: ActionStreamOptions(dialect: .text))
    #expect(run.summary.status == .truncated(.cutInsideUTF8Sequence))
    #expect(run.codes == ["json.invalid_utf8"])
  }

  @Test func invalidJSONInTheTextStopsItsFramerAndKeepsWhatClosed() {
    let run = StreamRun(Array("[{\"type\":\"a\"}, {\"type\": nope}, {\"type\":\"c\"}]".utf8))
    #expect(run.values.count == 1)
    #expect(run.codes == ["json.unexpected_byte"])
    #expect(run.diagnostics[0].textOffset == 25 && run.diagnostics[0].streamOffset == 25)
    #expect(run.summary.status == .complete && run.summary.errors == 1)
  }

  // MARK: Limits

  @Test func actionsPastTheLimitAreDroppedWithOneDiagnostic() {
    let text = Array(("[" + (0..<5).map { "{\"type\":\"t\($0)\"}" }.joined(separator: ",") + "]").utf8)
    let run = StreamRun(text, options: ActionStreamOptions(maxActions: 3))
    #expect(run.values.count == 3)
    #expect(run.codes == ["stream.too_many_actions"])
  }

  @Test func callsPastTheOpenLimitAreNotFramed() {
    var sse = SSEText()
    for i in 0..<3 { sse.chatTool(index: i, id: "call_\(i)", name: "f\(i)", arguments: "{}") }
    sse.chat("{}", finish: "tool_calls")
    sse.data("[DONE]")
    let run = StreamRun(sse.bytes, options: ActionStreamOptions(dialect: .openaiChat, maxOpenCalls: 2))
    #expect(run.values.map(\.toolName) == ["f0", "f1"])
    #expect(run.codes == ["stream.too_many_open_calls"])
  }

  // MARK: AsyncSequence

  @Test func theAsyncSequenceYieldsWhatFeedingYields() async throws {
    let bytes = try #require(Self.recordings.first { $0.lastPathComponent.contains("two-parallel") }).path
    let data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: bytes)))
    let chunks = SeededChunking.chunks(of: data, cuts: SeededChunking.randomCuts(count: data.count, maxChunk: 50, seed: 7))
    let source = AsyncStream<ArraySlice<UInt8>> { continuation in
      for chunk in chunks { continuation.yield(chunk) }
      continuation.finish()
    }
    var items: [StreamItem] = []
    for try await item in source.actionStream() { items.append(item) }
    #expect(StreamRun(items: items).lines == StreamRun(data).lines)
    guard case .end(let summary)? = items.last else {
      Issue.record("the last item must be the end")
      return
    }
    #expect(summary.values == 2)
  }
}

extension ActionStreamTests {
  @Test func finishingTwiceChangesNothing() {
    var stream = ActionStream()
    var items: [StreamItem] = []
    stream.feed(Array("[{\"type\":\"a\"}".utf8), into: &items)
    let first = stream.finish(into: &items)
    var more: [StreamItem] = []
    let second = stream.finish(into: &more)
    #expect(more.isEmpty)
    #expect(first == second && first.status == .truncated(.cutInsideValue(.answer(choice: 0))))
  }

  @Test func blankLinesAloneAreHeldOnlyUpToALimit() {
    var stream = ActionStream()
    let blank = [UInt8](repeating: 0x0A, count: 5000)
    _ = blank.withUnsafeBytes { stream.feed($0) }
    let tail = Array("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"[{}]\"},\"finish_reason\":\"stop\"}]}\n\n".utf8)
    var items = tail.withUnsafeBytes { stream.feed($0) }
    let summary = stream.finish(into: &items)
    #expect(summary.dialect == .openaiChat)
    #expect(summary.values == 1)
  }
}
