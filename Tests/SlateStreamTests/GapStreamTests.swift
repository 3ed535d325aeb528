import SlateStream
import SlateJSON
import SlateSSE
import SlateTestSupport
import Testing

/// A gap poisons its channel (issue 14 item 0): an event that may have carried text or
/// argument bytes and cannot be read drops the value in progress on every channel it may
/// have cut (`stream.gap`, at the event's offset), nothing more on those channels is
/// framed, and the stream fails with reason `stream.gap`. Each case is checked whole, byte
/// by byte and in seeded chunks.
@Suite struct GapStreamTests {
  /// Runs `bytes` in every chunking, checks that they agree, and returns the whole run.
  static func run(_ bytes: [UInt8], _ dialect: DialectKind, sse: SSEParser.Options = SSEParser.Options(reportsComments: false)) -> StreamRun {
    let options = ActionStreamOptions(dialect: dialect, sse: sse)
    let whole = StreamRun(bytes, options: options)
    #expect(StreamRun(bytes, options: options, cuts: Array(1..<bytes.count)).lines == whole.lines, "byte by byte")
    for seed in UInt64(1)...3 {
      let cuts = SeededChunking.randomCuts(count: bytes.count, maxChunk: 23, seed: seed)
      #expect(StreamRun(bytes, options: options, cuts: cuts).lines == whole.lines, "seed \(seed)")
    }
    return whole
  }

  /// The raw offset of the `n`-th event (0-based) of an SSEText stream.
  static func offset(ofEvent n: Int, in sse: SSEText) -> Int {
    var parser = SSEParser()
    return (parser.feed(sse.bytes) + parser.finish()).compactMap(\.event)[n].byteRange.lowerBound
  }

  static let broken = #"{"id":"c1","choices":[{"index":0,"delta":{"content":"mond dr"#  // not JSON

