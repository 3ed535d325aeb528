import SlateStream
import SlateJSON
import Testing

/// Hand-built Responses API streams for each case of provider-streams.md §2.
@Suite struct OpenAIResponsesDialectTests {
  static let created = #"{"type":"response.created","sequence_number":0,"response":{"id":"resp_1","status":"in_progress","output":[]}}"#
  static let callAdded = #"{"type":"response.output_item.added","output_index":0,"item":{"type":"function_call","id":"fc_1","call_id":"call_1","name":"move","arguments":"","status":"in_progress"}}"#
  static func argsDelta(_ text: String, item: String = "fc_1") -> String {
    #"{"type":"response.function_call_arguments.delta","item_id":"\#(item)","output_index":0,"delta":\#(JSONValue.string(text).canonicalString)}"#
  }
  static func argsDone(_ text: String, item: String = "fc_1") -> String {
    #"{"type":"response.function_call_arguments.done","item_id":"\#(item)","output_index":0,"arguments":\#(JSONValue.string(text).canonicalString)}"#
  }
  static let callItemDone = #"{"type":"response.output_item.done","output_index":0,"item":{"type":"function_call","id":"fc_1","call_id":"call_1","name":"move","arguments":"{\"x\":1}","status":"completed"}}"#
  static let completed = #"{"type":"response.completed","response":{"id":"resp_1","status":"completed","usage":{"input_tokens":9,"output_tokens":5}}}"#

  static func run(_ data: [String], named: Bool = true) -> Transcript {
    var list = EventList()
    for item in data { if named { list.typed(item) } else { list.add(item) } }
    return Transcript(OpenAIResponsesDialect(), list)
  }

  typealias T = OpenAIResponsesDialectTests

