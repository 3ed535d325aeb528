import SlateJSON

/// OpenAI Responses API events (provider-streams.md §2), including OpenRouter's version
/// with no `event:` lines and a final `[DONE]` (§5 "OpenRouter").
///
/// Dispatch is on the payload's `type` (the SSE event name, when present, must repeat it:
/// `dialect.event_type_mismatch` otherwise):
/// - `response.output_item.added` with a `function_call` item starts a call keyed by the
///   item `id` (the `fc_…` id, not `call_id`), with `name` and `call_id`;
///   `response.function_call_arguments.delta` streams its arguments by `item_id`;
///   `response.function_call_arguments.done` (or `response.output_item.done`, whichever
///   comes first) ends it. When the provider streamed no fragment, the final `arguments`
///   become the one fragment; when it streamed some that differ from the final text,
///   `dialect.arguments_mismatch` is reported (the streamed text stands).
/// - `response.output_text.delta` is answer text on part `item_id:content_index`,
///   `response.refusal.delta` refusal text, `response.reasoning_summary_text.delta`
///   (part `item_id:s<summary_index>`) and `response.reasoning_text.delta` reasoning text.
/// - `response.completed` / `response.incomplete` / `response.failed` are the terminal
///   events (usage from `response.usage`; `incomplete_details.reason` as a truncating
///   finish; `response.error` as the provider error unless an `error` event came first).
/// - `error` events in both shapes: flat `{code, message, param}` and nested
///   `{error: {type, code, message, param}}` (§2 "Errors after the 200").
/// - `[DONE]` is accepted and ignored; it is not the terminal event. Other events after the
///   terminal event are `dialect.event_after_terminal` and ignored, except an `error`.
///
/// Complexity: O(payload) per event; state O(calls + their argument text).
public struct OpenAIResponsesDialect: PayloadDialect {
  public var kind: DialectKind { .openaiResponses }

  let payloads: PayloadDecoder
  /// Where the stream is.
  private var state = State.reading
  /// The calls, in the order they started; `callIndex` finds one by its item id.
  private var calls: [CallState] = []
  private var callIndex: [String: Int] = [:]
  /// The item id of the last arguments delta, and its call: the deltas of one call come in a
  /// row, found so without a `String` of the id or a hash lookup.
  private var lastDelta: (item: [UInt8], call: Int)?
  var outcome = Outcome()

  /// The stream's progress.
  private enum State: Equatable {
    /// Reading events.
    case reading
    /// A terminal event came (`response.completed`, `.incomplete` or `.failed`, by name):
    /// only `error` events are read; a lost event is no gap.
    case terminated(String)
  }

  private struct CallState {
    /// The item id (the call's key).
    var id: String
    var name: String
    var callId: String?
    /// Announced, its done event not come.
    var isOpen = true
    /// The argument bytes streamed so far (compared with the final `arguments`).
    var streamed: [UInt8] = []
  }

  /// The part name of the last text delta (`item_id:content_index`, or `item_id:s<summary_index>`)
  /// and what it was made of: the deltas of one part come in a row, and each reuses it
  /// rather than building its `String`s again.
  private var lastPart: (item: [UInt8], summary: Bool, index: Int, name: String)?

  public init(parser: SimdjsonParser = SimdjsonParser()) {
    payloads = PayloadDecoder(parser: parser)
  }

