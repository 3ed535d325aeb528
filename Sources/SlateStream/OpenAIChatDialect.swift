import SlateJSON

/// OpenAI Chat Completions chunks (provider-streams.md §1) and the servers that imitate them
/// (§5: Azure, OpenRouter, Groq, Mistral, DeepSeek, Ollama, vLLM, SGLang).
///
/// Per chunk, in this order:
/// 1. A provider error — an `error` member that is truthy, `object: "error"`, or an SSE
///    `event: error` — is reported and ends the chunk's processing (its `usage`, if any,
///    is still reported; its `choices` are not read). §1 "Errors after the 200", §5 general rule.
/// 2. Each entry of `choices`, keyed by its `index` (the array position only when `index`
///    is missing), so `n > 1` streams keep one text run per choice (§1 "n > 1"):
///    `delta.reasoning_content` or `delta.reasoning` on the reasoning channel, `delta.content`
///    (a string, or an array of text/thinking parts) on the answer channel, `delta.refusal`
///    on the refusal channel, then `delta.tool_calls` and the legacy `delta.function_call`,
///    then `finish_reason` (`error`, which OpenRouter documents, also counts as a provider
///    error when no error object came).
/// 3. `usage` (also on a chunk with `choices`, as OpenRouter and Mistral send it), else
///    Groq's `x_groq.usage`. Azure's first chunk (`choices: []`, `prompt_filter_results`)
///    is neither usage nor the end.
///
/// Tool calls are routed by (choice, `index`) (§5 general rule): the name and id are taken
/// from whichever fragment carries them and never overwritten by an empty or later value;
/// a different non-empty id at an index in use starts a new call and reports
/// `dialect.new_call_on_reused_index` (Ollama, SGLang); a fragment without `index` falls
/// back to its `id`, then to the choice's latest call. `arguments` given as an object is
/// serialized canonically. A call's start is emitted once its name is known (fragments
/// before that are held); its end signal is the `finish_reason` of its choice. A call
/// still without a name at its choice's finish or at the end of the input is started then,
/// with an empty name and `dialect.call_without_name`, so no fragment is lost. `[DONE]`
/// is the terminal event; a stream without it still ends cleanly when every choice has
/// a `finish_reason` (recorders often drop `[DONE]`).
///
/// A lost chunk (``lost(at:)``; its data not JSON) is a ``GapScope/any`` gap unless it came
/// after `[DONE]`. A call open at the gap that has not started yet (no name so far), and a
/// call a nameless fragment opens after a gap (its first fragment, which carries the name,
/// may have been the lost one), is named by a ``GapScope/call(_:)`` gap right after its start.
///
/// Complexity: O(payload) per chunk; state O(choices + calls).
public struct OpenAIChatDialect: PayloadDialect {
  public var kind: DialectKind { .openaiChat }

  let payloads: PayloadDecoder
  /// Where the stream is.
  private var state = State.reading
  private var choices: [Int: ChoiceState] = [:]
  private var choiceOrder: [Int] = []
  /// Bit `i` set when choice `i` (0 to 63) is in ``choices``: the per-chunk test for a new
  /// choice costs a mask rather than a hash lookup (choices are never removed).
  private var seenChoices: UInt64 = 0
  /// The calls, in the order they opened; `callIndex` finds one by its key.
  private var calls: [CallState] = []
  private var callIndex: [CallKey: Int] = [:]
  /// The slot the last fragment routed by a slot went to, and its call.
  private var lastSlot: (choice: Int, slot: Slot, call: Int)?
  var outcome = Outcome()

  /// The stream's progress.
  private enum State: Equatable {
    /// Reading chunks.
    case reading
    /// `[DONE]` came (at this raw offset): later events are reported and ignored, and a
    /// lost event is no gap.
    case done(at: Int)
  }

  private struct ChoiceState {
    /// The current call of each slot (`tool_calls[].index`, or `function_call`).
    var slots: [String: CallKey] = [:]
    /// How many calls each slot has held, for the keys of calls reusing it.
    var generations: [String: Int] = [:]
    var byId: [String: CallKey] = [:]
    /// Calls not yet ended, in start order.
    var open: [CallKey] = []
    var latest: CallKey?
    var unkeyed = 0
    var finish: Finish?
  }

