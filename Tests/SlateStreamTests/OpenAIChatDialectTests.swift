import SlateStream
import SlateJSON
import Testing

/// Hand-built Chat Completions streams for each case of provider-streams.md §1 and §5.
@Suite struct OpenAIChatDialectTests {
  /// A chunk with the given choices (JSON texts) and extra top-level members.
  static func chunk(_ choices: String..., extra: String = "") -> String {
    #"{"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[\#(choices.joined(separator: ","))]\#(extra)}"#
  }

  static func choice(_ index: Int, _ delta: String, finish: String? = nil) -> String {
    #"{"index":\#(index),"delta":\#(delta),"finish_reason":\#(finish.map { "\"\($0)\"" } ?? "null")}"#
  }

  static func run(_ data: [String], named names: [String: String] = [:]) -> Transcript {
    var list = EventList()
    for (i, item) in data.enumerated() { list.add(names["\(i)"] ?? "", item) }
    return Transcript(OpenAIChatDialect(), list)
  }

  typealias T = OpenAIChatDialectTests

  @Test func textFinishUsageAndDone() {
    let t = T.run([
      T.chunk(T.choice(0, #"{"role":"assistant","content":""}"#)),
      T.chunk(T.choice(0, #"{"content":"Hel"}"#)),
      T.chunk(T.choice(0, #"{"content":"lo"}"#)),
      T.chunk(T.choice(0, "{}", finish: "stop")),
      T.chunk(extra: #","usage":{"prompt_tokens":9,"completion_tokens":2}"#),
      "[DONE]",
    ])
    #expect(t.text(.answer) == "Hello")
    #expect(t.finishes == [Finish(choice: 0, reason: "stop", truncated: false)])
    #expect(t.usages.count == 1)
    #expect(t.terminals == ["[DONE]"])
    #expect(t.diagnostics.isEmpty)
    #expect(t.status == .complete)
    #expect(t.contractViolations.isEmpty)
    // Each delta carries its event's raw offset.
    let offsets = t.deltas.filter { if case .text = $0.kind { true } else { false } }.map(\.offset)
    #expect(offsets.count == 2 && offsets[0] < offsets[1] && offsets[0] > 0)
  }

  @Test func streamedToolCallEndsAtFinishReason() {
    let t = T.run([
      T.chunk(T.choice(0, #"{"role":"assistant","content":null}"#)),
      T.chunk(T.choice(0, #"{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"move","arguments":""}}]}"#)),
      T.chunk(T.choice(0, #"{"tool_calls":[{"index":0,"function":{"arguments":"{\"x\":"}}]}"#)),
      T.chunk(T.choice(0, #"{"tool_calls":[{"index":0,"function":{"arguments":"1}"}}]}"#)),
      T.chunk(T.choice(0, "{}", finish: "tool_calls")),
      "[DONE]",
    ])
    #expect(t.calls == [RecordedCall(key: "0.0", name: "move", callId: "call_a", choice: 0, arguments: #"{"x":1}"#, ended: true)])
    // The end comes before the finish delta, at the finish chunk.
    let kinds = t.deltas.map(\.kind)
    let end = kinds.firstIndex(of: .toolCallEnded("0.0"))
    let finish = kinds.firstIndex { if case .finish = $0 { true } else { false } }
    #expect(end != nil && finish != nil && end! < finish!)
    #expect(t.status == .complete)
  }

  @Test func parallelCallsInterleavedByIndex() {
    let t = T.run([
      T.chunk(T.choice(0, #"{"tool_calls":[{"index":0,"id":"a","function":{"name":"f","arguments":"{\"p\":"}},{"index":1,"id":"b","function":{"name":"g","arguments":"[1,"}}]}"#)),
      T.chunk(T.choice(0, #"{"tool_calls":[{"index":1,"function":{"arguments":"2]"}}]}"#)),
      T.chunk(T.choice(0, #"{"tool_calls":[{"index":0,"function":{"arguments":"true}"}}]}"#)),
      T.chunk(T.choice(0, "{}", finish: "tool_calls")),
    ])
    #expect(t.calls.map(\.name) == ["f", "g"])
    #expect(t.calls.map(\.arguments) == [#"{"p":true}"#, "[1,2]"])
    #expect(t.calls.allSatisfy { $0.ended })
  }

  @Test func newIdOnReusedIndexIsANewCallAndADiagnostic() {
    // Ollama / SGLang: parallel calls all at index 0, told apart by id.
    let t = T.run([
      T.chunk(T.choice(0, #"{"tool_calls":[{"index":0,"id":"call_1","function":{"name":"a","arguments":"{\"n\":1}"}}]}"#)),
      T.chunk(T.choice(0, #"{"tool_calls":[{"index":0,"id":"call_2","function":{"name":"b","arguments":"{\"n\":2}"}}]}"#)),
      T.chunk(T.choice(0, "{}", finish: "tool_calls")),
      "[DONE]",
    ])
    #expect(t.calls.map(\.name) == ["a", "b"])
    #expect(t.calls.map(\.callId) == ["call_1", "call_2"])
    #expect(t.calls.map(\.arguments) == [#"{"n":1}"#, #"{"n":2}"#])
    #expect(t.calls[0].key != t.calls[1].key)
    #expect(t.calls.allSatisfy { $0.ended })
    #expect(t.codes == ["dialect.new_call_on_reused_index"])
    #expect(t.status == .complete)
  }

  @Test func sameOrEmptyIdOnContinuationKeepsTheCall() {
    // vLLM: continuation fragments repeat the id, or send "" for it.
    let t = T.run([
      T.chunk(T.choice(0, #"{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"a","arguments":"{"}}]}"#)),
      T.chunk(T.choice(0, #"{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"arguments":"}"}}]}"#)),
      T.chunk(T.choice(0, #"{"tool_calls":[{"index":0,"id":"","type":"function","function":{"arguments":" "}}]}"#)),
      T.chunk(T.choice(0, "{}", finish: "tool_calls")),
    ])
    #expect(t.calls.count == 1)
    #expect(t.calls[0].arguments == "{} ")
    #expect(t.diagnostics.isEmpty)
  }

  @Test func mistralEmptyNameContinuationDoesNotOverwriteTheName() {
    let t = T.run([
      T.chunk(T.choice(0, #"{"tool_calls":[{"id":"chatcmpl-tool-9","type":"function","function":{"name":"webSearchTool","arguments":""},"index":0}],"index":0,"content":""}"#)),
      T.chunk(T.choice(0, #"{"tool_calls":[{"type":"function","function":{"name":"","arguments":"{\"query\": \"x\"}"},"index":0}],"index":0,"content":""}"#)),
      T.chunk(T.choice(0, #"{"index":0,"content":""}"#, finish: "tool_calls"), extra: #","usage":{"total_tokens":5}"#),
    ])
    #expect(t.calls == [RecordedCall(key: "0.0", name: "webSearchTool", callId: "chatcmpl-tool-9", choice: 0,
                                     arguments: #"{"query": "x"}"#, ended: true)])
    #expect(t.usages.count == 1)
    #expect(t.text(.answer).isEmpty)
    #expect(t.status == .complete)  // no [DONE], but every choice finished
  }

  @Test func nameAndIdOnALaterFragmentAreBound() {
    let t = T.run([
      T.chunk(T.choice(0, #"{"tool_calls":[{"index":0,"function":{"arguments":"{\"a\""}}]}"#)),
      T.chunk(T.choice(0, #"{"tool_calls":[{"index":0,"id":"call_late","function":{"name":"late","arguments":":1}"}}]}"#)),
      T.chunk(T.choice(0, "{}", finish: "tool_calls")),
    ])
    #expect(t.calls == [RecordedCall(key: "0.0", name: "late", callId: "call_late", choice: 0, arguments: #"{"a":1}"#, ended: true)])
    #expect(t.contractViolations.isEmpty)
    // The held fragment keeps the offset of the event that carried it.
    let fragments = t.deltas.filter { if case .toolArguments = $0.kind { true } else { false } }
    #expect(fragments.count == 2 && fragments[0].offset < fragments[1].offset)
  }

  @Test func missingIndexFallsBackToId() {
    // Ollama before 0.4.7: no index at all.
    let t = T.run([
      T.chunk(T.choice(0, #"{"tool_calls":[{"id":"x1","function":{"name":"a","arguments":"{\"k\":"}}]}"#)),
      T.chunk(T.choice(0, #"{"tool_calls":[{"id":"x1","function":{"arguments":"1}"}}]}"#)),
      T.chunk(T.choice(0, #"{"tool_calls":[{"id":"x2","function":{"name":"b","arguments":"{}"}}]}"#)),
      T.chunk(T.choice(0, "{}", finish: "tool_calls")),
    ])
    #expect(t.calls.map(\.name) == ["a", "b"])
    #expect(t.calls.map(\.arguments) == [#"{"k":1}"#, "{}"])
    #expect(t.diagnostics.isEmpty)
  }

  @Test func fragmentWithNoIndexIdOrEarlierCallIsDropped() {
    let t = T.run([
      T.chunk(T.choice(0, #"{"tool_calls":[{"function":{"arguments":"{}"}}]}"#)),
      T.chunk(T.choice(0, "{}", finish: "stop")),
    ])
    #expect(t.calls.isEmpty)
    #expect(t.codes == ["dialect.tool_fragment_without_call"])
  }

  @Test func callThatNeverGetsANameStartsEmptyAtItsEnd() {
    let t = T.run([
      T.chunk(T.choice(0, #"{"tool_calls":[{"index":0,"id":"c","function":{"arguments":"{}"}}]}"#)),
      T.chunk(T.choice(0, "{}", finish: "tool_calls")),
    ])
    #expect(t.calls == [RecordedCall(key: "0.0", name: "", callId: "c", choice: 0, arguments: "{}", ended: true)])
    #expect(t.codes == ["dialect.call_without_name"])
  }

  /// The stream ends before the name and before any finish: the call is started at the end
  /// (at the offset of the event that opened it) so its held fragments are not lost, then
  /// reported as not ended (found by fuzz-dialect: the call was open but never started).
  @Test func callStillNamelessAtTheEndOfTheInputStartsThere() {
    var list = EventList()
    list.add(T.chunk(T.choice(0, #"{"content":"Hi"}"#)))
    let opened = list.end
    list.add(T.chunk(T.choice(0, #"{"tool_calls":[{"index":0,"id":"c","function":{"arguments":"{\"a\":"}}]}"#)))
    list.add(T.chunk(T.choice(0, #"{"tool_calls":[{"index":0,"function":{"arguments":"1}"}}]}"#)))
    let t = Transcript(OpenAIChatDialect(), list)
    #expect(t.calls == [RecordedCall(key: "0.0", name: "", callId: "c", choice: 0, arguments: #"{"a":1}"#, ended: false)])
    #expect(t.codes == ["dialect.call_without_name", "dialect.call_not_ended", "dialect.no_terminal_event"])
    #expect(t.diagnostics.first?.offset == opened)
    #expect(t.deltas.first { if case .toolCallStarted = $0.kind { true } else { false } }?.offset == opened)
    #expect(t.end.openCalls == ["0.0"])
    #expect(t.status == .truncated(.openToolCall("0.0")))
    #expect(t.contractViolations.isEmpty)
  }

  @Test func argumentsAsAnObjectAreSerialized() {
    let t = T.run([
      T.chunk(T.choice(0, #"{"tool_calls":[{"index":0,"id":"c","function":{"name":"f","arguments":{"b":[1,2],"a":"x"}}}]}"#)),
      T.chunk(T.choice(0, "{}", finish: "tool_calls")),
    ])
    #expect(t.calls.first?.arguments == #"{"a":"x","b":[1,2]}"#)
  }

  @Test func legacyFunctionCall() {
    let t = T.run([
      T.chunk(T.choice(0, #"{"role":"assistant","content":null,"function_call":{"name":"lookup","arguments":""}}"#)),
      T.chunk(T.choice(0, #"{"function_call":{"arguments":"{\"q\":"}}"#)),
      T.chunk(T.choice(0, #"{"function_call":{"arguments":"\"x\"}"}}"#)),
      T.chunk(T.choice(0, "{}", finish: "function_call")),
      "[DONE]",
    ])
    #expect(t.calls == [RecordedCall(key: "0.function_call", name: "lookup", callId: nil, choice: 0, arguments: #"{"q":"x"}"#, ended: true)])
    #expect(t.status == .complete)
  }

  @Test func severalChoicesAreKeyedByIndexNotPosition() {
    let t = T.run([
      T.chunk(T.choice(1, #"{"content":"B1"}"#), T.choice(0, #"{"content":"A1"}"#)),
      T.chunk(T.choice(2, #"{"content":"C1"}"#)),
      T.chunk(T.choice(0, #"{"content":"A2"}"#)),
      T.chunk(T.choice(1, #"{"content":"B2"}"#, finish: "stop")),
      T.chunk(T.choice(0, "{}", finish: "stop")),
      T.chunk(T.choice(2, #"{"tool_calls":[{"index":0,"id":"k","function":{"name":"t","arguments":"{}"}}]}"#, finish: "tool_calls")),
      "[DONE]",
    ])
    #expect(t.text(.answer, choice: 0) == "A1A2")
    #expect(t.text(.answer, choice: 1) == "B1B2")
    #expect(t.text(.answer, choice: 2) == "C1")
    #expect(t.finishes.map(\.choice) == [1, 0, 2])
    #expect(t.calls == [RecordedCall(key: "2.0", name: "t", callId: "k", choice: 2, arguments: "{}", ended: true)])
    #expect(t.status == .complete)
  }

  @Test func azureFirstChunkIsNeitherUsageNorTheEnd() {
    let t = T.run([
      #"{"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[{"prompt_index":0,"content_filter_results":{}}]}"#,
      T.chunk(T.choice(0, #"{"content":"Hi","refusal":null,"role":"assistant"}"#)),
    ])
    #expect(t.usages.isEmpty && t.finishes.isEmpty && t.terminals.isEmpty)
    #expect(t.text(.answer) == "Hi")
    #expect(t.status == .truncated(.noTerminalEvent))
    #expect(t.codes == ["dialect.no_terminal_event"])
  }

  @Test func usageOnEveryShape() {
    let t = T.run([
      T.chunk(T.choice(0, #"{"content":"x"}"#), extra: #","usage":null"#),
      T.chunk(T.choice(0, "{}", finish: "stop"), extra: #","x_groq":{"id":"req","usage":{"prompt_tokens":1}}"#),
      T.chunk(T.choice(0, "{}", finish: "stop"), extra: #","usage":{"prompt_tokens":1,"cost":0.1}"#),
      T.chunk(extra: #","usage":{"prompt_tokens":1}"#),
    ])
    #expect(t.usages.count == 3)
    #expect(t.finishes.count == 1)  // the doubled finish chunk finishes once
    #expect(t.diagnostics.isEmpty)
  }

  @Test func repeatedFinishWithAnotherReasonIsReported() {
    let t = T.run([
      T.chunk(T.choice(0, #"{"content":"x"}"#, finish: "length")),
      T.chunk(T.choice(0, "{}", finish: "stop")),
    ])
    #expect(t.finishes.map(\.reason) == ["length"])
    #expect(t.codes == ["dialect.repeated_finish"])
    #expect(t.diagnostics.first?.severity == .info)
    #expect(t.status == .truncated(.finishReason("length")))
  }

  @Test func finishLengthMeansTruncated() {
    let t = T.run([
      T.chunk(T.choice(0, #"{"content":"{\""}"#)),
      T.chunk(T.choice(0, "{}", finish: "length")),
      T.chunk(extra: #","usage":{"completion_tokens":1}"#),
      "[DONE]",
    ])
    #expect(t.finishes == [Finish(choice: 0, reason: "length", truncated: true)])
    #expect(t.status == .truncated(.finishReason("length")))
  }

  @Test(arguments: ["[DONE]", " [DONE]", "[DONE]\n", "\t[DONE] "])
  func doneForms(data: String) {
    let t = T.run([T.chunk(T.choice(0, #"{"content":"a"}"#)), data])
    #expect(t.terminals == ["[DONE]"])
    #expect(t.diagnostics.isEmpty)
    #expect(t.end.terminated)
  }

  @Test func eventsAfterDoneAreIgnored() {
    let t = T.run(["[DONE]", T.chunk(T.choice(0, #"{"content":"late"}"#)), "[DONE]"])
    #expect(t.text(.answer).isEmpty)
    #expect(t.codes == ["dialect.event_after_terminal", "dialect.event_after_terminal"])
  }

  @Test func doneWithACallStillOpenIsTruncated() {
    let t = T.run([
      T.chunk(T.choice(0, #"{"tool_calls":[{"index":0,"id":"c","function":{"name":"f","arguments":"{\"a\":"}}]}"#)),
      "[DONE]",
    ])
    #expect(t.status == .truncated(.openToolCall("0.0")))
    #expect(t.calls.first?.ended == false)
    #expect(t.codes == ["dialect.call_not_ended"])
  }

  @Test func noDoneNoFinishIsTruncated() {
    let t = T.run([T.chunk(T.choice(0, #"{"content":"a"}"#))])
    #expect(t.status == .truncated(.noTerminalEvent))
  }

  @Test func openRouterErrorChunkWithChoicesIsCheckedFirst() {
    let t = T.run([
      T.chunk(T.choice(0, #"{"role":"assistant","content":"","reasoning":"We need"}"#, finish: "length")),
      #"{"id":"gen-1","error":{"code":400,"message":"Token limit reached"},"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"NOT TEXT"},"finish_reason":null}],"usage":{"prompt_tokens":43}}"#,
      "[DONE]",
    ])
    #expect(t.errors == [ProviderError(kind: "400", code: "400", message: "Token limit reached",
                                       payload: parsedJSON(#"{"id":"gen-1","error":{"code":400,"message":"Token limit reached"},"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"NOT TEXT"},"finish_reason":null}],"usage":{"prompt_tokens":43}}"#)!)])
    #expect(t.text(.answer).isEmpty)
    #expect(t.text(.reasoning) == "We need")
    #expect(t.usages.count == 1)
    #expect(t.status == .failed(kind: "400", message: "Token limit reached"))
  }

  @Test func finishReasonErrorIsAProviderError() {
    let t = T.run([T.chunk(T.choice(0, #"{"content":"x"}"#, finish: "error")), "[DONE]"])
    #expect(t.status.name == "failed")
    #expect(t.finishes.map(\.reason) == ["error"])
    // With an error object first, that error stands.
    let both = T.run([#"{"error":{"message":"upstream","code":502},"choices":[]}"#, T.chunk(T.choice(0, "{}", finish: "error"))])
    #expect(both.errors.count == 1)
    #expect(both.status == .failed(kind: "502", message: "upstream"))
  }

  @Test func objectErrorPayload() {
    // vLLM's error shape.
    let t = T.run([#"{"object":"error","message":"bad request","type":"BadRequestError","param":null,"code":400}"#])
    #expect(t.status == .failed(kind: "BadRequestError", message: "bad request"))
    #expect(t.errors.first?.code == "400")
  }

  @Test func groqNamedErrorEvent() {
    let t = T.run([
      T.chunk(T.choice(0, #"{"reasoning":"thinking","channel":"analysis"}"#)),
      #"{"error":{"message":"Tool call validation failed","type":"invalid_request_error","code":"tool_use_failed","status_code":400}}"#,
    ], named: ["1": "error"])
    #expect(t.text(.reasoning) == "thinking")
    #expect(t.errors.map(\.kind) == ["invalid_request_error"])
    #expect(t.errors.map(\.code) == ["tool_use_failed"])
    #expect(t.status == .failed(kind: "invalid_request_error", message: "Tool call validation failed"))
  }

  @Test func namedErrorEventWithoutJSONIsStillAnError() {
    let t = T.run(["upstream exploded"], named: ["0": "error"])
    #expect(t.codes.first == "dialect.invalid_payload")
    #expect(t.status == .failed(kind: "error", message: "upstream exploded"))
  }

  @Test func invalidPayloadIsReportedAsAGapAndTheStreamGoesOn() {
    let t = T.run([
      T.chunk(T.choice(0, #"{"content":"a"}"#)),
      #"{"choices":[{"index":0,"delta":{"content":"b"}}"#,
      T.chunk(T.choice(0, #"{"content":"c"}"#, finish: "stop")),
    ])
    #expect(t.text(.answer) == "ac")
    let diagnostic = t.diagnostics.first
    #expect(diagnostic?.code == .invalidPayload)
    #expect(diagnostic?.severity == .error)
    #expect(diagnostic?.jsonError?.code == .jsonTruncated)
    #expect(diagnostic?.offset == t.deltas[0].offset + "data: \(T.chunk(T.choice(0, #"{"content":"a"}"#)))\n\n".utf8.count)
    // The lost chunk may have carried text: a gap at its offset, and the stream failed by it.
    #expect(t.deltas.contains { $0.kind == .gap(.any) && $0.offset == diagnostic?.offset })
    #expect(t.status.isGap)
  }

  @Test func reasoningFieldsStayApartFromAnswerText() {
    let t = T.run([
      T.chunk(T.choice(0, #"{"reasoning_content":"think ","content":null}"#)),
      T.chunk(T.choice(0, #"{"reasoning":"more","reasoning_details":[{"type":"reasoning.text","text":"more"}]}"#)),
      T.chunk(T.choice(0, #"{"content":"answer"}"#)),
    ])
    #expect(t.text(.reasoning) == "think more")
    #expect(t.text(.answer) == "answer")
  }

  @Test func refusalHasItsOwnChannel() {
    let t = T.run([
      T.chunk(T.choice(0, #"{"role":"assistant","content":null,"refusal":""}"#)),
      T.chunk(T.choice(0, #"{"refusal":"I can't"}"#)),
      T.chunk(T.choice(0, "{}", finish: "stop")),
    ])
    #expect(t.text(.refusal) == "I can't")
    #expect(t.text(.answer).isEmpty)
  }

  @Test func contentAsAnArrayOfParts() {
    let t = T.run([
      T.chunk(T.choice(0, #"{"content":[{"type":"thinking","thinking":[{"type":"text","text":"hmm"}]},{"type":"text","text":"ok"},{"type":"image_url"}]}"#)),
    ])
    #expect(t.text(.reasoning) == "hmm")
    #expect(t.text(.answer) == "ok")
    #expect(t.codes.contains("dialect.unknown_event"))
  }

  @Test func chunkWithoutChoicesOrUsageIsAnUnknownEvent() {
    let t = T.run([#"{"id":"x","object":"chat.completion.chunk"}"#, #"[1,2]"#, #"{"choices":{"index":0}}"#, #"{"choices":[7]}"#])
    #expect(t.codes.prefix(4) == ["dialect.unknown_event", "dialect.unexpected_payload", "dialect.unexpected_payload",
                                  "dialect.unexpected_payload"])
    #expect(t.diagnostics.first?.severity == .info)
  }
}
