import SlateJSON

/// The answer text of one choice and how it is being framed.
struct AnswerText {
  /// Bytes of the choice's text seen so far (the text offset of the next byte).
  var length = 0
  /// The framer, once the text is known to be JSON (or framing is strict).
  var framer: JSONFramer?
  /// ``TextFraming/auto`` found prose: the text is not framed.
  var prose = false
  /// A gap cut the text: nothing more of it is framed (``ActionStream/poisonAnswer(_:at:into:)``).
  var poisoned = false
  /// Bytes of a UTF-8 byte order mark matched at the text's start and held (0 to 2), until
  /// ``bomDecided``.
  var bomSeen = 0
  /// Whether the text's first bytes have shown whether it starts with a byte order mark.
  var bomDecided = false
  /// Where the text stands with respect to a Markdown code fence (``TextFraming/auto``).
  var fence: Fence = .none

  /// A Markdown code fence around the answer's JSON (```` ```json ```` … ```` ``` ````).
  enum Fence: Equatable {
    /// No fence (yet).
    case none
    /// Backticks at the text's start (`at` the first one): three or more open a fence.
    case opening(backticks: Int, at: Int)
    /// The fence's info string (`json`), to the end of its line.
    case info
    /// Inside the fence; `lineStart` while only whitespace follows the last line feed.
    case inside(lineStart: Bool)
    /// The fence closed: nothing more of the text is framed.
    case closed
  }

  /// The UTF-8 byte order mark.
  static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
}

/// The answer text of each choice, by choice index: choices 0 to 15 (every stream seen so
/// far) at their own index of one array, any other at an index the table assigns it (past
/// 15), so the many lookups per fragment cost an index rather than a hash. O(1).
///
/// Written through `unsafeMutableAddress`, not a `_modify` coroutine: a coroutine's frame
/// here is too large for its inline buffer (the array's own access and an `AnswerText`,
/// whose framer is large), so each write through it allocated the frame on the heap, most
/// of the action stream's mallocs (scripts/callgrind.sh; 1-byte chunks the worst).
struct AnswerTable {
  private var texts: [AnswerText?] = []
  /// Where each choice outside 0..<16 is in ``texts``.
  private var otherIndex: [Int: Int] = [:]

  static let smallChoices = 16

  /// The index of `choice` in ``texts``, if it has one.
  @inline(__always)
  private func index(of choice: Int) -> Int? {
    if choice >= 0 && choice < AnswerTable.smallChoices { return choice < texts.count ? choice : nil }
    return otherIndex[choice]
  }

  /// The index of `choice` in ``texts``, made when it has none (as `nil`).
  private mutating func makeIndex(of choice: Int) -> Int {
    if let k = index(of: choice) { return k }
    if choice >= 0 && choice < AnswerTable.smallChoices {
      texts.append(contentsOf: repeatElement(nil, count: choice + 1 - texts.count))
      return choice
    }
    if texts.count < AnswerTable.smallChoices {
      texts.append(contentsOf: repeatElement(nil, count: AnswerTable.smallChoices - texts.count))
    }
    texts.append(nil)
    otherIndex[choice] = texts.count - 1
    return texts.count - 1
  }

  /// Read and written in place through the element's address (a getter would copy the
  /// whole `AnswerText`, its framer included, at every read of one of its fields), valid
  /// for the access: the table is accessed exclusively meanwhile, so `texts` is neither
  /// resized nor copied under it.
  subscript(choice: Int) -> AnswerText? {
    unsafeAddress {
      guard let k = index(of: choice) else { return UnsafePointer(AnswerTable.none) }
      return texts.withUnsafeBufferPointer { $0.baseAddress! + k }
    }
    unsafeMutableAddress {
      let k = makeIndex(of: choice)
      return texts.withUnsafeMutableBufferPointer { $0.baseAddress! + k }
    }
  }

  /// Feeds `bytes` straight to choice `choice`'s framer when its text is plainly being
  /// framed (past any byte order mark, no fence, neither prose nor cut by a gap), through
  /// one access to the table; the framer's events go to `events`. Returns false, having
  /// done nothing, in every other case (the caller takes the general path). O(bytes).
  @inline(__always)
  mutating func feedFramer(_ choice: Int, _ bytes: UnsafeRawBufferPointer, into events: inout [FramerEvent]) -> Bool {
    guard let k = index(of: choice) else { return false }
    return texts.withUnsafeMutableBufferPointer { table in
      let slot = table.baseAddress! + k
      guard slot.pointee != nil else { return false }
      // The optional's tag is read once (each `!` reads it again: about 100 instructions a fragment).
      return withUnsafeMutablePointer(to: &slot.pointee!) { text in
        guard text.pointee.bomDecided, !text.pointee.prose, !text.pointee.poisoned, case .none = text.pointee.fence,
              text.pointee.framer != nil
        else { return false }
        text.pointee.length += bytes.count
        text.pointee.framer!.feed(bytes, into: &events)
        return true
      }
    }
  }