  mutating func handle(_ event: EventBytes, _ payload: Payload, into out: inout DialectOutputs) {
    let at = event.offset
    if case .done = payload { return }  // OpenRouter's `[DONE]`, after the terminal event, carries nothing
    guard let value = outcome.object(of: event, payload, expecting: "a Responses event object", into: &out),
          let type = eventType(event, value, into: &out)
    else { return }
    if case .terminated(let terminal) = state {
      guard case "error" = type else {
        out.report(.eventAfterTerminal, at: at, "expected nothing after \(terminal); got \(type.text) (ignored)")
        return
      }
    }
    switch type {
    case "response.output_item.added": itemAdded(value, at: at, into: &out)
    case "response.function_call_arguments.delta": argumentsDelta(value, at: at, into: &out)
    case "response.function_call_arguments.done":
      endCall(value.string("item_id"), arguments: value.stringBytes("arguments"), at: at, into: &out)
    case "response.output_item.done": itemDone(value, at: at, into: &out)
    case "response.output_text.delta": text(value, .answer, at: at, into: &out)
    case "response.refusal.delta": text(value, .refusal, at: at, into: &out)
    case "response.reasoning_text.delta": text(value, .reasoning, at: at, into: &out)
    case "response.reasoning_summary_text.delta": text(value, .reasoning, summary: true, at: at, into: &out)
    case "response.completed", "response.incomplete", "response.failed": terminal(type.text, value, at: at, into: &out)
    case "error":
      let payload = value.value
      let error = payload["error"].map { ProviderError(errorObject: $0, payload: payload) }
        ?? ProviderError(kind: payload.nonEmptyString("code") ?? "error", code: payload["code"]?.scalarText,
                         message: payload.nonEmptyString("message") ?? payload.canonicalString, payload: payload)
      outcome.fail(error, at: at, into: &out)
    // Event types that carry nothing this layer reports (their content came in deltas),
    // matched by their bytes as the others are (no `String` per event).
    case "response.created", "response.in_progress", "response.queued",
         "response.content_part.added", "response.content_part.done",
         "response.output_text.done", "response.refusal.done", "response.output_text.annotation.added",
         "response.reasoning_summary_part.added", "response.reasoning_summary_part.done",
         "response.reasoning_summary_text.done", "response.reasoning_text.done":
      break
    default:
      out.report(.unknownEvent, at: at, "expected a Responses event type this reader knows; got \"\(type.text)\" (skipped)")
    }
  }

  /// A lost event is a gap unless it came after the terminal event (only `error` is read then).
  mutating func loseContent(at offset: Int, into out: inout DialectOutputs) {
    if state == .reading { outcome.lose(at: offset, into: &out) }
  }

  mutating func finish(at offset: Int, into out: inout DialectOutputs) -> DialectEnd {
    outcome.end(.openaiResponses, terminated: state != .reading,
                openCalls: calls.filter(\.isOpen).map { CallKey($0.id) }, at: offset, into: &out)
  }

  // MARK: - Events

  private mutating func itemAdded(_ value: JSONNode, at: Int, into out: inout DialectOutputs) {
    guard let item = value["item"], let type = item.stringBytes("type") else {
      out.report(.unexpectedPayload, at: at, "expected response.output_item.added to carry an item with a type; it does not")
      return
    }
    switch EventType.payload(type) {
    case "function_call": startCall(item, at: at, into: &out)
    case "message", "reasoning": break
    default:
      out.report(.unknownEvent, at: at,
                 "expected an output item of type message, reasoning or function_call; got \"\(String(jsonBytes: type))\" (skipped)")
    }
  }

  @discardableResult
  private mutating func startCall(_ item: JSONNode, at: Int, into out: inout DialectOutputs) -> String? {
    guard let id = item.nonEmptyString("id") ?? item.nonEmptyString("call_id") else {
      out.report(.unexpectedPayload, at: at, "expected a function_call item with an id; it has none (skipped)")
      return nil
    }
    if callIndex[id] != nil {
      out.report(.duplicateStart, at: at, "expected one output_item.added for function_call \(id); got another (ignored)")
      return id
    }
    let name = item.string("name") ?? ""
    if name.isEmpty {
      out.report(.callWithoutName, at: at, "expected a name on function_call item \(id); it has none")
    }
    let callId = item.nonEmptyString("call_id")
    callIndex[id] = calls.count
    calls.append(CallState(id: id, name: name, callId: callId))
    out.emit(.toolCallStarted(ToolCallStart(key: CallKey(id), name: name, callId: callId)), at: at)
    return id
  }

  /// One arguments delta: its call found by the last delta's item id when it is the same
  /// (compared as bytes, no `String` or hash lookup), the fragment appended to the call's
  /// streamed bytes in place and handed on as the payload's bytes. O(fragment + item id).
  private mutating func argumentsDelta(_ value: JSONNode, at: Int, into out: inout DialectOutputs) {
    guard let k = deltaCall(value["item_id"]?.stringBytes) else {
      out.report(.deltaWithoutStart, at: at,
                 "expected function_call_arguments.delta for an item announced by output_item.added; item \(value.string("item_id") ?? "(none)") was not (dropped)")
      return
    }
    guard calls[k].isOpen else {
      out.report(.deltaAfterStop, at: at, "expected no arguments for function_call \(calls[k].id) after its done event; got more (dropped)")
      return
    }
    guard let fragment = value.nonEmptyBytes("delta") else { return }
    calls[k].streamed.append(contentsOf: fragment)
    out.emitArguments(fragment, of: CallKey(calls[k].id), at: at)
  }

