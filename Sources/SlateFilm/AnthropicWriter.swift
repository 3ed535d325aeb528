import SlateStream
import SlateJSON

/// Anthropic Messages events (provider-streams.md §3), laid out as the API sent them
/// (`sonnet4-text-then-tool-use.sse`): named events with compact JSON, `message_start`,
/// content blocks one after another (`content_block_start`, deltas, `content_block_stop`;
/// a `ping` after the first block's start), a `tool_use` block per call whose first
/// `input_json_delta` is `""` and whose input is written as Python's `json.dumps` lays it
/// out (`{"location": "Paris"}`), then `message_delta` with the stop reason and
/// `message_stop`.
///
/// Blocks are sequential, so calls never interleave. Keep-alives are `ping` events
/// (`{"type": "ping"}`, with its space); an error is `event: error` with
/// `{"type": "error", "error": {"type": "overloaded_error", …}}` and the connection
/// closes. A `max_tokens` stop leaves the open block without `content_block_stop`, as
/// recorded in `sonnet37-tool-use-cut-by-max-tokens.sse`. Block keys are `0.<index>`.
struct AnthropicWriter: ProviderWriter {
  static let kind = DialectKind.anthropic
  static let lineEnding = "\n"
  static let interleavesCalls = false
  static let argumentStyle = JSONTextStyle.spaced

  private enum Block: Equatable {
    case text
    case tool(Int)
  }

  private var random: SplitMix64
  private let messageId: String
  private var started = false
  private var blocks = 0
  private var open: (index: Int, block: Block)?
  private var tokens = 1
  private(set) var written = Written()

  init(toolCalls: Bool, seed: UInt64, recording: Bool) {
    random = SplitMix64(seed: seed)
    written.recording = recording
    messageId = "msg_01" + random.token(22)
  }

  mutating func write(_ step: Step, into wire: inout [WireItem]) {
    if !started {
      started = true
      let usage: JSONValue = .members([
        ("input_tokens", 1377), ("cache_creation_input_tokens", 0), ("cache_read_input_tokens", 0),
        ("output_tokens", 1), ("service_tier", "standard"),
      ])
      wire.append(event("message_start", [("message", .members([
        ("id", .string(messageId)), ("type", "message"), ("role", "assistant"), ("model", "claude-sonnet-4-20250514"),
        ("content", []), ("stop_reason", nil), ("stop_sequence", nil), ("usage", usage),
      ]))]))
    }
    switch step {
    case .text(let piece):
      if open?.block != .text {
        stopBlock(into: &wire)
        startBlock(.text, .members([("type", "text"), ("text", "")]), into: &wire)
      }
      delta(.members([("type", "text_delta"), ("text", .string(piece))]), into: &wire)
      written.addAnswer(piece)
    case .startCall(let i, let call):
      stopBlock(into: &wire)
      let id = "toolu_01" + random.token(22)
      let index = startBlock(.tool(i), .members([
        ("type", "tool_use"), ("id", .string(id)), ("name", .string(call.name)), ("input", [:]),
      ]), into: &wire)
      written.start(i, name: call.name, id: id, key: "0.\(index)")
      delta(.members([("type", "input_json_delta"), ("partial_json", "")]), into: &wire)
    case .arguments(let i, let piece):
      delta(.members([("type", "input_json_delta"), ("partial_json", .string(piece))]), into: &wire)
      written.append(i, piece)
    case .endCall(let i):
      if let index = open?.index { written.end(i, key: "0.\(index)") }
      stopBlock(into: &wire)
      written.argumentsComplete.insert(i)
    case .keepAlive:
      wire.append(.event(name: "ping", data: JSONValue.members([("type", "ping")]).text(.spaced)))
    case .error:
      let error: JSONValue = .members([("type", "overloaded_error"), ("message", "Overloaded")])
      let payload: JSONValue = .members([("type", "error"), ("error", error)])
      wire.append(.event(name: "error", data: payload.text(.spaced)))
      written.error = ProviderError(kind: "overloaded_error", code: nil, message: "Overloaded", payload: payload)
    case .finish(let stop):
      // A length stop leaves the open block unstopped, as the API does.
      if stop == .normal { stopBlock(into: &wire) }
      let reason = stop == .length ? "max_tokens" : written.callCount == 0 ? "end_turn" : "tool_use"
      wire.append(event("message_delta", [
        ("delta", .members([("stop_reason", .string(reason)), ("stop_sequence", nil)])),
        ("usage", .members([("output_tokens", .number(JSONNumber(tokens)))])),
      ]))
      wire.append(event("message_stop", []))
      written.finishes.append(Finish(choice: 0, reason: reason, truncated: stop == .length))
      written.terminated = true
    }
  }

  mutating func flush(into items: inout [WireItem]) {}

  /// Starts the next content block (a ping follows the stream's first one); returns its index.
  @discardableResult
  private mutating func startBlock(_ block: Block, _ content: JSONValue, into wire: inout [WireItem]) -> Int {
    let index = blocks
    blocks += 1
    open = (index, block)
    wire.append(event("content_block_start", [("index", .number(JSONNumber(index))), ("content_block", content)]))
    written.openBlocks.append("0.\(index)")
    if index == 0 { wire.append(.event(name: "ping", data: JSONValue.members([("type", "ping")]).text(.spaced))) }
    return index
  }

  private mutating func stopBlock(into wire: inout [WireItem]) {
    guard let index = open?.index else { return }
    open = nil
    wire.append(event("content_block_stop", [("index", .number(JSONNumber(index)))]))
    written.openBlocks.removeAll { $0 == "0.\(index)" }
  }

  private mutating func delta(_ delta: JSONValue, into wire: inout [WireItem]) {
    guard let index = open?.index else { return }
    tokens += 1
    wire.append(event("content_block_delta", [("index", .number(JSONNumber(index))), ("delta", delta)]))
  }

  private func event(_ type: String, _ members: [(String, JSONValue)]) -> WireItem {
    .event(name: type, data: JSONValue.members([("type", .string(type))] + members).text())
  }
}
