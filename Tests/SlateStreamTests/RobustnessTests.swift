import Foundation
import SlateStream
import SlateJSON
import SlateTestSupport
import Testing

/// Bad input never traps and never breaks the delta contract: every recording, damaged in
/// several ways, through every event dialect (including the wrong ones).
@Suite struct RobustnessTests {
  static let eventDialects = DialectKind.allCases.filter(\.readsEvents)

  /// The ways a stream is damaged: events shuffled, payloads cut short, names swapped,
  /// events dropped, events repeated.
  static func variants(of events: [DialectEvent], seed: UInt64) -> [[DialectEvent]] {
    var rng = SplitMix64(seed: seed)
    let names = Array(Set(events.map(\.type))) + ["error", "message_start", "response.completed", ""]
    let shuffled = events.shuffled(using: &rng)
    let cut = events.map { event -> DialectEvent in
      var e = event
      let scalars = Array(e.data.unicodeScalars)
      e.data = String(String.UnicodeScalarView(scalars.prefix(Int.random(in: 0...scalars.count, using: &rng))))
      return e
    }
    let renamed = events.map { event -> DialectEvent in
      var e = event
      e.type = names.randomElement(using: &rng) ?? ""
      return e
    }
    let dropped = events.filter { _ in Bool.random(using: &rng) }
    let repeated = events.flatMap { event in Bool.random(using: &rng) ? [event, event] : [event] }
    return [events, shuffled, cut, renamed, dropped, repeated]
  }