  private struct CallState {
    var key: CallKey
    var choice: Int
    var name = ""
    var id: String?
    /// Raw offset of the event whose fragment opened the call.
    var opened: Int
    var phase = Phase.unnamed(held: [], gap: nil)

    /// Where one call stands.
    enum Phase {
      /// Opened, its name not known yet: the argument fragments (with their event offsets)
      /// held until it starts, and the offset of a gap it may continue across (reported
      /// when it starts).
      case unnamed(held: [(text: String, offset: Int)], gap: Int?)
      /// Started (``Delta/Kind/toolCallStarted(_:)`` emitted): fragments go out as they come.
      case started
      /// Its choice finished: no more fragments.
      case ended
    }

    var isUnnamed: Bool { if case .unnamed = phase { true } else { false } }
  }

  public init(parser: SimdjsonParser = SimdjsonParser()) {
    payloads = PayloadDecoder(parser: parser)
  }

  mutating func handle(_ event: EventBytes, _ payload: Payload, into out: inout DialectOutputs) {
    let at = event.offset
    if case .done = state {
      out.report(.eventAfterTerminal, at: at, "expected nothing after [DONE]; another event came (ignored)")
      return
    }
    if case .done = payload {
      state = .done(at: at)
      outcome.terminate("[DONE]", at: at, into: &out)
    } else if let value = outcome.object(of: event, payload, expecting: "a chat.completion.chunk object", into: &out) {
      chunk(value, event, into: &out)
    }
  }

  mutating func loseContent(at offset: Int, into out: inout DialectOutputs) {
    guard state == .reading else { return }  // nothing after [DONE] is read
    outcome.lose(at: offset, into: &out)
    for c in choiceOrder {
      for key in choices[c]?.open ?? [] {
        if let k = callIndex[key], case .unnamed(let held, _) = calls[k].phase {
          calls[k].phase = .unnamed(held: held, gap: offset)
        }
      }
    }
  }

  mutating func finish(at offset: Int, into out: inout DialectOutputs) -> DialectEnd {
    // A call still open that never got its name is started now, as a finish_reason would
    // (its held fragments are not lost), and then reported as not ended.
    for c in choiceOrder {
      for key in choices[c]?.open ?? [] {
        guard let k = callIndex[key], calls[k].isUnnamed else { continue }
        let opened = calls[k].opened
        out.report(.callWithoutName, at: opened,
                   "expected a function name for tool call \(key) before the end of the input; none came")
        Self.start(key, &calls[k], at: opened, into: &out)
      }
    }
    let allFinished = !choiceOrder.isEmpty && choiceOrder.allSatisfy { choices[$0]?.finish != nil }
    return outcome.end(.openaiChat, terminated: state != .reading || allFinished,
                       openCalls: choiceOrder.flatMap { choices[$0]?.open ?? [] }, at: offset, into: &out)
  }

  // MARK: - Chunks

  private mutating func chunk(_ value: JSONNode, _ event: EventBytes, into out: inout DialectOutputs) {
    let at = event.offset
    // The members read, in one pass over the object (the last of a name wins, as a lookup's).
    var error, object, list, usage, groq: JSONNode?
    for (key, member) in value.members {
      switch key.count {
      case 5:
        if key.spells("error") { error = member } else if key.spells("usage") { usage = member }
      case 6:
        if key.spells("object") { object = member } else if key.spells("x_groq") { groq = member }
      case 7:
        if key.spells("choices") { list = member }
      default: break
      }
    }
    if let error, error.isTruthy {
      outcome.fail(ProviderError(errorObject: error.value, payload: value.value), at: at, into: &out)
      out.emitUsage(usage, at: at)
      return
    }
    if object?.isString("error") == true || event.isNamed("error") {
      let payload = value.value
      outcome.fail(ProviderError(errorObject: payload, payload: payload), at: at, into: &out)
      return
    }
    if let list, !list.isArray, !list.isNull {
      out.report(.unexpectedPayload, at: at, "expected choices to be an array; got a JSON \(list.typeName)")
    }
    var position = 0
    for choice in list?.elements ?? JSONNode.Elements.empty {
      self.choice(choice, position: position, at: at, into: &out)
      position += 1
    }
    // Groq sends `x_groq.usage`, sometimes beside the same standard `usage`: one of them.
    let usageCame = out.emitUsage(usage, at: at) || out.emitUsage(groq?["usage"], at: at)
    if list == nil && !usageCame {
      out.report(.unknownEvent, at: at, "expected a chunk with choices or usage; got members \(value.keyList) (skipped)")
    }
  }