  @Test func aLostChunkNeverJoinsTheTextAroundIt() {
    // The issue's case: "diamond drill" must not become "diaill".
    var sse = SSEText()
    sse.chatText(#"[{"type":"add_prop","name":"sword"},"#)
    sse.chatText(#"{"type":"add_prop","name":"dia"#)
    sse.data(Self.broken)
    sse.chatText(#"ill"},{"type":"add_prop","name":"lamp"}]"#)
    sse.chat("{}", finish: "stop")
    sse.data("[DONE]")
    let run = Self.run(sse.bytes, .openaiChat)
    let gap = Self.offset(ofEvent: 2, in: sse)
    #expect(run.canonicalValues == [#"{"name":"sword","type":"add_prop"}"#])
    let gaps = run.diagnostics.filter { $0.code == "stream.gap" }
    #expect(gaps.count == 1)
    #expect(gaps.first?.streamOffset == gap)
    #expect(gaps.first?.channel == .answer(choice: 0))
    #expect(gaps.first?.severity == .error)
    #expect(run.codes.contains("dialect.invalid_payload"))
    #expect(run.summary.status.isGap)
    #expect(run.summary.status.name == "failed")
    #expect(!run.codes.contains("json.truncated"), "a cut channel reports nothing more")
  }

  @Test func aLostChunkCutsTheCallsOpenAcrossItButNotTheCallsThatStartAfter() {
    var sse = SSEText()
    sse.chatTool(index: 0, id: "call_a", name: "first", arguments: #"{"x":"#)
    sse.data(Self.broken)
    sse.chatTool(index: 0, arguments: "1}")
    sse.chatTool(index: 1, id: "call_b", name: "second", arguments: #"{"y":2}"#)
    sse.chat("{}", finish: "tool_calls")
    sse.data("[DONE]")
    let run = Self.run(sse.bytes, .openaiChat)
    #expect(run.values.map(\.toolName) == ["second"])
    #expect(run.diagnostics.filter { $0.code == "stream.gap" }.map(\.channel) == [.call("0.0")])
    #expect(run.summary.status.isGap)
  }

  @Test func aChatCallWhoseNamedFirstFragmentWasLostIsNotCommitted() {
    var sse = SSEText()
    sse.data(Self.broken)  // it may have been {"index":0,"id":…,"name":…,"arguments":"{\"a\":"}
    sse.chatTool(index: 0, arguments: #"{"b":1}"#)
    sse.chat("{}", finish: "tool_calls")
    sse.data("[DONE]")
    let run = Self.run(sse.bytes, .openaiChat)
    #expect(run.values.isEmpty)
    #expect(run.diagnostics.filter { $0.code == "stream.gap" }.map(\.channel) == [.call("0.0")])
    #expect(run.summary.status.isGap)
  }

  @Test func textThatStartsAfterTheGapIsNotFramed() {
    // The lost chunk may have held the answer's first bytes (a `[`, or a whole first action).
    var sse = SSEText()
    sse.chat(#"{"role":"assistant"}"#)
    sse.data(Self.broken)
    sse.chatText(#"{"type":"a"}"#)
    sse.chat("{}", finish: "stop")
    let run = Self.run(sse.bytes, .openaiChat)
    #expect(run.values.isEmpty)
    #expect(run.diagnostics.filter { $0.code == "stream.gap" }.map(\.streamOffset) == [Self.offset(ofEvent: 1, in: sse)])
    #expect(run.summary.status.isGap)
  }

  @Test func anUnreadableEventAfterDoneIsNoGap() {
    var sse = SSEText()
    sse.chatText(#"[{"type":"a"}]"#)
    sse.chat("{}", finish: "stop")
    sse.data("[DONE]")
    sse.data(Self.broken)
    let run = Self.run(sse.bytes, .openaiChat)
    #expect(run.values.count == 1)
    #expect(!run.codes.contains("stream.gap"))
    #expect(run.summary.status == .complete)
  }

  @Test func aProviderErrorEventThatIsNotJSONIsTheProvidersErrorNotAGap() {
    var sse = SSEText()
    sse.chatText(#"[{"type":"a"},"#)
    sse.event("error", "upstream overloaded")
    let run = Self.run(sse.bytes, .openaiChat)
    #expect(run.values.count == 1)
    #expect(!run.codes.contains("stream.gap"))
    #expect(run.summary.status == .failed(kind: "error", message: "upstream overloaded"))
  }

  @Test func anthropicResponsesAndGeminiTextIsCutTheSameWay() {
    var anthropic = SSEText()
    anthropic.event("message_start", #"{"type":"message_start","message":{"id":"m","usage":{}}}"#)
    anthropic.event("content_block_start", #"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#)
    anthropic.event("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"[{\"type\":\"a\"},{\"n\":\"dia"}}"#)
    anthropic.event("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"mond dr"#)
    anthropic.event("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"ill\"}]"}}"#)
    anthropic.event("content_block_stop", #"{"type":"content_block_stop","index":0}"#)
    anthropic.event("message_stop", #"{"type":"message_stop"}"#)

    var responses = SSEText()
    responses.event("response.output_text.delta", #"{"type":"response.output_text.delta","item_id":"m","content_index":0,"delta":"[{\"type\":\"a\"},{\"n\":\"dia"}"#)
    responses.event("response.output_text.delta", #"{"type":"response.output_text.delta","item_id":"m","content_index":0,"delta":"mond"#)
    responses.event("response.output_text.delta", #"{"type":"response.output_text.delta","item_id":"m","content_index":0,"delta":"ill\"}]"}"#)
    responses.event("response.completed", #"{"type":"response.completed","response":{"status":"completed"}}"#)

    var gemini = SSEText()
    gemini.data(#"{"candidates":[{"content":{"parts":[{"text":"[{\"type\":\"a\"},{\"n\":\"dia"}]},"index":0}]}"#)
    gemini.data(#"{"candidates":[{"content":{"parts":[{"text":"mond"#)
    gemini.data(#"{"candidates":[{"content":{"parts":[{"text":"ill\"}]"}]},"finishReason":"STOP","index":0}]}"#)

    for (sse, dialect, lost) in [(anthropic, DialectKind.anthropic, 3), (responses, .openaiResponses, 1), (gemini, .gemini, 1)] {
      let run = Self.run(sse.bytes, dialect)
      #expect(run.canonicalValues == [#"{"type":"a"}"#], "\(dialect)")
      #expect(run.diagnostics.filter { $0.code == "stream.gap" }.map(\.streamOffset) == [Self.offset(ofEvent: lost, in: sse)], "\(dialect)")
      #expect(run.summary.status.isGap, "\(dialect)")
    }
  }

  @Test func anthropicAndResponsesCallsOpenAcrossAGapAreNotCommitted() {
    var anthropic = SSEText()
    anthropic.event("message_start", #"{"type":"message_start","message":{"id":"m"}}"#)
    anthropic.event("content_block_start", #"{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"t","name":"f","input":{}}}"#)
    anthropic.event("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\"a\":"}}"#)
    anthropic.event("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"#)
    anthropic.event("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"1}"}}"#)
    anthropic.event("content_block_stop", #"{"type":"content_block_stop","index":0}"#)
    anthropic.event("content_block_start", #"{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"u","name":"g","input":{}}}"#)
    anthropic.event("content_block_delta", #"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"b\":2}"}}"#)
    anthropic.event("content_block_stop", #"{"type":"content_block_stop","index":1}"#)
    anthropic.event("message_stop", #"{"type":"message_stop"}"#)
    let a = Self.run(anthropic.bytes, .anthropic)
    #expect(a.values.map(\.toolName) == ["g"])
    #expect(a.diagnostics.filter { $0.code == "stream.gap" }.map(\.channel) == [.call("0.0")])
    #expect(a.summary.status.isGap)

    var responses = SSEText()
    responses.event("response.output_item.added", #"{"type":"response.output_item.added","item":{"type":"function_call","id":"fc","call_id":"c","name":"f"}}"#)
    responses.event("response.function_call_arguments.delta", #"{"type":"response.function_call_arguments.delta","item_id":"fc","delta":"{\"a\":"}"#)
    responses.event("response.function_call_arguments.delta", #"{"type":"response.function_call_arguments.delta","item_id":"fc","delta":"#)
    responses.event("response.function_call_arguments.delta", #"{"type":"response.function_call_arguments.delta","item_id":"fc","delta":"1}"}"#)
    responses.event("response.function_call_arguments.done", #"{"type":"response.function_call_arguments.done","item_id":"fc","arguments":"{\"a\":1}"}"#)
    responses.event("response.completed", #"{"type":"response.completed","response":{"status":"completed"}}"#)
    let r = Self.run(responses.bytes, .openaiResponses)
    #expect(r.values.isEmpty)
    #expect(r.diagnostics.filter { $0.code == "stream.gap" }.map(\.channel) == [.call("fc")])
    #expect(r.summary.status.isGap)
  }

  @Test func anEventTheSSELayerDiscardsIsAGapToo() {
    var sse = SSEText()
    sse.chatText(#"[{"type":"a"},{"type":"#)
    sse.chatText(String(repeating: "x", count: 300))  // past the line limit below
    sse.chatText(#""b"}]"#)
    sse.chat("{}", finish: "stop")
    let limits = SSELimits(maxLineBytes: 256)
    let run = Self.run(sse.bytes, .openaiChat, sse: SSEParser.Options(limits: limits, reportsComments: false))
    #expect(run.codes.contains("sse.line_too_long"))
    #expect(run.canonicalValues == [#"{"type":"a"}"#])
    #expect(run.codes.filter { $0 == "stream.gap" }.count == 1)
    #expect(run.summary.status.isGap)
    // The same through `auto`, where the discard comes before detection is settled.
    let auto = Self.run(sse.bytes, .auto, sse: SSEParser.Options(limits: limits, reportsComments: false))
    #expect(auto.lines == run.lines)
  }
}