  @Test func damagedRecordingsThroughEveryDialect() throws {
    guard let corpus = RecordingTests.corpus else { return }
    var runs = 0
    for (n, expected) in RecordingTests.expectations.enumerated() {
      let bytes = Array(try Data(contentsOf: corpus.appendingPathComponent(expected.file)))
      let events = RecordingTests.events(of: bytes)
      for (v, variant) in Self.variants(of: events, seed: UInt64(n)).enumerated() {
        for kind in Self.eventDialects {
          let t = Transcript(try #require(kind.makeDialect()), variant, endingAt: bytes.count)
          #expect(t.contractViolations.isEmpty, "\(expected.file) variant \(v) as \(kind): \(t.contractViolations)")
          // Open calls are exactly the started calls that never ended.
          let open = t.calls.filter { !$0.ended }.map(\.key)
          #expect(Set(t.end.openCalls).isSuperset(of: open), "\(expected.file) variant \(v) as \(kind)")
          runs += 1
        }
      }
    }
    #expect(runs == RecordingTests.expectations.count * 6 * Self.eventDialects.count)
  }

  /// Random events shaped like each dialect's, with members dropped and values varied, so
  /// that random streams reach the state machines' deeper states (calls, blocks, finishes).
  struct EventGenerator {
    var rng: SplitMix64

    mutating func chance(_ oneIn: Int) -> Bool { Int.random(in: 0..<oneIn, using: &rng) == 0 }
    mutating func pick<T>(_ items: [T]) -> T { items.randomElement(using: &rng)! }
    mutating func small() -> JSONValue { JSONValue(integerLiteral: Int64.random(in: 0...2, using: &rng)) }
    mutating func text() -> JSONValue { .string(pick(["", "a", "{", "\"k\":", "1}", "[", "]", "é", "{}", " "])) }
    mutating func name() -> JSONValue { .string(pick(["", "f", "g", "move"])) }
    mutating func id() -> JSONValue { .string(pick(["", "call_1", "call_2", "fc_1", "fc_2"])) }

    /// An object of the members whose value is not nil, each kept with probability 4/5.
    mutating func object(_ members: [(String, JSONValue?)]) -> JSONValue {
      var object = JSONObject()
      for (key, value) in members where value != nil && !chance(5) { object.append(key: key, value: value!) }
      return .object(object)
    }

    mutating func chat() -> JSONValue {
      let call = object([("index", small()), ("id", id()),
                         ("function", object([("name", name()), ("arguments", chance(6) ? object([("a", small())]) : text())]))])
      let delta = object([("content", text()), ("refusal", chance(3) ? text() : nil), ("reasoning", chance(3) ? text() : nil),
                          ("tool_calls", .array([call])), ("function_call", chance(8) ? object([("name", name()), ("arguments", text())]) : nil)])
      let choice = object([("index", small()), ("delta", delta), ("finish_reason", chance(4) ? .string(pick(["stop", "length", "tool_calls", "error"])) : nil)])
      return object([("choices", .array(chance(6) ? [] : [choice])), ("usage", chance(5) ? object([("total_tokens", small())]) : nil),
                     ("error", chance(20) ? object([("message", text()), ("code", small())]) : nil)])
    }

    mutating func responses() -> JSONValue {
      let type = pick(["response.output_item.added", "response.function_call_arguments.delta", "response.function_call_arguments.done",
                       "response.output_item.done", "response.output_text.delta", "response.reasoning_text.delta",
                       "response.completed", "response.incomplete", "response.failed", "error", "response.created"])
      let item = object([("type", .string(pick(["function_call", "message", "reasoning"]))), ("id", id()), ("call_id", id()),
                         ("name", name()), ("arguments", text())])
      return object([("type", .string(type)), ("item_id", id()), ("delta", text()), ("arguments", text()), ("item", item),
                     ("response", object([("status", .string("completed")), ("incomplete_details", object([("reason", .string("max_output_tokens"))]))])),
                     ("content_index", small())])
    }

    mutating func anthropic() -> JSONValue {
      // Weighted so that blocks open, stream and stop before the message ends.
      let type = pick(["message_start"] + Array(repeating: "content_block_start", count: 5)
        + Array(repeating: "content_block_delta", count: 9) + ["content_block_stop", "content_block_stop", "message_delta", "ping"]
        + (chance(3) ? ["message_stop", "error"] : []))
      let index = JSONValue(integerLiteral: Int64.random(in: 0...1, using: &rng))
      let block = object([("type", .string(pick(["text", "tool_use", "server_tool_use", "thinking", "redacted_thinking"]))),
                          ("id", id()), ("name", name()), ("input", chance(3) ? object([("a", small())]) : .object(JSONObject()))])
      let delta = object([("type", .string(pick(["text_delta", "input_json_delta", "thinking_delta", "signature_delta", "odd_delta"]))),
                          ("text", text()), ("partial_json", text()), ("thinking", text()), ("signature", text()),
                          ("stop_reason", .string(pick(["end_turn", "max_tokens", "tool_use"])))])
      return object([("type", .string(type)), ("index", index), ("content_block", block), ("delta", delta),
                     ("error", type == "error" ? object([("type", .string("overloaded_error")), ("message", text())]) : nil)])
    }

    mutating func gemini() -> JSONValue {
      let part: JSONValue = switch Int.random(in: 0..<5, using: &rng) {
      case 0: object([("text", text()), ("thought", .bool(chance(2)))])
      case 1: object([("functionCall", object([("name", name()), ("args", object([("a", small())]))]))])
      case 2: object([("functionCall", object([("name", name()), ("willContinue", .bool(true))]))])
      case 3: object([("functionCall", object([("partialArgs", .array([object([("jsonPath", .string(pick(["$.a", "$.b[1]", "a"]))),
                                                                               ("stringValue", text())])])),
                                               ("willContinue", .bool(!chance(4)))]))])
      default: .object(JSONObject([JSONMember(key: "functionCall", value: .object(JSONObject()))]))
      }
      let candidate = object([("index", small()), ("content", object([("parts", .array([part]))])),
                              ("finishReason", chance(4) ? .string(pick(["STOP", "MAX_TOKENS"])) : nil)])
      return object([("candidates", .array([candidate])), ("usageMetadata", object([("totalTokenCount", small())])),
                     ("error", chance(30) ? object([("status", .string("UNAVAILABLE"))]) : nil)])
    }
  }

  @Test func randomPayloadsNeverBreakTheContract() {
    var generator = EventGenerator(rng: SplitMix64(seed: 42))
    var seen: [String: Int] = [:]  // what the random streams reached, so the test exercises something
    for round in 0..<800 {
      var list = EventList()
      for _ in 0..<Int.random(in: 1...20, using: &generator.rng) {
        let value: JSONValue = switch round % 4 {
        case 0: generator.chat()
        case 1: generator.responses()
        case 2: generator.anthropic()
        default: generator.gemini()
        }
        var data = value.canonicalString
        if generator.chance(10) { data = String(data.prefix(Int.random(in: 0...data.count, using: &generator.rng))) }
        if generator.chance(20) { data = "[DONE]" }
        let name = round % 4 == 2 ? (value["type"]?.stringValue ?? "") : generator.pick(["", "", "", "error"])
        list.add(name, data)
      }
      for kind in Self.eventDialects {
        let t = Transcript(kind.makeDialect()!, list)
        #expect(t.contractViolations.isEmpty, "\(kind): \(t.contractViolations) in \(list.events.map(\.data))")
        for delta in t.deltas {
          switch delta.kind {
          case .toolCallStarted: seen["\(kind) start", default: 0] += 1
          case .toolCallEnded: seen["\(kind) end", default: 0] += 1
          case .text: seen["\(kind) text", default: 0] += 1
          default: break
          }
        }
      }
    }
    for kind in [DialectKind.openaiChat, .openaiResponses, .anthropic, .gemini] {
      #expect(seen["\(kind) start", default: 0] > 0 && seen["\(kind) end", default: 0] > 0
        && seen["\(kind) text", default: 0] > 0, "\(kind): \(seen)")
    }
  }
}