  private mutating func choice(_ choice: JSONNode, position: Int, at: Int, into out: inout DialectOutputs) {
    guard choice.isObject else {
      out.report(.unexpectedPayload, at: at, "expected each choice to be an object; got a JSON \(choice.typeName)")
      return
    }
    var indexNode, deltaNode, reasonNode: JSONNode?
    for (key, member) in choice.members {
      switch key.count {
      case 5:
        if key.spells("index") { indexNode = member } else if key.spells("delta") { deltaNode = member }
      case 13:
        if key.spells("finish_reason") { reasonNode = member }
      default: break
      }
    }
    let index = indexNode?.int ?? position
    if !hasChoice(index) {
      choices[index] = ChoiceState()
      choiceOrder.append(index)
      if index >= 0 && index < 64 { seenChoices |= 1 << UInt64(index) }
    }
    if let delta = deltaNode, delta.isObject {
      self.delta(delta, choice: index, at: at, into: &out)
    }
    if let reasonNode, reasonNode.isString, !reasonNode.bytes.isEmpty, let reason = reasonNode.string {
      finish(choice: index, reason: reason, at: at, into: &out)
      if reason == "error" && outcome.error == nil {
        // OpenRouter documents `finish_reason: "error"`; with no error object it is still one.
        outcome.fail(ProviderError(kind: "error", code: nil, message: "choice \(index) finished with finish_reason \"error\"",
                                   payload: choice.value), at: at, into: &out)
      }
    }
  }

  /// Whether choice `index` has a state (a bit test for choices 0 to 63). O(1).
  @inline(__always)
  private func hasChoice(_ index: Int) -> Bool {
    if index >= 0 && index < 64 { return seenChoices & (1 << UInt64(index)) != 0 }
    return choices[index] != nil
  }

  private mutating func delta(_ delta: JSONNode, choice: Int, at: Int, into out: inout DialectOutputs) {
    var reasoningContent, reasoningNode, contentNode, refusalNode, toolCalls, functionCall: JSONNode?
    for (key, member) in delta.members {
      switch key.count {
      case 7:
        if key.spells("content") { contentNode = member } else if key.spells("refusal") { refusalNode = member }
      case 9:
        if key.spells("reasoning") { reasoningNode = member }
      case 10:
        if key.spells("tool_calls") { toolCalls = member }
      case 13:
        if key.spells("function_call") { functionCall = member }
      case 17:
        if key.spells("reasoning_content") { reasoningContent = member }
      default: break
      }
    }
    if let reasoning = reasoningContent?.nonEmptyStringBytes ?? reasoningNode?.nonEmptyStringBytes {
      out.emitText(reasoning, on: Channel(.reasoning, choice: choice), at: at)
    }
    if let content = contentNode {
      if content.isString {
        out.emitText(content.bytes, on: Channel(.answer, choice: choice), at: at)
      } else if content.isArray {
        contentParts(content, choice: choice, at: at, into: &out)
      }
    }
    if let refusal = refusalNode?.stringBytes {
      out.emitText(refusal, on: Channel(.refusal, choice: choice), at: at)
    }
    for fragment in toolCalls?.elements ?? JSONNode.Elements.empty {
      guard fragment.isObject else {
        out.report(.unexpectedPayload, at: at, "expected each tool_calls entry to be an object; got a JSON \(fragment.typeName)")
        continue
      }
      toolFragment(slot: fragment.int("index").map(Slot.index), id: fragment.nonEmptyString("id"),
                   function: fragment["function"], choice: choice, at: at, into: &out)
    }
    if let legacy = functionCall, legacy.isObject {
      toolFragment(slot: .legacy, id: nil, function: legacy, choice: choice, at: at, into: &out)
    }
  }

