@testable import SlateStream
import SlateJSON
import Testing

/// Hand-built Gemini / Vertex streams for each case of provider-streams.md §4.
@Suite struct GeminiDialectTests {
  static func chunk(_ parts: String, finish: String? = nil, index: Int? = nil, usage: Int = 1) -> String {
    let finishMember = finish.map { #","finishReason":"\#($0)""# } ?? ""
    let indexMember = index.map { #","index":\#($0)"# } ?? ""
    return #"{"candidates":[{"content":{"parts":[\#(parts)],"role":"model"}\#(finishMember)\#(indexMember)}],"usageMetadata":{"promptTokenCount":9,"totalTokenCount":\#(usage)}}"#
  }

  static func run(_ data: [String]) -> Transcript {
    var list = EventList()
    for item in data { list.add(item) }
    return Transcript(GeminiDialect(), list)
  }

  typealias T = GeminiDialectTests

  @Test func textThoughtsAndSignatures() {
    let t = T.run([
      T.chunk(#"{"text":"**Plan**","thought":true}"#),
      T.chunk(#"{"text":"The","thoughtSignature":"CiIB"}"#, usage: 2),
      T.chunk(#"{"text":" answer"}"#, finish: "STOP", usage: 3),
    ])
    #expect(t.text(.reasoning) == "**Plan**")
    #expect(t.text(.answer) == "The answer")
    #expect(t.text(.signature) == "CiIB")
    #expect(t.finishes == [Finish(choice: 0, reason: "STOP", truncated: false)])
    #expect(t.usages.count == 3)
    #expect(t.diagnostics.isEmpty)
    #expect(t.status == .complete)
  }

  @Test func repeatedUsageIsEmittedOnce() {
    let t = T.run([T.chunk(#"{"text":"a"}"#), T.chunk(#"{"text":"b"}"#), T.chunk(#"{"text":""}"#, finish: "STOP")])
    #expect(t.usages.count == 1)
  }

  @Test func wholeFunctionCall() {
    let t = T.run([
      T.chunk(#"{"functionCall":{"name":"get_capital","args":{"country":"France","n":[1,2.50]}}},{"functionCall":{"name":"ping","id":"fc-2"}}"#, finish: "STOP"),
    ])
    #expect(t.calls == [
      RecordedCall(key: "0.0", name: "get_capital", callId: nil, choice: 0, arguments: #"{"country":"France","n":[1,2.5]}"#, ended: true),
      RecordedCall(key: "0.1", name: "ping", callId: "fc-2", choice: 0, arguments: "{}", ended: true),
    ])
    #expect(t.status == .complete)
    #expect(t.contractViolations.isEmpty)
  }

  @Test func vertexStreamedPartialArguments() {
    let t = T.run([
      T.chunk(#"{"functionCall":{"name":"getWeather","willContinue":true},"thoughtSignature":"CiMB"}"#),
      T.chunk(#"{"functionCall":{"partialArgs":[{"jsonPath":"$.location","stringValue":"Bos","willContinue":true}],"willContinue":true}}"#),
      T.chunk(#"{"functionCall":{"partialArgs":[{"jsonPath":"$.location","stringValue":"ton"},{"jsonPath":"$.days","numberValue":3},{"jsonPath":"$.opts.metric","boolValue":true},{"jsonPath":"$['note']","nullValue":null},{"jsonPath":"$.tags[1]","stringValue":"b"}],"willContinue":true}}"#),
      T.chunk(#"{"functionCall":{}}"#),
      T.chunk(#"{"functionCall":{"name":"getWeather","willContinue":true}}"#),
      T.chunk(#"{"functionCall":{"partialArgs":[{"jsonPath":"$.location","stringValue":"San Francisco","willContinue":true}],"willContinue":true}}"#),
      T.chunk(#"{"functionCall":{"partialArgs":[{"jsonPath":"$.location","stringValue":""}],"willContinue":true}}"#),
      T.chunk(#"{"functionCall":{}}"#, finish: "STOP"),
    ])
    #expect(t.calls.map(\.name) == ["getWeather", "getWeather"])
    #expect(t.calls.allSatisfy { $0.ended })
    #expect(parsedJSON(t.calls[0].arguments) == parsedJSON(#"{"location":"Boston","days":3,"opts":{"metric":true},"note":null,"tags":[null,"b"]}"#))
    #expect(t.calls[1].arguments == #"{"location":"San Francisco"}"#)
    // The arguments come as one fragment, at the closing functionCall {}.
    #expect(t.deltas.filter { if case .toolArguments = $0.kind { true } else { false } }.count == 2)
    #expect(t.text(.signature) == "CiMB")
    #expect(t.diagnostics.isEmpty)
    #expect(t.status == .complete)
  }

  @Test func streamedCallNeverClosedIsTruncated() {
    let t = T.run([
      T.chunk(#"{"functionCall":{"name":"f","willContinue":true}}"#),
      T.chunk(#"{"functionCall":{"partialArgs":[{"jsonPath":"$.a","stringValue":"x"}],"willContinue":true}}"#, finish: "MAX_TOKENS"),
    ])
    #expect(t.calls.first?.ended == false)
    #expect(t.status == .truncated(.finishReason("MAX_TOKENS")))
    #expect(t.codes == ["dialect.call_not_ended"])
  }

  @Test func partialArgsWithoutAStartedCall() {
    let t = T.run([
      T.chunk(#"{"functionCall":{"partialArgs":[{"jsonPath":"$.a","stringValue":"x"}],"willContinue":true}}"#),
      T.chunk(#"{"functionCall":{}}"#, finish: "STOP"),
    ])
    #expect(t.calls.isEmpty)
    #expect(t.codes == ["dialect.delta_without_start", "dialect.delta_without_start"])
  }

  @Test func unusableJSONPathIsReported() {
    let t = T.run([
      T.chunk(#"{"functionCall":{"name":"f","willContinue":true}}"#),
      T.chunk(#"{"functionCall":{"partialArgs":[{"jsonPath":"location","stringValue":"x"},{"jsonPath":"$.a","stringValue":"y"},{"jsonPath":"$.a.b","stringValue":"z"}],"willContinue":true}}"#),
      T.chunk(#"{"functionCall":{}}"#, finish: "STOP"),
    ])
    #expect(t.codes == ["dialect.invalid_json_path", "dialect.invalid_json_path"])
    #expect(t.calls.first?.arguments == #"{"a":"y"}"#)
  }

  @Test func severalCandidates() {
    let t = T.run([
      #"{"candidates":[{"content":{"parts":[{"text":"A"}]},"index":0},{"content":{"parts":[{"text":"B"}]},"index":1}]}"#,
      #"{"candidates":[{"content":{"parts":[{"text":"b"}]},"index":1,"finishReason":"STOP"}]}"#,
    ])
    #expect(t.text(.answer, choice: 0) == "A")
    #expect(t.text(.answer, choice: 1) == "Bb")
    #expect(t.status == .truncated(.noTerminalEvent))  // candidate 0 never finished
  }

  @Test func errorPayloadFails() {
    let t = T.run([T.chunk(#"{"text":"partial"}"#), #"{"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}"#])
    #expect(t.errors.first?.code == "503")
    #expect(t.status == .failed(kind: "UNAVAILABLE", message: "The model is overloaded."))
  }

  @Test func blockedPromptFails() {
    let t = T.run([#"{"promptFeedback":{"blockReason":"SAFETY"},"usageMetadata":{"promptTokenCount":9}}"#])
    #expect(t.errors.first?.code == "SAFETY")
    #expect(t.status.name == "failed")
  }

  @Test func noFinishReasonIsTruncated() {
    let t = T.run([T.chunk(#"{"text":"The"}"#)])
    #expect(t.status == .truncated(.noTerminalEvent))
  }

  @Test func unknownPartsAndChunksAreSkipped() {
    let t = T.run([T.chunk(#"{"executableCode":{"code":"1+1"}}"#), #"{"modelVersion":"x"}"#, T.chunk(#"{"text":"ok"}"#, finish: "STOP")])
    #expect(t.codes == ["dialect.unknown_event", "dialect.unknown_event"])
    #expect(t.status == .complete)
  }

  @Test(arguments: [
    ("$.a", [PartialArguments.Segment.key("a")]),
    ("$.a.b", [.key("a"), .key("b")]),
    ("$['a b'].c", [.key("a b"), .key("c")]),
    (#"$["q\"x"]"#, [.key("q\"x")]),
    ("$.list[12]", [.key("list"), .index(12)]),
    ("$[0][1]", [.index(0), .index(1)]),
  ])
  func jsonPathsThatApply(path: String, steps: [PartialArguments.Segment]) {
    #expect(PartialArguments.parse(path) == steps)
  }

  @Test(arguments: ["", "a", "$.", "$..a", "$[", "$[x]", "$['a'", "$[99999]", "$a"])
  func jsonPathsRefused(path: String) {
    #expect(PartialArguments.parse(path) == nil)
  }
}
