import SlateJSON

/// Gemini and Vertex AI `streamGenerateContent?alt=sse` chunks (provider-streams.md §4).
///
/// Each chunk is a `GenerateContentResponse` holding only the new content. Per candidate
/// (keyed by its `index`, the array position when missing), each part of
/// `content.parts` is read:
/// - `text` is answer text, or reasoning text when `thought` is `true`;
/// - `thoughtSignature` goes to the signature channel;
/// - `functionCall` with `name` and `args` is a whole call: started, its `args` object
///   serialized canonically as the one argument fragment, ended — all at that part
///   (`args` missing means `{}`);
/// - Vertex streamed arguments: `functionCall {name, willContinue: true}` starts a call,
///   parts with `partialArgs` are assembled by `jsonPath` (``PartialArguments``), and the
///   empty `functionCall {}` (or `willContinue: false`) closes it: the assembled object is
///   the one argument fragment, then the end.
///
/// `finishReason` finishes the candidate (`MAX_TOKENS` means truncated); the stream has no
/// terminal event, so it ended cleanly when every candidate seen has finished. A chunk
/// `{"error": {code, message, status}}` is the provider's error, and
/// `promptFeedback.blockReason` (a blocked prompt) is reported as a provider error of kind
/// `prompt_blocked`. `usageMetadata`, repeated as a running total on every chunk, is
/// emitted when it changes.
///
/// State machine: per candidate, ``Candidate/Phase`` (whole parts, or a streamed call
/// open with the arguments assembled so far), its open streamed calls and its finish.
///
/// Complexity: O(payload) per chunk; state O(candidates + the streamed call's arguments).
public struct GeminiDialect: PayloadDialect {
  public var kind: DialectKind { .gemini }

  let payloads: PayloadDecoder
  private var candidates: [Int: Candidate] = [:]
  private var candidateOrder: [Int] = []
  private var lastUsage: ProviderUsage?
  var outcome = Outcome()

  /// One candidate's state: its calls so far, where its function calls stand, and its finish.
  private struct Candidate {
    var callCount = 0
    var phase = Phase.parts
    /// Streamed calls not closed (the current one, and any replaced before closing).
    var open: [CallKey] = []
    var finish: Finish?

    /// Where a candidate's function calls stand.
    enum Phase {
      /// Whole parts: a `functionCall` with its `args` is a call of its own (started,
      /// its arguments, ended, at that part).
      case parts
      /// A Vertex streamed call is open: `partialArgs` parts assemble its arguments until
      /// `functionCall {}` (or `willContinue: false`) closes it.
      case streaming(key: CallKey, arguments: PartialArguments)
    }

    /// The streamed call open, if any.
    var streamingKey: CallKey? {
      if case .streaming(let key, _) = phase { key } else { nil }
    }
  }

  public init(parser: SimdjsonParser = SimdjsonParser()) {
    payloads = PayloadDecoder(parser: parser)
  }

  mutating func handle(_ event: EventBytes, _ payload: Payload, into out: inout DialectOutputs) {
    let at = event.offset
    guard let value = outcome.object(of: event, payload, expecting: "a GenerateContentResponse object", into: &out) else { return }
    if let error = value["error"], error.isTruthy {
      outcome.fail(ProviderError(errorObject: error.value, payload: value.value), at: at, into: &out)
      return
    }
    var recognized = false
    if let feedback = value["promptFeedback"] {
      recognized = true
      if let reason = feedback.nonEmptyString("blockReason") {
        let message = feedback.nonEmptyString("blockReasonMessage") ?? "the prompt was blocked (\(reason))"
        outcome.fail(ProviderError(kind: "prompt_blocked", code: reason, message: message, payload: value.value), at: at, into: &out)
      }
    }
    if let list = value["candidates"], list.isArray {
      recognized = true
      var position = 0
      for candidate in list.elements {
        self.candidate(candidate, position: position, at: at, into: &out)
        position += 1
      }
    }
    if let usageNode = value["usageMetadata"] {
      recognized = true
      // Gemini repeats its usage in every chunk (its counts growing): emitted only when it
      // changed, compared with the last one in place (neither built).
      if usageNode.isObject, lastUsage?.isEqual(to: usageNode) != true {
        let usage = ProviderUsage(usageNode)
        out.emit(.usage(usage), at: at)
        lastUsage = usage
      }
    }
    if !recognized {
      out.report(.unknownEvent, at: at, "expected candidates, usageMetadata, promptFeedback or error; got \(PayloadDecoder.excerpt(event.text)) (skipped)")
    }
  }

  /// A lost chunk is always a gap (Gemini has no terminal event; it may even have held
  /// whole function calls).
  mutating func loseContent(at offset: Int, into out: inout DialectOutputs) {
    outcome.lose(at: offset, into: &out)
  }

  mutating func finish(at offset: Int, into out: inout DialectOutputs) -> DialectEnd {
    let allFinished = !candidateOrder.isEmpty && candidateOrder.allSatisfy { candidates[$0]?.finish != nil }
    return outcome.end(.gemini, terminated: allFinished,
                       openCalls: candidateOrder.flatMap { candidates[$0]?.open ?? [] }, at: offset, into: &out)
  }

