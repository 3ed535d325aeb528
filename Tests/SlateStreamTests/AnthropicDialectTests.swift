import SlateStream
import SlateJSON
import Testing

/// Hand-built Anthropic Messages streams for each case of provider-streams.md §3.
@Suite struct AnthropicDialectTests {
  static let messageStart = #"{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude-x","stop_reason":null,"usage":{"input_tokens":9,"output_tokens":1}}}"#
  static func blockStart(_ index: Int, _ block: String) -> String {
    #"{"type":"content_block_start","index":\#(index),"content_block":\#(block)}"#
  }
  static func delta(_ index: Int, _ delta: String) -> String {
    #"{"type":"content_block_delta","index":\#(index),"delta":\#(delta)}"#
  }
  static func json(_ index: Int, _ partial: String) -> String {
    delta(index, #"{"type":"input_json_delta","partial_json":\#(JSONValue.string(partial).canonicalString)}"#)
  }
  static func text(_ index: Int, _ text: String) -> String {
    delta(index, #"{"type":"text_delta","text":\#(JSONValue.string(text).canonicalString)}"#)
  }
  static func blockStop(_ index: Int) -> String { #"{"type":"content_block_stop","index":\#(index)}"# }
  static func messageDelta(_ reason: String) -> String {
    #"{"type":"message_delta","delta":{"stop_reason":"\#(reason)","stop_sequence":null},"usage":{"output_tokens":12}}"#
  }
  static let messageStop = #"{"type":"message_stop"}"#
  static let ping = #"{"type": "ping"}"#
  static let toolUse = #"{"type":"tool_use","id":"toolu_1","name":"move","input":{}}"#

  static func run(_ data: [String]) -> Transcript {
    var list = EventList()
    for item in data { list.typed(item) }
    return Transcript(AnthropicDialect(), list)
  }

  typealias T = AnthropicDialectTests

  @Test func textThenToolUse() {
    let t = T.run([
      T.messageStart,
      T.blockStart(0, #"{"type":"text","text":""}"#), T.ping, T.text(0, "Moving"), T.text(0, " now"), T.blockStop(0),
      T.blockStart(1, T.toolUse), T.ping, T.json(1, ""), T.json(1, #"{"x":"#), T.json(1, "1}"), T.blockStop(1),
      T.messageDelta("tool_use"), T.messageStop,
    ])
    #expect(t.text(.answer) == "Moving now")
    #expect(t.calls == [RecordedCall(key: "0.1", name: "move", callId: "toolu_1", choice: 0, arguments: #"{"x":1}"#, ended: true)])
    #expect(t.finishes == [Finish(choice: 0, reason: "tool_use", truncated: false)])
    #expect(t.usages.count == 2)  // message_start and message_delta
    #expect(t.terminals == ["message_stop"])
    #expect(t.diagnostics.isEmpty)
    #expect(t.status == .complete)
    #expect(t.contractViolations.isEmpty)
  }

  /// A block still open at message_delta is reported, but a stop that comes before
  /// message_stop still closes it and its call: nothing is left open, the stream is
  /// complete (the case fuzz-dialect met; the status depends on the final state).
  @Test func blockStoppedAfterMessageDeltaStillEnds() {
    let t = T.run([
      T.messageStart, T.blockStart(0, T.toolUse), T.json(0, #"{"x":1}"#),
      T.messageDelta("tool_use"), T.blockStop(0), T.messageStop,
    ])
    #expect(t.codes == ["dialect.block_not_stopped"])
    #expect(t.calls == [RecordedCall(key: "0.0", name: "move", callId: "toolu_1", choice: 0, arguments: #"{"x":1}"#, ended: true)])
    #expect(t.end.openBlocks.isEmpty && t.end.openCalls.isEmpty)
    #expect(t.status == .complete)
  }

  @Test func toolUseWithOnlyAnEmptyFragmentHasEmptyObjectArguments() {
    let t = T.run([
      T.messageStart, T.blockStart(0, T.toolUse), T.ping, T.json(0, ""), T.blockStop(0),
      T.messageDelta("tool_use"), T.messageStop,
    ])
    #expect(t.calls.first?.arguments == "{}")
    #expect(parsedJSON(t.calls.first?.arguments ?? "") == .object(JSONObject()))
    #expect(t.status == .complete)
  }

  @Test func toolUseWhoseInputCameWholeAtTheStart() {
    let t = T.run([
      T.messageStart, T.blockStart(0, #"{"type":"tool_use","id":"t","name":"f","input":{"b":2,"a":1}}"#), T.blockStop(0),
      T.messageStop,
    ])
    #expect(t.calls.first?.arguments == #"{"a":1,"b":2}"#)
  }

  @Test func blockNeverStoppedBeforeMaxTokens() {
    // As in sonnet37-tool-use-cut-by-max-tokens: no content_block_stop for the tool block.
    let t = T.run([
      T.messageStart, T.blockStart(0, T.toolUse), T.json(0, #"{"lines": ["a", "#),
      T.messageDelta("max_tokens"), T.messageStop,
    ])
    #expect(t.calls.first?.ended == false)
    #expect(t.codes == ["dialect.block_not_stopped", "dialect.call_not_ended"])
    #expect(t.end.openBlocks == ["0.0"])
    #expect(t.end.openCalls == ["0.0"])
    #expect(t.status == .truncated(.finishReason("max_tokens")))
  }

  @Test func blockNeverStoppedWithACleanStopReasonIsStillTruncated() {
    let t = T.run([
      T.messageStart, T.blockStart(0, #"{"type":"text","text":""}"#), T.text(0, "hi"), T.messageDelta("end_turn"), T.messageStop,
    ])
    #expect(t.codes == ["dialect.block_not_stopped"])
    #expect(t.status == .truncated(.unterminatedBlock("0.0")))
  }

  @Test func secondMessageStart() {
    let t = T.run([
      T.messageStart, T.blockStart(0, #"{"type":"text","text":""}"#), T.text(0, "a"), T.blockStop(0), T.messageDelta("end_turn"),
      T.messageStop,
      T.messageStart, T.blockStart(0, T.toolUse), T.json(0, "{}"), T.blockStop(0), T.messageDelta("tool_use"), T.messageStop,
    ])
    #expect(t.codes == ["dialect.second_message_start"])
    // Block 0 of the second message is a different call key from block 0 of the first.
    #expect(t.calls.map(\.key) == ["1.0"])
    #expect(t.text(.answer) == "a")
    #expect(t.status == .complete)
  }

  @Test func secondMessageStartWithABlockStillOpen() {
    let t = T.run([
      T.messageStart, T.blockStart(0, T.toolUse), T.json(0, "{"),
      T.messageStart, T.blockStart(0, T.toolUse), T.json(0, "{}"), T.blockStop(0), T.messageDelta("tool_use"), T.messageStop,
    ])
    #expect(t.codes == ["dialect.second_message_start", "dialect.block_not_stopped", "dialect.call_not_ended"])
    #expect(t.end.openCalls == ["0.0"])
    #expect(t.status == .truncated(.unterminatedBlock("0.0")))
  }

  @Test func deltaForABlockThatNeverStarted() {
    let t = T.run([T.messageStart, T.json(3, "{}"), T.blockStop(3), T.messageStop])
    #expect(t.codes == ["dialect.delta_without_start", "dialect.delta_without_start"])
    #expect(t.calls.isEmpty)
  }

  @Test func contentBeforeMessageStart() {
    let t = T.run([T.blockStart(0, #"{"type":"text","text":""}"#), T.text(0, "x"), T.blockStop(0), T.messageStop])
    #expect(t.codes == ["dialect.missing_message_start"])
    #expect(t.text(.answer) == "x")
  }

  @Test func deltaAfterStopAndDuplicateStart() {
    let t = T.run([
      T.messageStart, T.blockStart(0, #"{"type":"text","text":""}"#), T.blockStop(0), T.text(0, "late"),
      T.blockStart(0, #"{"type":"text","text":""}"#), T.blockStop(0), T.messageStop,
    ])
    #expect(t.codes == ["dialect.delta_after_stop", "dialect.duplicate_start", "dialect.delta_after_stop"])
    #expect(t.text(.answer).isEmpty)
  }

  @Test func thinkingAndSignatureStayApart() {
    let t = T.run([
      T.messageStart,
      T.blockStart(0, #"{"type":"thinking","thinking":"","signature":""}"#),
      T.delta(0, #"{"type":"thinking_delta","thinking":"Let me think"}"#),
      T.delta(0, #"{"type":"signature_delta","signature":"EvMC=="}"#),
      T.blockStop(0),
      T.blockStart(1, #"{"type":"text","text":""}"#), T.text(1, "Answer"), T.blockStop(1),
      T.messageDelta("end_turn"), T.messageStop,
    ])
    #expect(t.text(.reasoning) == "Let me think")
    #expect(t.text(.signature) == "EvMC==")
    #expect(t.text(.answer) == "Answer")
    #expect(t.calls.isEmpty)
  }

  @Test func serverToolUseIsReportedButIsNotAClientCall() {
    let t = T.run([
      T.messageStart,
      T.blockStart(0, #"{"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{}}"#),
      T.json(0, ""), T.json(0, #"{"query": "#), T.json(0, #""x"}"#), T.blockStop(0),
      T.blockStart(1, #"{"type":"web_search_tool_result","tool_use_id":"srvtoolu_1","content":[]}"#), T.blockStop(1),
      T.messageDelta("end_turn"), T.messageStop,
    ])
    #expect(t.calls.isEmpty)
    #expect(t.serverTools == [ServerToolUse(key: "0.0", name: "web_search", callId: "srvtoolu_1", input: #"{"query": "x"}"#)])
    #expect(t.diagnostics.isEmpty)
  }

  @Test func errorEventFails() {
    let t = T.run([T.messageStart, T.ping, #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#])
    #expect(t.status == .failed(kind: "overloaded_error", message: "Overloaded"))
    #expect(t.codes == ["dialect.no_terminal_event"])
  }

  @Test func connectionClosedWithoutMessageStop() {
    let t = T.run([T.messageStart, T.blockStart(0, #"{"type":"text","text":""}"#), T.text(0, "x"), T.blockStop(0), T.messageDelta("end_turn")])
    #expect(t.status == .truncated(.noTerminalEvent))
  }

  @Test func unknownEventsAndDeltasAreSkipped() {
    let t = T.run([
      T.messageStart, T.blockStart(0, #"{"type":"text","text":""}"#),
      T.delta(0, #"{"type":"compaction_delta","content":"x"}"#),
      T.delta(0, #"{"type":"citations_delta","citation":{}}"#),
      #"{"type":"message_annotation","x":1}"#,
      T.blockStart(1, #"{"type":"hologram","data":"x"}"#),
      T.text(0, "ok"), T.blockStop(0), T.blockStop(1), T.messageStop,
    ])
    #expect(t.codes == ["dialect.unknown_event", "dialect.unknown_event", "dialect.unknown_event"])
    #expect(t.diagnostics.allSatisfy { $0.severity == .info })
    #expect(t.text(.answer) == "ok")
    #expect(t.status == .complete)
  }

  @Test func deltaThatDoesNotFitItsBlock() {
    let t = T.run([T.messageStart, T.blockStart(0, T.toolUse), T.text(0, "oops"), T.json(0, "{}"), T.blockStop(0), T.messageStop])
    #expect(t.codes == ["dialect.delta_type_mismatch"])
    #expect(t.text(.answer).isEmpty)
    #expect(t.calls.first?.arguments == "{}")
  }

  @Test func eventNameMustRepeatThePayloadType() {
    var list = EventList()
    list.add("message_start", T.messageStart)
    list.add("content_block_delta", T.blockStart(0, #"{"type":"text","text":""}"#))
    list.typed(T.blockStop(0))
    list.typed(T.messageStop)
    let t = Transcript(AnthropicDialect(), list)
    #expect(t.codes == ["dialect.event_type_mismatch"])
    #expect(t.status == .complete)  // dispatched on the payload type
  }

  @Test func paddedJSONParses() {
    let t = T.run([T.messageStart + "          ", #"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}         }"#,
                   #"{"type":"content_block_stop","index":0 }"#, #"{"type":"message_stop" }"#])
    #expect(t.diagnostics.isEmpty)
    #expect(t.status == .complete)
  }
}