  /// The call whose item id is `item` (a string's bytes), if one started.
  private mutating func deltaCall(_ item: UnsafeRawBufferPointer?) -> Int? {
    guard let item else { return nil }
    if let last = lastDelta, last.item.withUnsafeBytes({ sameBytes($0, item) }) { return last.call }
    guard let k = callIndex[String(jsonBytes: item)] else { return nil }
    lastDelta = (Array(item), k)
    return k
  }

  private mutating func itemDone(_ value: JSONNode, at: Int, into out: inout DialectOutputs) {
    guard let item = value["item"], item["type"]?.isString("function_call") == true else { return }
    var id = item.nonEmptyString("id") ?? item.nonEmptyString("call_id")
    if let known = id, callIndex[known] == nil {
      id = startCall(item, at: at, into: &out)  // a call announced only when done
    }
    if let id, let k = callIndex[id], calls[k].isOpen {
      endCall(id, arguments: item.stringBytes("arguments"), at: at, into: &out)
    }
  }

  /// Ends call `id`; `arguments` is the provider's final text, used when nothing streamed.
  private mutating func endCall(_ id: String?, arguments: UnsafeRawBufferPointer?, at: Int, into out: inout DialectOutputs) {
    guard let id, let k = callIndex[id] else {
      out.report(.deltaWithoutStart, at: at, "expected arguments.done for an announced function_call; item \(id ?? "(none)") was not (dropped)")
      return
    }
    guard calls[k].isOpen else { return }  // output_item.done after function_call_arguments.done
    let key = CallKey(id)
    let streamed = calls[k].streamed
    if let arguments, !arguments.isEmpty {
      if streamed.isEmpty {
        out.emit(.toolArguments(key, DeltaText(String(jsonBytes: arguments))), at: at)
      } else if !streamed.withUnsafeBytes({ sameBytes($0, arguments) })
        && String(decoding: streamed, as: UTF8.self) != String(jsonBytes: arguments)  // as texts: canonically equivalent ones agree
      {
        out.report(.argumentsMismatch, at: at,
                   "expected the final arguments of \(id) to equal the \(streamed.count) streamed bytes; they differ (the streamed text stands)")
      }
    }
    calls[k].isOpen = false
    calls[k].streamed = []
    out.emit(.toolCallEnded(key), at: at)
  }

  private mutating func text(_ value: JSONNode, _ kind: Channel.Kind, summary: Bool = false, at: Int,
                             into out: inout DialectOutputs)
  {
    guard let text = value.nonEmptyBytes("delta") else { return }
    out.emitText(text, on: Channel(kind, part: partName(value, summary: summary)), at: at)
  }

  /// The text part a delta belongs to: `item_id:content_index`, or `item_id:s<summary_index>`
  /// (a missing item id is empty, a missing or non-integer index 0). O(item id bytes); the
  /// `String` is built only when the part differs from the last delta's.
  private mutating func partName(_ value: JSONNode, summary: Bool) -> String {
    let item = value["item_id"]?.stringBytes ?? UnsafeRawBufferPointer(start: nil, count: 0)
    let index = value.int(summary ? "summary_index" : "content_index") ?? 0
    if let last = lastPart, last.summary == summary, last.index == index,
       last.item.withUnsafeBytes({ sameBytes($0, item) })
    {
      return last.name
    }
    let itemText = String(jsonBytes: item)
    let name = summary ? "\(itemText):s\(index)" : "\(itemText):\(index)"
    lastPart = (Array(item), summary, index, name)
    return name
  }

  private mutating func terminal(_ type: String, _ value: JSONNode, at: Int, into out: inout DialectOutputs) {
    let response = value["response"]
    out.emitUsage(response?["usage"], at: at)
    switch type {
    case "response.incomplete":
      let reason = response?["incomplete_details"]?.nonEmptyString("reason") ?? "incomplete"
      outcome.finish(Finish(choice: 0, reason: reason, truncated: true), at: at, into: &out)
    case "response.failed":
      if outcome.error == nil {
        let payload = value.value
        let error = payload["response"]?["error"].flatMap { $0.isTruthy ? $0 : nil }
        outcome.fail(error.map { ProviderError(errorObject: $0, payload: payload, fallbackKind: "response_failed") }
          ?? ProviderError(kind: "response_failed", code: nil, message: "the response failed with no error details", payload: payload),
          at: at, into: &out)
      }
    default:
      outcome.finish(Finish(choice: 0, reason: response?.nonEmptyString("status") ?? "completed", truncated: false),
                     at: at, into: &out)
    }
    state = .terminated(type)
    outcome.terminate(type, at: at, into: &out)
  }
}
