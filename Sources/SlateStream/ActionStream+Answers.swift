import SlateJSON

/// The answer text of one choice and how it is being framed.
struct AnswerText {
  /// Bytes of the choice's text seen so far (the text offset of the next byte).
  var length = 0
  /// The framer, once the text is known to be JSON (or framing is strict).
  var framer: JSONFramer?
  /// ``TextFraming/auto`` found prose: the text is not framed.
  var prose = false
}

extension ActionStream {
  /// Feeds `bytes`, the next part of choice `choice`'s answer text, carried by the event
  /// at raw offset `streamOffset` (nil for the `text` dialect, whose raw offsets are the
  /// text offsets). With ``TextFraming/auto`` the first non-whitespace byte decides
  /// between framing (`[` or `{`) and prose.
  mutating func feedAnswer(choice: Int, _ bytes: UnsafeRawBufferPointer, at streamOffset: Int?,
                           into out: inout [StreamItem])
  {
    if answers[choice] == nil {
      answers[choice] = AnswerText()
      answerOrder.append(choice)
    }
    guard !answers[choice]!.prose else { return }
    if answers[choice]!.framer == nil {
      switch options.textFraming {
      case .none:
        answers[choice]!.prose = true
        return
      case .framed(let framing):
        answers[choice]!.framer = makeFramer(framing, announcing: true)
      case .auto:
        guard let first = bytes.firstIndex(where: { !PayloadDecoder.isWhitespace($0) }) else {
          answers[choice]!.length += bytes.count
          return
        }
        let byte = bytes[first]
        guard byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") else {
          answers[choice]!.prose = true
          let offset = answers[choice]!.length + first
          report(StreamDiagnostic(.proseText, severity: .info, streamOffset: streamOffset ?? offset, textOffset: offset,
                                  channel: .answer(choice: choice),
                                  message: "expected '[' or '{' to start JSON actions, found \(JSONFramer.describe(byte)); the answer text is prose and is not framed"),
                 into: &out)
          return
        }
        var framer = makeFramer(.auto, announcing: true)
        let leading = answers[choice]!.length
        if leading > 0 { framer.feed([UInt8](repeating: 0x20, count: leading), into: &framerEvents) }
        answers[choice]!.framer = framer
      }
    }
    answers[choice]!.length += bytes.count
    answers[choice]!.framer!.feed(bytes, into: &framerEvents)
    drainAnswer(choice: choice, at: streamOffset, into: &out)
  }

  /// A framer reading with this stream's limits and parser.
  func makeFramer(_ framing: Framing, announcing: Bool) -> JSONFramer {
    JSONFramer(framing: framing, limits: options.framerLimits,
               announcements: announcing ? options.announcements : nil, parser: parser)
  }

  /// Turns the answer framer's events into items. `streamOffset` nil means raw offsets are
  /// text offsets (`text` dialect): a value is placed at its last byte, a diagnostic at
  /// its offending byte, an announcement at the last byte of the member completing it.
  mutating func drainAnswer(choice: Int, at streamOffset: Int?, into out: inout [StreamItem]) {
    guard !framerEvents.isEmpty else { return }
    let channel = StreamChannel.answer(choice: choice)
    let events = framerEvents
    framerEvents.removeAll(keepingCapacity: true)
    for event in events {
      switch event {
      case .started(let started):
        out.append(.started(ActionStart(channel: channel, streamOffset: streamOffset ?? started.readyAt - 1,
                                        textOffset: started.offset, type: started.type, keys: started.keys)))
      case .value(let framed):
        commit(framed, channel: channel, at: streamOffset ?? framed.range.upperBound - 1, into: &out)
      case .diagnostic(let diagnostic):
        noteFramerDiagnostic(diagnostic, channel: channel, at: streamOffset ?? diagnostic.offset, into: &out)
      }
    }
  }

  /// Reports a framer's error; a `json.truncated` marks the stream as cut inside a value.
  mutating func noteFramerDiagnostic(_ diagnostic: FramerDiagnostic, channel: StreamChannel, at streamOffset: Int,
                                     into out: inout [StreamItem])
  {
    if diagnostic.code == .truncated && cut == nil { cut = channel }
    report(StreamDiagnostic(diagnostic, channel: channel, streamOffset: streamOffset), into: &out)
  }

  /// Finishes every answer framer, in the order the choices started: a value still
  /// tentative (a top-level number) completes, a value in progress is `json.truncated`.
  mutating func finishAnswers(into out: inout [StreamItem]) {
    for choice in answerOrder where answers[choice]?.framer != nil {
      answers[choice]!.framer!.finish(into: &framerEvents)
      drainAnswer(choice: choice, at: readsText ? nil : bytesFed, into: &out)
    }
  }
}