  // MARK: - Candidates

  private mutating func candidate(_ candidate: JSONNode, position: Int, at: Int, into out: inout DialectOutputs) {
    guard candidate.isObject else {
      out.report(.unexpectedPayload, at: at, "expected each candidate to be an object; got a JSON \(candidate.typeName)")
      return
    }
    let c = candidate.int("index") ?? position
    if candidates[c] == nil {
      candidates[c] = Candidate()
      candidateOrder.append(c)
    }
    for part in candidate["content"]?["parts"]?.elements ?? JSONNode.Elements.empty {
      var understood = false
      if let call = part["functionCall"] {
        understood = true
        functionCall(call, candidate: c, at: at, into: &out)
      }
      if let text = part.stringBytes("text") {
        understood = true
        let kind: Channel.Kind = part["thought"]?.bool == true ? .reasoning : .answer
        out.emitText(text, on: Channel(kind, choice: c), at: at)
      }
      if let signature = part.stringBytes("thoughtSignature") {
        understood = true
        out.emitText(signature, on: Channel(.signature, choice: c), at: at)
      }
      if !understood {
        let members = part.isObject ? part.keyList : part.typeName
        out.report(.unknownEvent, at: at, "expected a text or functionCall part; got a part with \(members) (skipped)")
      }
    }
    if let reason = candidate.nonEmptyString("finishReason") {
      if let previous = candidates[c]?.finish {
        if previous.reason != reason {
          out.report(.repeatedFinish, at: at,
                     "expected one finishReason for candidate \(c); got \(reason) after \(previous.reason) (the first stands)")
        }
      } else {
        let finish = Finish(choice: c, reason: reason, truncated: Finish.isTruncating(reason))
        candidates[c]?.finish = finish
        outcome.finish(finish, at: at, into: &out)
      }
    }
  }

  private mutating func functionCall(_ call: JSONNode, candidate c: Int, at: Int, into out: inout DialectOutputs) {
    guard call.isObject, var state = candidates[c] else {
      out.report(.unexpectedPayload, at: at, "expected functionCall to be an object; got a JSON \(call.typeName)")
      return
    }
    defer { candidates[c] = state }
    if call.count == 0 {
      guard case .streaming = state.phase else {
        out.report(.deltaWithoutStart, at: at, "expected a streamed call to close with functionCall {}; none is open (ignored)")
        return
      }
      close(&state, at: at, into: &out)
    } else if let entries = call["partialArgs"], entries.isArray {
      guard case .streaming(let key, var arguments) = state.phase else {
        out.report(.deltaWithoutStart, at: at,
                   "expected functionCall {name, willContinue: true} before partialArgs; got partialArgs first (dropped)")
        return
      }
      state.phase = .parts  // keep `arguments` uniquely referenced while it grows
      for entry in entries.elements {
        if let problem = arguments.apply(entry.value) { out.report(.invalidJSONPath, at: at, problem + " (dropped)") }
      }
      state.phase = .streaming(key: key, arguments: arguments)
      if call["willContinue"]?.bool == false { close(&state, at: at, into: &out) }
    } else if call["willContinue"]?.bool == true {
      if let previous = state.streamingKey {
        out.report(.callNotEnded, at: at,
                   "expected functionCall {} to close call \(previous) before the next call; a new call started (it stays open)")
      }
      let key = start(call, candidate: c, &state, at: at, into: &out)
      state.phase = .streaming(key: key, arguments: PartialArguments(seed: call["args"]?.value))
      state.open.append(key)
    } else {
      let key = start(call, candidate: c, &state, at: at, into: &out)
      // As before: a `null` args is serialized as `null` (only a missing one means `{}`).
      // Canonical bytes written from the nodes (the same bytes as the built value's, no
      // `JSONValue` built).
      let arguments = call["args"].map { String(decoding: $0.canonicalBytes, as: UTF8.self) } ?? "{}"
      out.emit(.toolArguments(key, DeltaText(arguments)), at: at)
      out.emit(.toolCallEnded(key), at: at)
    }
  }

  private func start(_ call: JSONNode, candidate c: Int, _ state: inout Candidate, at: Int,
                     into out: inout DialectOutputs) -> CallKey
  {
    let key = CallKey("\(c).\(state.callCount)")
    state.callCount += 1
    let name = call.string("name") ?? ""
    if name.isEmpty { out.report(.callWithoutName, at: at, "expected a name on functionCall \(key); it has none") }
    out.emit(.toolCallStarted(ToolCallStart(key: key, name: name, callId: call.nonEmptyString("id"), choice: c)), at: at)
    return key
  }

  /// Closes the streamed call: its assembled arguments are its one fragment, then its end.
  private func close(_ state: inout Candidate, at: Int, into out: inout DialectOutputs) {
    guard case .streaming(let key, let arguments) = state.phase else { return }
    out.emit(.toolArguments(key, DeltaText(arguments.value.canonicalString)), at: at)
    out.emit(.toolCallEnded(key), at: at)
    state.open.removeAll { $0 == key }
    state.phase = .parts
  }
}