  /// `content` as an array of parts (Mistral reasoning models): `text` parts are answer
  /// text, `thinking` parts (whose `thinking` is an array of text parts) are reasoning.
  private func contentParts(_ parts: JSONNode, choice: Int, at: Int, into out: inout DialectOutputs) {
    for part in parts.elements {
      let type = part["type"].flatMap(\.stringBytes)
      if type == nil || part["type"]!.isString("text") {
        if let text = part.stringBytes("text") { out.emitText(text, on: Channel(.answer, choice: choice), at: at) }
      } else if part["type"]!.isString("thinking") {
        for piece in part["thinking"]?.elements ?? JSONNode.Elements.empty {
          if let text = piece.stringBytes("text") { out.emitText(text, on: Channel(.reasoning, choice: choice), at: at) }
        }
      } else {
        out.report(.unknownEvent, at: at,
                   "expected a content part of type text or thinking; got \"\(String(jsonBytes: type!))\" (skipped)")
      }
    }
  }

  // MARK: - Tool calls

  /// Where a fragment says its call is: `tool_calls[].index`, or the legacy `function_call`.
  private enum Slot: Equatable {
    case index(Int)
    case legacy

    /// The slot's name in keys and messages.
    var name: String {
      switch self {
      case .index(let index): String(index)
      case .legacy: "function_call"
      }
    }
  }

  private mutating func toolFragment(slot: Slot?, id: String?, function: JSONNode?, choice c: Int, at: Int,
                                     into out: inout DialectOutputs)
  {
    let name = function?.nonEmptyString("name")
    let known = calls.count
    guard let k = route(slot: slot, id: id, named: name != nil, choice: c, at: at, into: &out) else { return }
    // The call's state is changed in place (no copy of it taken and written back).
    if calls.count > known, name == nil, let gap = outcome.gap {  // may continue a lost first fragment
      if case .unnamed(let held, _) = calls[k].phase { calls[k].phase = .unnamed(held: held, gap: gap) }
    }
    let key = calls[k].key
    if case .ended = calls[k].phase {
      out.report(.deltaAfterStop, at: at,
                 "expected no more fragments for tool call \(key) after the finish of choice \(c); one came (dropped)")
      return
    }
    if let name, calls[k].name.isEmpty { calls[k].name = name }
    if let id, calls[k].id == nil {
      calls[k].id = id
      choices[c]?.byId[id] = key
    }
    if calls[k].isUnnamed && !calls[k].name.isEmpty { Self.start(key, &calls[k], at: at, into: &out) }
    if let arguments = function?["arguments"] {
      switch calls[k].phase {
      case .started:
        if arguments.isString {
          out.emitArguments(arguments.bytes, of: key, at: at)
        } else if let text = Self.argumentText(arguments), !text.isEmpty {
          out.emit(.toolArguments(key, DeltaText(text)), at: at)
        }
      case .unnamed(var held, let gap):
        if let text = Self.argumentText(arguments), !text.isEmpty {
          calls[k].phase = .ended  // release `held` while it grows
          held.append((text, at))
          calls[k].phase = .unnamed(held: held, gap: gap)
        }
      case .ended:
        break
      }
    }
  }