  /// What a choice without a text reads: `nil`, never written (writes make a slot first).
  nonisolated(unsafe) private static let none = permanentNil(AnswerText.self)
}

extension ActionStream {
  /// Feeds `bytes`, the next part of choice `choice`'s answer text, carried by the event
  /// at raw offset `streamOffset` (nil for the `text` dialect, whose raw offsets are the
  /// text offsets). With ``TextFraming/auto`` the first non-whitespace byte decides
  /// between framing (`[` or `{`) and prose.
  ///
  /// A UTF-8 byte order mark at the very start of the text (`EF BB BF`, split anywhere
  /// across fragments) is skipped with one `stream.byte_order_mark` info diagnostic: the
  /// framer reads three spaces in its place, so every text offset stays that of the
  /// channel's text. Bytes that only begin one are held (at most 2) until the next byte
  /// or the end shows they do not.
  mutating func feedAnswer(choice: Int, _ bytes: UnsafeRawBufferPointer, at streamOffset: Int?,
                           into out: inout [StreamItem])
  {
    if answers.feedFramer(choice, bytes, into: &framerEvents) {  // the common case
      drainAnswer(choice: choice, at: streamOffset, into: &out)
      return
    }
    if answers[choice] == nil {
      answers[choice] = AnswerText()
      answerOrder.append(choice)
      // Its first bytes may have been in the lost event.
      if let gap = answersGap { poisonAnswer(choice, at: gap, into: &out) }
    }
    if _slowPath(!answers[choice]!.bomDecided) {
      skipByteOrderMark(choice: choice, bytes, at: streamOffset, into: &out)
    } else {
      feedAnswerText(choice: choice, bytes, at: streamOffset, into: &out)
    }
  }

  /// The text's first bytes, while they may still be a byte order mark.
  mutating func skipByteOrderMark(choice: Int, _ bytes: UnsafeRawBufferPointer, at streamOffset: Int?,
                                  into out: inout [StreamItem])
  {
    let held = answers[choice]!.bomSeen
    var seen = held
    var i = 0
    while i < bytes.count, seen < 3, bytes[i] == AnswerText.byteOrderMark[seen] {
      i += 1
      seen += 1
    }
    if seen == 3 {
      answers[choice]!.bomDecided = true
      report(StreamDiagnostic(.streamByteOrderMark, severity: .info, streamOffset: streamOffset ?? 0, textOffset: 0,
                              channel: .answer(choice: choice),
                              message: "expected the answer text to start with JSON or prose; it starts with a UTF-8 byte order mark, which is skipped"),
             into: &out)
      [UInt8](repeating: 0x20, count: 3).withUnsafeBytes { feedAnswerText(choice: choice, $0, at: streamOffset, into: &out) }
      if i < bytes.count {
        feedAnswerText(choice: choice, UnsafeRawBufferPointer(rebasing: bytes[i...]), at: streamOffset, into: &out)
      }
    } else if i == bytes.count {
      answers[choice]!.bomSeen = seen  // all a byte order mark's beginning so far: hold
    } else {
      flushByteOrderMark(choice: choice, at: streamOffset, into: &out)
      feedAnswerText(choice: choice, bytes, at: streamOffset, into: &out)
    }
  }

  /// The held bytes turned out not to be a byte order mark: they are text.
  mutating func flushByteOrderMark(choice: Int, at streamOffset: Int?, into out: inout [StreamItem]) {
    let held = answers[choice]!.bomSeen
    answers[choice]!.bomDecided = true
    answers[choice]!.bomSeen = 0
    if held > 0 {
      AnswerText.byteOrderMark[..<held].withUnsafeBytes { feedAnswerText(choice: choice, $0, at: streamOffset, into: &out) }
    }
  }