  @Test(arguments: [true, false])
  func functionCallStream(named: Bool) {
    // `named: false` is OpenRouter's form: no `event:` lines, a final [DONE].
    var data = [T.created, T.callAdded, T.argsDelta(#"{"x":"#), T.argsDelta("1}"), T.argsDone(#"{"x":1}"#), T.callItemDone, T.completed]
    if !named { data.append("[DONE]") }
    let t = T.run(data, named: named)
    #expect(t.calls == [RecordedCall(key: "fc_1", name: "move", callId: "call_1", choice: 0, arguments: #"{"x":1}"#, ended: true)])
    #expect(t.usages.count == 1)
    #expect(t.finishes == [Finish(choice: 0, reason: "completed", truncated: false)])
    #expect(t.terminals == ["response.completed"])
    #expect(t.diagnostics.isEmpty)
    #expect(t.status == .complete)
    #expect(t.contractViolations.isEmpty)
  }

  @Test func textReasoningAndRefusalChannels() {
    let t = T.run([
      T.created,
      #"{"type":"response.output_item.added","output_index":0,"item":{"type":"reasoning","id":"rs_1","summary":[]}}"#,
      #"{"type":"response.reasoning_summary_part.added","item_id":"rs_1","summary_index":0,"part":{"type":"summary_text","text":""}}"#,
      #"{"type":"response.reasoning_summary_text.delta","item_id":"rs_1","summary_index":0,"delta":"**Plan**"}"#,
      #"{"type":"response.reasoning_text.delta","item_id":"rs_1","content_index":0,"delta":" raw"}"#,
      #"{"type":"response.output_item.added","output_index":1,"item":{"type":"message","id":"msg_1","content":[]}}"#,
      #"{"type":"response.content_part.added","item_id":"msg_1","content_index":0,"part":{"type":"output_text","text":""}}"#,
      #"{"type":"response.output_text.delta","item_id":"msg_1","content_index":0,"delta":"I’ll"}"#,
      #"{"type":"response.output_text.delta","item_id":"msg_1","content_index":0,"delta":" go"}"#,
      #"{"type":"response.refusal.delta","item_id":"msg_1","content_index":1,"delta":"no"}"#,
      #"{"type":"response.output_text.done","item_id":"msg_1","content_index":0,"text":"I’ll go"}"#,
      T.completed,
    ])
    #expect(t.text(.reasoning) == "**Plan** raw")
    #expect(t.text(.answer) == "I’ll go")
    #expect(t.text(.refusal) == "no")
    let parts = Set(t.deltas.compactMap { if case .text(let c, _) = $0.kind { c.part } else { nil } })
    #expect(parts == ["rs_1:s0", "rs_1:0", "msg_1:0", "msg_1:1"])
    #expect(t.diagnostics.isEmpty)
  }

  @Test func nestedErrorEventThenResponseFailed() {
    let t = T.run([
      T.created,
      #"{"type":"error","sequence_number":2,"error":{"type":"insufficient_quota","code":"insufficient_quota","message":"You exceeded your current quota","param":null}}"#,
      #"{"type":"response.failed","sequence_number":3,"response":{"id":"resp_1","status":"failed","error":{"code":"insufficient_quota","message":"You exceeded your current quota"}}}"#,
    ])
    #expect(t.errors.count == 1)  // response.failed repeats the error: reported once
    #expect(t.errors.first?.code == "insufficient_quota")
    #expect(t.terminals == ["response.failed"])
    #expect(t.status == .failed(kind: "insufficient_quota", message: "You exceeded your current quota"))
  }

  @Test func flatErrorEvent() {
    let t = T.run([T.created, #"{"type":"error","code":"server_error","message":"boom","param":null,"sequence_number":1}"#])
    #expect(t.errors.map(\.kind) == ["server_error"])
    #expect(t.status == .failed(kind: "server_error", message: "boom"))
  }

  @Test func responseFailedAloneCarriesItsError() {
    let t = T.run([T.created, #"{"type":"response.failed","response":{"status":"failed","error":{"code":"rate_limit_exceeded","message":"slow down"}}}"#])
    #expect(t.status == .failed(kind: "rate_limit_exceeded", message: "slow down"))
    let bare = T.run([T.created, #"{"type":"response.failed","response":{"status":"failed","error":null}}"#])
    #expect(bare.status.name == "failed")
    #expect(bare.errors.map(\.kind) == ["response_failed"])
  }

  @Test func responseIncompleteIsTruncated() {
    let t = T.run([
      T.created, T.callAdded, T.argsDelta(#"{"x":"#),
      #"{"type":"response.incomplete","response":{"status":"incomplete","incomplete_details":{"reason":"max_output_tokens"},"usage":{"output_tokens":3}}}"#,
    ])
    #expect(t.finishes == [Finish(choice: 0, reason: "max_output_tokens", truncated: true)])
    #expect(t.status == .truncated(.finishReason("max_output_tokens")))
    #expect(t.end.openCalls == ["fc_1"])
    #expect(t.codes == ["dialect.call_not_ended"])
  }

  @Test func noTerminalEventIsTruncated() {
    let t = T.run([T.created, T.callAdded, T.argsDelta("{}"), T.argsDone("{}")])
    #expect(t.status == .truncated(.noTerminalEvent))
    #expect(t.codes == ["dialect.no_terminal_event"])
    let done = T.run([T.created, "[DONE]"], named: false)
    #expect(done.status == .truncated(.noTerminalEvent))  // [DONE] is not Responses' terminal
  }

  @Test func argumentsOnlyInTheDoneEventBecomeTheFragment() {
    let t = T.run([T.created, T.callAdded, T.argsDone(#"{"x":1}"#), T.callItemDone, T.completed])
    #expect(t.calls.first?.arguments == #"{"x":1}"#)
    #expect(t.calls.first?.ended == true)
    #expect(t.diagnostics.isEmpty)
  }

  @Test func finalArgumentsThatDifferAreReported() {
    let t = T.run([T.created, T.callAdded, T.argsDelta(#"{"x":2}"#), T.argsDone(#"{"x":1}"#), T.completed])
    #expect(t.calls.first?.arguments == #"{"x":2}"#)
    #expect(t.codes == ["dialect.arguments_mismatch"])
  }

  /// The streamed arguments, in several deltas, agree with the final ones: the same bytes,
  /// or the same text in another normalization form (compared as texts, as before they
  /// were kept as bytes). Deltas of two calls interleaved go each to its own call.
  @Test func streamedArgumentsAgreeWithTheFinalOnes() {
    let same = T.run([T.created, T.callAdded, T.argsDelta(#"{"x":"#), T.argsDelta("1}"), T.argsDone(#"{"x":1}"#), T.completed])
    #expect(same.calls.first?.arguments == #"{"x":1}"#)
    #expect(same.diagnostics.isEmpty)
    let equivalent = T.run([T.created, T.callAdded, T.argsDelta("{\"n\":\"caf"), T.argsDelta("\u{E9}\"}"),
                            T.argsDone("{\"n\":\"cafe\u{301}\"}"), T.completed])
    #expect(equivalent.diagnostics.isEmpty)
    let second = #"{"type":"response.output_item.added","output_index":1,"item":{"type":"function_call","id":"fc_2","call_id":"call_2","name":"look","arguments":""}}"#
    let two = T.run([T.created, T.callAdded, second, T.argsDelta(#"{"a":"#), T.argsDelta(#"{"b":"#, item: "fc_2"),
                     T.argsDelta("1}"), T.argsDelta("2}", item: "fc_2"), T.argsDone(#"{"a":1}"#), T.argsDone(#"{"b":2}"#, item: "fc_2"),
                     T.completed])
    #expect(two.calls.map(\.arguments) == [#"{"a":1}"#, #"{"b":2}"#])
    #expect(two.diagnostics.isEmpty)
  }

  @Test func callAnnouncedOnlyWhenDone() {
    let t = T.run([T.created, T.callItemDone, T.completed])
    #expect(t.calls == [RecordedCall(key: "fc_1", name: "move", callId: "call_1", choice: 0, arguments: #"{"x":1}"#, ended: true)])
  }

  @Test func deltaForAnUnannouncedItem() {
    let t = T.run([T.created, T.argsDelta("{}", item: "fc_9"), T.completed])
    #expect(t.calls.isEmpty)
    #expect(t.codes == ["dialect.delta_without_start"])
  }

  @Test func deltaAfterDoneIsDropped() {
    let t = T.run([T.created, T.callAdded, T.argsDelta("{}"), T.argsDone("{}"), T.argsDelta("x"), T.completed])
    #expect(t.calls.first?.arguments == "{}")
    #expect(t.codes == ["dialect.delta_after_stop"])
  }

  @Test func eventNameMustRepeatThePayloadType() {
    var list = EventList()
    list.add("response.in_progress", T.created)
    list.typed(T.completed)
    let t = Transcript(OpenAIResponsesDialect(), list)
    #expect(t.codes == ["dialect.event_type_mismatch"])
    #expect(t.status == .complete)
  }

  @Test func unknownEventsAndItemsAreSkippedWithInfo() {
    let t = T.run([
      T.created,
      #"{"type":"response.web_search_call.searching","item_id":"ws_1"}"#,
      #"{"type":"response.output_item.added","output_index":0,"item":{"type":"web_search_call","id":"ws_1"}}"#,
      T.completed,
    ])
    #expect(t.codes == ["dialect.unknown_event", "dialect.unknown_event"])
    #expect(t.diagnostics.allSatisfy { $0.severity == .info })
    #expect(t.status == .complete)
  }

  @Test func eventsAfterTheTerminalAreIgnored() {
    let t = T.run([T.created, T.completed, #"{"type":"response.output_text.delta","item_id":"m","content_index":0,"delta":"late"}"#,
                   #"{"type":"error","code":"server_error","message":"late failure"}"#])
    #expect(t.text(.answer).isEmpty)
    #expect(t.codes == ["dialect.event_after_terminal"])
    #expect(t.status == .failed(kind: "server_error", message: "late failure"))  // an error still counts
  }

  @Test func payloadWithoutType() {
    let t = T.run([#"{"sequence_number":1}"#], named: false)
    #expect(t.codes.first == "dialect.unexpected_payload")
  }
}
