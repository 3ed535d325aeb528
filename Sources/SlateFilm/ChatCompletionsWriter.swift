import SlateStream
import SlateJSON

/// OpenAI Chat Completions chunks (provider-streams.md §1), laid out as api.openai.com
/// sent them in 2025 (`openai-gpt4o-parallel-tools-obfuscation.sse`): every chunk repeats
/// `id`, `object`, `created`, `model`, `service_tier`, `system_fingerprint`, carries
/// `"usage":null` and an `obfuscation` pad; a first chunk with the role; parallel tool
/// calls keyed by `index` whose fragments interleave; a finish chunk with `delta: {}`,
/// then the usage chunk (`choices: []`), then `data: [DONE]`.
///
/// Keep-alives are OpenRouter's `: OPENROUTER PROCESSING` comments (OpenAI sends none that
/// anyone recorded). A mid-stream error is a chunk `{"error":{message,type,param,code}}`
/// followed by `[DONE]` (go-openai#396). Calls end at the finish chunk, as the dialect
/// defines; their keys are `0.<index>`.
struct ChatCompletionsWriter: ProviderWriter {
  static let kind = DialectKind.openaiChat
  static let lineEnding = "\n"
  static let interleavesCalls = true
  static let argumentStyle = JSONTextStyle.compact

  private var random: SplitMix64
  private let toolCalls: Bool
  private let id: String
  private let created: Int
  private let fingerprint: String
  private var roleSent = false
  private var deltas = 0
  private(set) var written = Written()

  init(toolCalls: Bool, seed: UInt64, recording: Bool) {
    random = SplitMix64(seed: seed)
    self.toolCalls = toolCalls
    written.recording = recording
    id = "chatcmpl-" + random.token(29)
    created = 1_754_690_000 + random.below(100_000)
    fingerprint = "fp_" + random.token(10, from: SplitMix64.hex)
  }

  mutating func write(_ step: Step, into items: inout [WireItem]) {
    switch step {
    case .text(let piece):
      role(into: &items)
      items.append(chunk(delta: [("content", .string(piece))]))
      written.addAnswer(piece)
    case .startCall(let i, let call):
      role(into: &items)
      let id = "call_" + random.token(24)
      let opener: JSONValue = .members([
        ("index", .number(JSONNumber(i))), ("id", .string(id)), ("type", "function"),
        ("function", .members([("name", .string(call.name)), ("arguments", "")])),
      ])
      items.append(chunk(delta: [("tool_calls", [opener])]))
      written.start(i, name: call.name, id: id, key: "0.\(i)")
    case .arguments(let i, let piece):
      let fragment: JSONValue = .members([
        ("index", .number(JSONNumber(i))), ("function", .members([("arguments", .string(piece))])),
      ])
      items.append(chunk(delta: [("tool_calls", [fragment])]))
      written.append(i, piece)
    case .endCall(let i):
      written.argumentsComplete.insert(i)
    case .keepAlive:
      items.append(.comment("OPENROUTER PROCESSING"))
    case .error:
      let error: JSONValue = .members([
        ("message", "The server had an error while processing your request. Sorry about that!"),
        ("type", "server_error"), ("param", nil), ("code", nil),
      ])
      let payload: JSONValue = .members([("error", error)])
      items.append(.event(name: nil, data: payload.text()))
      items.append(.event(name: nil, data: "[DONE]"))
      written.error = ProviderError(kind: "server_error", code: nil, message: error["message"]!.stringValue!, payload: payload)
      written.terminated = true
    case .finish(let stop):
      role(into: &items)
      let reason = stop == .length ? "length" : written.callCount == 0 ? "stop" : "tool_calls"
      items.append(envelope(choices: [choice(delta: [], finish: reason)], usage: nil, usageFirst: false))
      let usage: JSONValue = .members([
        ("prompt_tokens", 812), ("completion_tokens", .number(JSONNumber(deltas))),
        ("total_tokens", .number(JSONNumber(812 + deltas))),
        ("prompt_tokens_details", .members([("cached_tokens", 0), ("audio_tokens", 0)])),
        ("completion_tokens_details", .members([("reasoning_tokens", 0), ("audio_tokens", 0)])),
      ])
      items.append(envelope(choices: [], usage: usage, usageFirst: false))
      items.append(.event(name: nil, data: "[DONE]"))
      written.finishes.append(Finish(choice: 0, reason: reason, truncated: stop == .length))
      for call in written.position.keys.sorted() { written.end(call, key: "0.\(call)") }
      written.terminated = true
    }
  }

  mutating func flush(into items: inout [WireItem]) {}

  /// The first chunk: the role, with `content` "" before text and null before a call.
  private mutating func role(into items: inout [WireItem]) {
    guard !roleSent else { return }
    roleSent = true
    let content: JSONValue = toolCalls ? nil : ""
    items.append(chunk(delta: [("role", "assistant"), ("content", content), ("refusal", nil)]))
  }

  private mutating func chunk(delta: [(String, JSONValue)]) -> WireItem {
    deltas += 1
    return envelope(choices: [choice(delta: delta, finish: nil)], usage: nil, usageFirst: true)
  }

  private func choice(delta: [(String, JSONValue)], finish: String?) -> JSONValue {
    .members([("index", 0), ("delta", .members(delta)), ("logprobs", nil), ("finish_reason", finish.map { .string($0) } ?? .null)])
  }

  /// A chunk: `"usage":null` before `choices` on content chunks, after them on the finish
  /// and usage chunks (as recorded).
  private mutating func envelope(choices: [JSONValue], usage: JSONValue?, usageFirst: Bool) -> WireItem {
    var members: [(String, JSONValue)] = [
      ("id", .string(id)), ("object", "chat.completion.chunk"), ("created", .number(JSONNumber(created))),
      ("model", "gpt-4o-2024-08-06"), ("service_tier", "default"), ("system_fingerprint", .string(fingerprint)),
    ]
    if usageFirst { members.append(("usage", nil)) }
    members.append(("choices", .array(choices)))
    if !usageFirst { members.append(("usage", usage ?? .null)) }
    members.append(("obfuscation", .string(random.obfuscation())))
    return .event(name: nil, data: JSONValue.members(members).text())
  }
}
