import SlateStream
import SlateJSON

/// OpenAI Responses API events (provider-streams.md §2), laid out as api.openai.com sent
/// them in 2026 (`openai-text-then-function-call-seqnum.sse`): `event:` lines repeating
/// the payload `type`, `type` first and the other members in key order, a
/// `sequence_number` rising from 0, `obfuscation` on deltas; `response.created`,
/// `response.in_progress`, then per output item `output_item.added` … `output_item.done`
/// (a message: `content_part.added`, `output_text.delta`s, `output_text.done`,
/// `content_part.done`; a function call: `function_call_arguments.delta`s and `.done`),
/// then `response.completed` with the whole output and usage, and no `[DONE]`.
///
/// Parallel calls interleave: each call is its own output item (its own `output_index`),
/// and the fragments of open items alternate. A length stop closes the open message as
/// `incomplete` and ends with `response.incomplete` (`max_output_tokens`); an error is the
/// typed flat `error` event (`code`, `message`, `param`) then `response.failed`. Call keys
/// are the `fc_…` item ids.
struct ResponsesWriter: ProviderWriter {
  static let kind = DialectKind.openaiResponses
  static let lineEnding = "\n"
  static let interleavesCalls = true
  static let argumentStyle = JSONTextStyle.compact

  private var random: SplitMix64
  private let responseId: String
  private let created: Int
  private var sequence = 0
  private var nextOutput = 0
  /// The message item being written: its id, output index and text so far.
  private var message: (id: String, index: Int, text: String)?
  /// Open function call items by call index: item id, call id, output index, tool name,
  /// arguments so far.
  private var items: [Int: (id: String, callId: String, index: Int, name: String, arguments: String)] = [:]
  /// Finished output items by output index, for `response.completed`.
  private var output: [Int: JSONValue] = [:]
  private var tokens = 0
  /// The text of the finished items in ``output`` (its arguments or message text).
  private var outputText = 0
  private(set) var written = Written()

  /// The message text so far and the finished items: `response.completed` repeats them.
  var heldBytes: Int { (message?.text.utf8.count ?? 0) + outputText }

  /// What stands for the message text in the closing events when the writer does not
  /// record (it keeps no text): whoever renders them puts the text back
  /// (``TurnScript/stream(_:_:toolCalls:sizes:seed:into:tally:_:)`` draws it again).
  static let textPlaceholder = "\u{0}slate:answer-text\u{0}"

  init(toolCalls: Bool, seed: UInt64, recording: Bool) {
    random = SplitMix64(seed: seed)
    written.recording = recording
    responseId = "resp_" + random.token(50, from: SplitMix64.hex)
    created = 1_785_270_000 + random.below(100_000)
  }

  mutating func write(_ step: Step, into wire: inout [WireItem]) {
    if sequence == 0 {
      wire.append(event("response.created", [("response", response(status: "in_progress"))]))
      wire.append(event("response.in_progress", [("response", response(status: "in_progress"))]))
    }
    switch step {
    case .text(let piece):
      let open = openMessage(into: &wire)
      wire.append(event("response.output_text.delta", [
        ("content_index", 0), ("delta", .string(piece)), ("item_id", .string(open.id)), ("logprobs", []),
        ("obfuscation", .string(random.obfuscation())), ("output_index", .number(JSONNumber(open.index))),
      ]))
      if written.recording { message?.text += piece }
      written.addAnswer(piece)
      tokens += 1
    case .startCall(let i, let call):
      closeMessage(status: "completed", into: &wire)
      let item = (id: "fc_" + random.token(48, from: SplitMix64.hex), callId: "call_" + random.token(24), index: nextOutput,
                  name: call.name, arguments: "")
      nextOutput += 1
      items[i] = item
      wire.append(event("response.output_item.added", [
        ("item", callItem(i, status: "in_progress")), ("output_index", .number(JSONNumber(item.index))),
      ]))
      written.start(i, name: call.name, id: item.callId, key: item.id)
    case .arguments(let i, let piece):
      guard let item = items[i] else { return }
      wire.append(event("response.function_call_arguments.delta", [
        ("delta", .string(piece)), ("item_id", .string(item.id)), ("obfuscation", .string(random.obfuscation())),
        ("output_index", .number(JSONNumber(item.index))),
      ]))
      items[i]?.arguments += piece
      written.append(i, piece)
      tokens += 1
    case .endCall(let i):
      guard let item = items[i] else { return }
      wire.append(event("response.function_call_arguments.done", [
        ("arguments", .string(item.arguments)), ("item_id", .string(item.id)), ("output_index", .number(JSONNumber(item.index))),
      ]))
      let done = callItem(i, status: "completed")
      wire.append(event("response.output_item.done", [("item", done), ("output_index", .number(JSONNumber(item.index)))]))
      output[item.index] = done
      outputText += item.arguments.utf8.count
      items[i] = nil
      written.end(i, key: item.id)
      written.argumentsComplete.insert(i)
    case .keepAlive:
      wire.append(.comment("OPENROUTER PROCESSING"))
    case .error:
      let message = "An error occurred while processing your request. You can retry your request, or contact us through our help center at help.openai.com if the error persists."
      let payload = eventValue("error", [("code", "server_error"), ("message", .string(message)), ("param", nil)])
      wire.append(.event(name: "error", data: payload.text()))
      var failed = response(status: "failed")
      failed = failed.replacing("error", with: .members([("code", "server_error"), ("message", .string(message))]))
      wire.append(event("response.failed", [("response", failed)]))
      written.error = ProviderError(kind: "server_error", code: "server_error", message: message, payload: payload)
      written.terminated = true
    case .finish(.normal):
      closeMessage(status: "completed", into: &wire)
      wire.append(event("response.completed", [("response", response(status: "completed"))]))
      written.finishes.append(Finish(choice: 0, reason: "completed", truncated: false))
      written.terminated = true
    case .finish(.length):
      closeMessage(status: "incomplete", into: &wire)
      let incomplete = response(status: "incomplete")
        .replacing("incomplete_details", with: .members([("reason", "max_output_tokens")]))
      wire.append(event("response.incomplete", [("response", incomplete)]))
      written.finishes.append(Finish(choice: 0, reason: "max_output_tokens", truncated: true))
      written.terminated = true
    }
  }