  /// The text after any byte order mark.
  mutating func feedAnswerText(choice: Int, _ bytes: UnsafeRawBufferPointer, at streamOffset: Int?,
                               into out: inout [StreamItem])
  {
    guard !answers[choice]!.prose, !answers[choice]!.poisoned else { return }
    if answers[choice]!.framer == nil {
      switch options.textFraming {
      case .none:
        answers[choice]!.prose = true
        return
      case .framed(.value):
        // Framed from the first non-whitespace byte, so a text of only whitespace has no
        // value (`json.no_value` at the end) rather than a value cut short.
        guard let first = bytes.firstIndex(where: { !PayloadDecoder.isWhitespace($0) }) else {
          answers[choice]!.length += bytes.count
          return
        }
        var framer = makeFramer(.value, announcing: true)
        let leading = answers[choice]!.length + first
        if leading > 0 { framer.feed([UInt8](repeating: 0x20, count: leading), into: &framerEvents) }
        answers[choice]!.framer = framer
        answers[choice]!.length += first
        feedFramed(choice: choice, UnsafeRawBufferPointer(rebasing: bytes[first...]), at: streamOffset, into: &out)
        return
      case .framed(let framing):
        answers[choice]!.framer = makeFramer(framing, announcing: true)
      case .auto:
        decideAuto(choice: choice, bytes, at: streamOffset, into: &out)
        return
      }
    }
    feedFramed(choice: choice, bytes, at: streamOffset, into: &out)
  }