  /// The call (its position in ``calls``) a fragment belongs to, opening a new one where the
  /// fragment starts one. A fragment at the slot of the last one routed by a slot (the common
  /// case: a call's fragments in a row) is routed without a lookup.
  private mutating func route(slot: Slot?, id: String?, named: Bool, choice c: Int, at: Int,
                              into out: inout DialectOutputs) -> Int?
  {
    if let slot, let last = lastSlot, last.choice == c, last.slot == slot,
       id == nil || calls[last.call].id == nil || calls[last.call].id == id
    {
      return last.call
    }
    guard let state = choices[c] else { return nil }
    if let slot {
      guard let key = state.slots[slot.name], let k = callIndex[key] else { return open(slot: slot, id: id, choice: c, at: at) }
      if let id, let old = calls[k].id, old != id {
        out.report(.newCallOnReusedIndex, at: at,
                   "expected call id \(old) (or none) at choice \(c) index \(slot.name); got \(id): starting a new call")
        return open(slot: slot, id: id, choice: c, at: at)
      }
      lastSlot = (c, slot, k)
      return k
    }
    if let id {
      if let key = state.byId[id], let k = callIndex[key] { return k }
      return open(slot: nil, id: id, choice: c, at: at)
    }
    if let latest = state.latest, let k = callIndex[latest] {
      if case .ended = calls[k].phase, named {} else { return k }
    }
    if named { return open(slot: nil, id: nil, choice: c, at: at) }
    out.report(.toolFragmentWithoutCall, at: at,
               "expected an index, an id or an earlier call in choice \(c) for a tool-call fragment; none (dropped)")
    return nil
  }

  private mutating func open(slot: Slot?, id: String?, choice c: Int, at: Int) -> Int {
    var state = choices[c] ?? ChoiceState()
    let key: CallKey
    if let slot {
      let name = slot.name
      let generation = (state.generations[name] ?? 0) + 1
      state.generations[name] = generation
      key = CallKey(generation == 1 ? "\(c).\(name)" : "\(c).\(name)~\(generation)")
      state.slots[name] = key
    } else if let id {
      key = CallKey("\(c).id:\(id)")
    } else {
      state.unkeyed += 1
      key = CallKey("\(c).#\(state.unkeyed)")
    }
    if let id { state.byId[id] = key }
    state.open.append(key)
    state.latest = key
    choices[c] = state
    let call = CallState(key: key, choice: c, id: id, opened: at)
    let k: Int
    if let known = callIndex[key] {
      k = known
      calls[k] = call
    } else {
      k = calls.count
      callIndex[key] = k
      calls.append(call)
    }
    lastSlot = slot.map { (c, $0, k) }
    return k
  }

  /// Starts an unnamed call: emits its start, the fragments it held, and the gap it may
  /// continue across.
  private static func start(_ key: CallKey, _ call: inout CallState, at: Int, into out: inout DialectOutputs) {
    guard case .unnamed(let held, let gap) = call.phase else { return }
    call.phase = .started
    out.emit(.toolCallStarted(ToolCallStart(key: key, name: call.name, callId: call.id, choice: call.choice)), at: at)
    for fragment in held { out.emit(.toolArguments(key, DeltaText(fragment.text)), at: fragment.offset) }
    if let gap { out.emit(.gap(.call(key)), at: gap) }
  }

  private mutating func finish(choice c: Int, reason: String, at: Int, into out: inout DialectOutputs) {
    guard var state = choices[c] else { return }
    if let previous = state.finish {
      if previous.reason != reason {
        out.report(.repeatedFinish, at: at,
                   "expected one finish_reason for choice \(c); got \"\(reason)\" after \"\(previous.reason)\" (the first stands)")
      }
      return
    }
    for key in state.open {
      guard let k = callIndex[key] else { continue }
      if calls[k].isUnnamed {
        out.report(.callWithoutName, at: at, "expected a function name for tool call \(key) before its end; none came")
        Self.start(key, &calls[k], at: at, into: &out)
      }
      calls[k].phase = .ended
      out.emit(.toolCallEnded(key), at: at)
    }
    state.open = []
    let finish = Finish(choice: c, reason: reason, truncated: Finish.isTruncating(reason))
    state.finish = finish
    choices[c] = state
    outcome.finish(finish, at: at, into: &out)
  }

  /// `function.arguments` as text: a string as is, an object or other value serialized
  /// canonically (servers that send parsed arguments), nothing for null.
  static func argumentText(_ value: JSONNode) -> String? {
    switch value.kind {
    case .null: nil
    case .string: value.string
    default: value.value.canonicalString
    }
  }
}
