import SlateJSON

/// A client tool call being framed: its binding and its own `value` framer.
struct OpenCall {
  var start: ToolCallStart
  var framer: JSONFramer
  /// The complete value, held until the call's end signal.
  var pending: FramedValue?
  /// Whether any non-whitespace argument byte came.
  var hasContent = false
  /// The framer reported an error: nothing will be committed.
  var failed = false
  /// A gap cut the call's arguments: nothing will be committed, nothing more is framed.
  var poisoned = false
  /// The call's position among the calls this stream started (for a deterministic order).
  var ordinal: Int

  // The call is changed in place through these (`calls.values[index].feed(…)`): reading a
  // field through the dictionary's getter copies the whole call, its framer included.

  /// Feeds the next fragment of the arguments unless the call failed or was cut by a gap;
  /// returns whether it did.
  mutating func feed(_ bytes: UnsafeRawBufferPointer, into events: inout [FramerEvent]) -> Bool {
    guard !failed, !poisoned else { return false }
    if !hasContent { hasContent = bytes.contains { !PayloadDecoder.isWhitespace($0) } }
    framer.feed(bytes, into: &events)
    return true
  }

  /// The call's end signal, before it is committed: finishes the framer when arguments came
  /// (returns true: its events are to be drained), or holds `{}` for empty arguments. A call
  /// cut by a gap is left as it is.
  mutating func finishArguments(into events: inout [FramerEvent]) -> Bool {
    guard !poisoned else { return false }
    if hasContent {
      framer.finish(into: &events)
      return true
    }
    if !failed {
      pending = FramedValue(index: 0, range: framer.bytesFed..<framer.bytesFed, bytes: PaddedBytes("{}"),
                            value: .object(JSONObject()))
    }
    return false
  }
}

extension ActionStream {
  /// A call started: announce it (its type is the tool name) and give it a framer.
  mutating func startCall(_ start: ToolCallStart, at streamOffset: Int, into out: inout [StreamItem]) {
    guard calls.index(forKey: start.key) == nil, !skippedCalls.contains(start.key) else { return }  // the dialect reported it
    guard calls.count < options.maxOpenCalls else {
      skippedCalls.insert(start.key)
      report(StreamDiagnostic(.streamTooManyOpenCalls, severity: .error, streamOffset: streamOffset, channel: .call(start.key),
                              message: "expected at most \(options.maxOpenCalls) tool calls open at once; call \(start.key) (\(start.name)) is not framed"),
             into: &out)
      return
    }
    callsStarted += 1
    calls[start.key] = OpenCall(start: start, framer: makeFramer(.value, announcing: false), ordinal: callsStarted)
    out.append(.started(ActionStart(channel: .call(start.key), streamOffset: streamOffset, textOffset: 0,
                                    type: .string(start.name), callId: start.callId)))
  }

  /// The next fragment of a call's argument text. A value that completes is held for the
  /// end signal; an error stops the call's framer. The call is looked up once (its key
  /// hashed once per fragment) and changed in place.
  mutating func feedCall(_ key: CallKey, _ bytes: UnsafeRawBufferPointer, at streamOffset: Int,
                         into out: inout [StreamItem])
  {
    guard let index = calls.index(forKey: key), calls.values[index].feed(bytes, into: &framerEvents) else { return }
    drainCall(at: index, key, at: streamOffset, into: &out)
  }

  /// The call's end signal: finish its framer and commit its value when the arguments were
  /// exactly one JSON value (or empty, which is `{}`).
  mutating func endCall(_ key: CallKey, at streamOffset: Int, into out: inout [StreamItem]) {
    guard let index = calls.index(forKey: key) else { return }
    if calls.values[index].finishArguments(into: &framerEvents) {
      drainCall(at: index, key, at: streamOffset, into: &out)
    }
    let call = calls.remove(at: index).value
    if !call.poisoned, !call.failed, let value = call.pending {
      commit(value, channel: .call(key), at: streamOffset, call: call.start, into: &out)
    }
  }

  /// A gap at raw offset `offset` may have cut call `key`'s arguments: nothing of it will be
  /// committed, with one `stream.gap` error. A call whose framer already failed is left.
  mutating func poisonCall(_ key: CallKey, at offset: Int, into out: inout [StreamItem]) {
    guard let call = calls[key], !call.failed, !call.poisoned else { return }
    calls[key]!.poisoned = true
    report(StreamDiagnostic(.streamGap, severity: .error, streamOffset: offset, textOffset: call.framer.bytesFed, channel: .call(key),
                            message: "expected the arguments of tool call \(key) (\(call.start.name)) to continue across the event at byte \(offset), which could not be read; the call is not committed"),
           into: &out)
  }

  /// A gap of unknown scope at raw offset `offset`: every answer text (now and later) and
  /// every call open now is cut (``GapScope/any``).
  mutating func poisonAll(at offset: Int, into out: inout [StreamItem]) {
    if answersGap == nil { answersGap = offset }
    for choice in answerOrder { poisonAnswer(choice, at: offset, into: &out) }
    for key in calls.keys.sorted(by: { calls[$0]!.ordinal < calls[$1]!.ordinal }) { poisonCall(key, at: offset, into: &out) }
  }

  /// Takes the events call `key` (at `index` in ``calls``) framed. Nothing that adds or
  /// removes a call runs in between, so the index stays valid.
  mutating func drainCall(at index: Dictionary<CallKey, OpenCall>.Index, _ key: CallKey, at streamOffset: Int,
                          into out: inout [StreamItem])
  {
    guard !framerEvents.isEmpty else { return }
    // Read in place, as ``drainAnswer(choice:at:into:)`` does.
    defer { framerEvents.empty() }
    for k in framerEvents.indices {
      switch framerEvents[k] {
      case .value(let framed):
        calls.values[index].pending = framed
      case .diagnostic(let diagnostic):
        calls.values[index].failed = true
        noteFramerDiagnostic(diagnostic, channel: .call(key), at: streamOffset, into: &out)
      case .started:
        break  // call framers announce nothing: the call's start did
      }
    }
  }

  /// The input ended with calls still open (`openFirst` in the dialect's order, then any
  /// other, by key): none is committed. A complete value is `stream.value_not_committed`;
  /// a value in progress is the framer's `json.truncated` (the stream is cut inside it).
  mutating func finishCalls(openFirst: [CallKey], into out: inout [StreamItem]) {
    let rest = calls.keys.filter { !openFirst.contains($0) }.sorted { $0.rawValue < $1.rawValue }
    for key in openFirst + rest where calls[key] != nil {
      let call = calls.removeValue(forKey: key)!
      guard !call.failed, !call.poisoned else { continue }
      if let pending = call.pending {
        report(StreamDiagnostic(.streamValueNotCommitted, streamOffset: bytesFed, textOffset: pending.range.lowerBound,
                                channel: .call(key),
                                message: "expected the end signal of tool call \(key) (\(call.start.name)) to commit its complete arguments; the input ended first, so they are not an action"),
               into: &out)
      } else if call.hasContent {
        var framer = call.framer
        framer.finish(into: &framerEvents)
        for case .diagnostic(let diagnostic) in framerEvents {
          noteFramerDiagnostic(diagnostic, channel: .call(key), at: bytesFed, into: &out)
        }
        framerEvents.empty()
      }
    }
  }
}