  mutating func flush(into items: inout [WireItem]) {}

  /// The message item in progress, opened (item and content part added) if none is.
  private mutating func openMessage(into wire: inout [WireItem]) -> (id: String, index: Int) {
    if let message { return (message.id, message.index) }
    let id = "msg_" + random.token(48, from: SplitMix64.hex)
    message = (id, nextOutput, "")
    nextOutput += 1
    wire.append(event("response.output_item.added", [
      ("item", messageItem(id: id, status: "in_progress", text: nil)), ("output_index", .number(JSONNumber(nextOutput - 1))),
    ]))
    wire.append(event("response.content_part.added", [
      ("content_index", 0), ("item_id", .string(id)), ("output_index", .number(JSONNumber(nextOutput - 1))),
      ("part", part(text: "")),
    ]))
    return (id, nextOutput - 1)
  }

  /// Closes the message in progress, if any: text done, part done, item done.
  private mutating func closeMessage(status: String, into wire: inout [WireItem]) {
    guard var open = message else { return }
    message = nil
    if !written.recording { open.text = Self.textPlaceholder }
    let index: JSONValue = .number(JSONNumber(open.index))
    wire.append(event("response.output_text.done", [
      ("content_index", 0), ("item_id", .string(open.id)), ("logprobs", []), ("output_index", index), ("text", .string(open.text)),
    ]))
    wire.append(event("response.content_part.done", [
      ("content_index", 0), ("item_id", .string(open.id)), ("output_index", index), ("part", part(text: open.text)),
    ]))
    let item = messageItem(id: open.id, status: status, text: open.text)
    wire.append(event("response.output_item.done", [("item", item), ("output_index", index)]))
    output[open.index] = item
    if written.recording { outputText += open.text.utf8.count }
  }

  private func part(text: String) -> JSONValue {
    .members([("type", "output_text"), ("annotations", []), ("logprobs", []), ("text", .string(text))])
  }

  private func messageItem(id: String, status: String, text: String?) -> JSONValue {
    .members([
      ("id", .string(id)), ("type", "message"), ("status", .string(status)),
      ("content", .array(text.map { [part(text: $0)] } ?? [])), ("role", "assistant"),
    ])
  }

  private func callItem(_ i: Int, status: String) -> JSONValue {
    let item = items[i]!
    return .members([
      ("id", .string(item.id)), ("type", "function_call"), ("status", .string(status)),
      ("arguments", .string(status == "completed" ? item.arguments : "")), ("call_id", .string(item.callId)),
      ("name", .string(item.name)),
    ])
  }

  /// The response object; `output` and `usage` filled once it is no longer in progress.
  private func response(status: String) -> JSONValue {
    let final = status != "in_progress"
    let usage: JSONValue = final
      ? .members([
        ("input_tokens", 1204), ("input_tokens_details", .members([("cached_tokens", 0)])),
        ("output_tokens", .number(JSONNumber(tokens))), ("output_tokens_details", .members([("reasoning_tokens", 0)])),
        ("total_tokens", .number(JSONNumber(1204 + tokens))),
      ]) : nil
    return .members([
      ("id", .string(responseId)), ("object", "response"), ("created_at", .number(JSONNumber(created))),
      ("status", .string(status)), ("background", false), ("error", nil), ("incomplete_details", nil),
      ("instructions", nil), ("max_output_tokens", nil), ("model", "gpt-4.1-2025-04-14"),
      ("output", .array(final ? output.keys.sorted().map { output[$0]! } : [])), ("parallel_tool_calls", true),
      ("previous_response_id", nil), ("reasoning", .members([("effort", nil), ("summary", nil)])),
      ("service_tier", "default"), ("store", true), ("temperature", .decimal("1.0")),
      ("text", .members([("format", .members([("type", "text")]))])), ("tool_choice", "auto"), ("tools", []),
      ("top_p", .decimal("1.0")), ("truncation", "disabled"), ("usage", usage), ("user", nil), ("metadata", [:]),
    ])
  }

  /// An event payload: `type`, then the members in key order with the sequence number.
  private mutating func eventValue(_ type: String, _ members: [(String, JSONValue)]) -> JSONValue {
    let all = members + [("sequence_number", .number(JSONNumber(sequence)))]
    sequence += 1
    return .members([("type", .string(type))] + all.sorted { $0.0 < $1.0 })
  }

  private mutating func event(_ type: String, _ members: [(String, JSONValue)]) -> WireItem {
    .event(name: type, data: eventValue(type, members).text())
  }
}

extension JSONValue {
  /// This object with member `key`'s value replaced (appended when absent).
  func replacing(_ key: String, with value: JSONValue) -> JSONValue {
    guard var object = objectValue else { return self }
    if let i = object.members.lastIndex(where: { $0.key == key }) {
      object.members[i].value = value
    } else {
      object.append(key: key, value: value)
    }
    return .object(object)
  }
}