  /// ``TextFraming/auto`` before the framing is decided: whitespace, then `[` or `{`
  /// frames, a Markdown code fence (three or more backticks and an info string such as
  /// `json`, to the end of the line) is skipped and its content decided the same way,
  /// anything else is prose (`stream.prose_text`). The framer reads spaces for every byte
  /// before the value, so its offsets are the channel's text offsets.
  mutating func decideAuto(choice: Int, _ bytes: UnsafeRawBufferPointer, at streamOffset: Int?,
                           into out: inout [StreamItem])
  {
    var i = 0
    while i < bytes.count {
      let byte = bytes[i]
      switch answers[choice]!.fence {
      case .none, .inside:
        if PayloadDecoder.isWhitespace(byte) { break }
        if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") {
          let leading = answers[choice]!.length + i
          var framer = makeFramer(.auto, announcing: true)
          if leading > 0 { framer.feed([UInt8](repeating: 0x20, count: leading), into: &framerEvents) }
          answers[choice]!.framer = framer
          answers[choice]!.length += i
          feedFramed(choice: choice, UnsafeRawBufferPointer(rebasing: bytes[i...]), at: streamOffset, into: &out)
          return
        }
        if byte == UInt8(ascii: "`"), answers[choice]!.fence == .none {
          answers[choice]!.fence = .opening(backticks: 1, at: answers[choice]!.length + i)
          break
        }
        if byte == UInt8(ascii: "`") {  // an empty fenced block: nothing to frame
          answers[choice]!.fence = .closed
          answers[choice]!.length += bytes.count
          return
        }
        markProse(choice: choice, at: answers[choice]!.length + i, byte, streamOffset, into: &out)
        return
      case .opening(let backticks, let at):
        if byte == UInt8(ascii: "`") {
          answers[choice]!.fence = .opening(backticks: backticks + 1, at: at)
        } else if backticks >= 3 {
          answers[choice]!.fence = byte == 0x0A ? .inside(lineStart: true) : .info
        } else {
          markProse(choice: choice, at: at, UInt8(ascii: "`"), streamOffset, into: &out)
          return
        }
      case .info:
        if byte == 0x0A { answers[choice]!.fence = .inside(lineStart: true) }
      case .closed:
        answers[choice]!.length += bytes.count
        return
      }
      i += 1
    }
    answers[choice]!.length += bytes.count
  }

  /// ``TextFraming/auto`` found prose at text offset `offset` (its first byte `byte`).
  mutating func markProse(choice: Int, at offset: Int, _ byte: UInt8, _ streamOffset: Int?, into out: inout [StreamItem]) {
    answers[choice]!.prose = true
    report(StreamDiagnostic(.streamProseText, severity: .info, streamOffset: streamOffset ?? offset, textOffset: offset,
                            channel: .answer(choice: choice),
                            message: "expected '[' or '{' to start JSON actions, found \(JSONFramer.describe(byte)); the answer text is prose and is not framed"),
           into: &out)
  }

  /// Feeds the framer. Inside a code fence, a backtick at the start of a line (where JSON
  /// can only have whitespace outside its strings) closes the fence: the framer reads up to
  /// it, and what follows the fence is not framed.
  mutating func feedFramed(choice: Int, _ bytes: UnsafeRawBufferPointer, at streamOffset: Int?,
                           into out: inout [StreamItem])
  {
    answers[choice]!.length += bytes.count
    var end = bytes.count
    switch answers[choice]!.fence {
    case .none: break
    case .inside(var lineStart):
      for k in 0..<bytes.count {
        let byte = bytes[k]
        if byte == 0x0A {
          lineStart = true
        } else if byte == UInt8(ascii: "`") && lineStart {
          end = k
          break
        } else if byte != 0x20 && byte != 0x09 && byte != 0x0D {
          lineStart = false
        }
      }
      answers[choice]!.fence = end < bytes.count ? .closed : .inside(lineStart: lineStart)
    case .closed: return
    case .opening, .info: break  // never with a framer
    }
    answers[choice]!.framer!.feed(UnsafeRawBufferPointer(rebasing: bytes[..<end]), into: &framerEvents)
    drainAnswer(choice: choice, at: streamOffset, into: &out)
  }

  /// A gap at raw offset `offset` may have cut choice `choice`'s text: the value in
  /// progress is dropped and nothing more of the text is framed, with one `stream.gap`
  /// error. Prose and a framer already stopped by an error are left as they are.
  mutating func poisonAnswer(_ choice: Int, at offset: Int, into out: inout [StreamItem]) {
    guard let answer = answers[choice], !answer.prose, !answer.poisoned, answer.framer?.status != .failed else { return }
    answers[choice]!.poisoned = true
    answers[choice]!.framer = nil
    let channel = StreamChannel.answer(choice: choice)
    report(StreamDiagnostic(.streamGap, severity: .error, streamOffset: offset, textOffset: answer.length, channel: channel,
                            message: "expected \(channel)'s text to continue across the event at byte \(offset), which could not be read; the value in progress is dropped and nothing more of this text is framed"),
           into: &out)
  }

  /// A framer reading with this stream's limits and parser.
  func makeFramer(_ framing: Framing, announcing: Bool) -> JSONFramer {
    JSONFramer(framing: framing, limits: options.framerLimits,
               announcements: announcing ? options.announcements : nil, parser: valueParser, form: options.valueForm)
  }

  /// Turns the answer framer's events into items. `streamOffset` nil means raw offsets are
  /// text offsets (`text` dialect): a value is placed at its last byte, a diagnostic at
  /// its offending byte, an announcement at the last byte of the member completing it.
  mutating func drainAnswer(choice: Int, at streamOffset: Int?, into out: inout [StreamItem]) {
    guard !framerEvents.isEmpty else { return }
    let channel = StreamChannel.answer(choice: choice)
    // Read in place (a copy of the array would make the emptying below allocate a new
    // buffer at every drain); nothing here feeds a framer.
    defer { framerEvents.empty() }
    for k in framerEvents.indices {
      switch framerEvents[k] {
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
    if diagnostic.code == .jsonTruncated && cut == nil { cut = channel }
    report(StreamDiagnostic(diagnostic, channel: channel, streamOffset: streamOffset), into: &out)
  }

  /// Finishes every answer framer, in the order the choices started: a value still
  /// tentative (a top-level number) completes, a value in progress is `json.truncated`.
  mutating func finishAnswers(into out: inout [StreamItem]) {
    for choice in answerOrder where answers[choice]?.bomDecided == false {
      flushByteOrderMark(choice: choice, at: readsText ? nil : bytesFed, into: &out)
    }
    for choice in answerOrder where answers[choice]?.framer != nil {  // nil when prose or cut by a gap
      answers[choice]!.framer!.finish(into: &framerEvents)
      drainAnswer(choice: choice, at: readsText ? nil : bytesFed, into: &out)
      if let framer = answers[choice]!.framer, framer.status == .complete, framer.valuesFramed == 0 {
        reportNoValue(choice: choice, textOffset: framer.bytesFed, into: &out)
      }
    }
    for choice in answerOrder where answers[choice]!.framer == nil && !answers[choice]!.poisoned && !answers[choice]!.prose {
      reportNoValue(choice: choice, textOffset: answers[choice]!.length, into: &out)  // an empty text
    }
    if readsText, answers[0] == nil { reportNoValue(choice: 0, textOffset: 0, into: &out) }
  }

  /// ``TextFraming/framed(_:)`` `value` on a text that holds no value (empty, or only
  /// whitespace): `json.no_value`, an error, rather than a clean empty stream.
  mutating func reportNoValue(choice: Int, textOffset: Int, into out: inout [StreamItem]) {
    guard case .framed(.value) = options.textFraming else { return }
    report(StreamDiagnostic(code: "json.no_value", severity: .error, streamOffset: readsText ? textOffset : bytesFed,
                            textOffset: textOffset, channel: .answer(choice: choice),
                            message: "expected one JSON value in the answer text (--framing value); the text ended with none"),
           into: &out)
  }
}
