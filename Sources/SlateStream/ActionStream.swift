import SlateJSON
import SlateSSE

/// The action stream: raw provider bytes in, committed values (action candidates) out,
/// with a precise status for every way the stream can end.
///
/// ```
/// bytes ─▶ SSEParser ─▶ Dialect ─▶ answer text ─▶ one JSONFramer per choice ─▶ values
///                                  tool calls  ─▶ one JSONFramer per call   ─▶ values at the end signal
/// ```
///
/// Contract:
/// - ``feed(_:into:)`` takes the next chunk of raw bytes, split anywhere, and appends what
///   it completed; ``finish(into:)`` ends the input, reports what is still open and returns
///   the ``StreamSummary`` (also appended as the last item, ``StreamItem/end(_:)``). The
///   items, offsets included, do not depend on how the input was chunked (deltas aside:
///   a text delta carries what one event or chunk carried).
/// - Answer text (``Channel/Kind/answer``; refusal, reasoning and signatures are never
///   framed) of each choice goes through one framer in ``ActionStreamOptions/textFraming``;
///   each value is committed the moment its last byte arrives.
/// - Each tool call gets its own framer in `value` framing; its value is an action named
///   after the tool, committed only at the call's end signal and only when nothing but
///   whitespace trails it. A call whose arguments are empty (or only whitespace) commits
///   `{}`, as providers define for tools without parameters.
/// - Each event payload is parsed once by simdjson, and each committed value once more
///   (its bytes, by the same reused parser).
/// - Bad input never traps: each layer's findings become ``StreamDiagnostic``s; a framer
///   that met an error stops (its channel's values before the error stand).
///
/// Gaps: an event that may have carried content and could not be read (its data not JSON,
/// or discarded by the SSE layer past a limit) is a ``Delta/Kind/gap(_:)``. The channels it
/// may have cut are poisoned: the value in progress is never emitted, and nothing more on
/// the channel is framed, not even values that start after the gap (a framer cannot prove
/// where a value boundary lies in text it has not seen whole: a lost `},{` or `\n` would
/// join two values, a lost `[` turns elements into a sequence). Each poisoned channel is
/// one `stream.gap` error at the gap's raw offset, and the status is ``StreamStatus/gap(at:)``.
/// With ``GapScope/any`` (every dialect's unreadable event) that is every answer text, the
/// ones that start later included (their first bytes may have been lost), and every call
/// open at the gap; calls that start after it are framed as usual (their start is an event
/// of its own), except those the dialect names with ``GapScope/call(_:)``. Values
/// committed before the gap stand. An event cut off by the end of the input is not a gap
/// but a truncation (nothing follows it).
///
/// Status: the dialect's ``StreamStatus``, except that when a framer was cut inside a
/// value, ``TruncationReason/cutInsideValue(_:)`` replaces the dialect's own truncation
/// reason (a provider error or a truncating finish reason still wins).
///
/// Complexity: O(1) amortised per raw byte beyond the SSE, dialect and framer costs (each
/// O(bytes)); memory: the SSE parser's line, one event, and each open framer's value in
/// progress. Not `Sendable`: one task owns one stream (see ``ActionStreamSequence``).
public struct ActionStream {
  public let options: ActionStreamOptions

  /// Where the stream is.
  @usableFromInline
  enum State {
    /// `auto`: holding the first bytes until they tell SSE from plain text.
    case detecting
    /// Reading SSE events through a dialect.
    case events
    /// The bytes are the answer text itself (`text` dialect).
    case text
    /// ``finish(into:)`` was called.
    case finished
  }

  @usableFromInline var state: State
  @usableFromInline var sse: SSEParser
  var dialect: (any EventDialect)?
  /// `dialect` is an ``AutoDialect`` that has not detected yet: after each event it is
  /// replaced by the dialect it detects (which it would only forward to).
  var awaitsDetection = false
  /// Parses each event's payload; the dialects' text and argument spans point into its
  /// document until the next event.
  let parser: SimdjsonParser
  /// Parses the framers' committed values (a parser of their own, so that a value
  /// committed in the middle of an event leaves that event's spans intact).
  let valueParser: SimdjsonParser
  /// Bytes held while detecting the input format.
  var held: [UInt8] = []
  /// Raw bytes received.
  @usableFromInline var bytesFed = 0
  /// Whether the bytes are the answer text itself (`text`, or `auto` that found no SSE).
  var readsText = false

  var answers = AnswerTable()
  /// Choices in the order their text started (for a deterministic finish).
  var answerOrder: [Int] = []
  var calls: [CallKey: OpenCall] = [:]
  /// Calls started so far (each call's ordinal).
  var callsStarted = 0
  /// Raw offset of the first gap of unknown scope: from there on every answer text is cut.
  var answersGap: Int?
  /// Calls past ``ActionStreamOptions/maxOpenCalls``: their fragments are ignored.
  var skippedCalls: Set<CallKey> = []
  /// `text` dialect: the last bytes (at most 3), to tell a cut inside a UTF-8 sequence.
  var textTail = TextTail()

  var committed = 0
  var tooManyReported = false
  var valuesBeforeError: Int?
  /// The first channel whose framer the input cut inside a value.
  var cut: StreamChannel?
  var diagnostics = 0
  var errors = 0
  /// The summary ``finish(into:)`` returned.
  var summary: StreamSummary?

  // Scratch buffers, reused across events.
  @usableFromInline var sseOutputs = SSEEventBatch()
  var dialectOutputs = DialectOutputs()
  var framerEvents: [FramerEvent] = []
  /// The bytes of this `feed` call's delta texts (``DeltaBytes``), and whether a new call
  /// has begun since the last one was written (then it is reused only if no delta holds it).
  var deltaBytes = DeltaBytes()
  var deltaBytesSealed = true

  public init(options: ActionStreamOptions = .default) {
    self.options = options
    self.parser = SimdjsonParser(limits: options.framerLimits.parserLimits)
    self.valueParser = SimdjsonParser(limits: options.framerLimits.parserLimits)
    self.sse = SSEParser(options: options.sse)
    // Each payload is parsed by simdjson, which validates its UTF-8: the SSE layer's own
    // check of every event's data is left to the dialect (``readRepaired(_:into:)``).
    sseOutputs.defersUTF8Check = true
    switch options.dialect {
    case .auto: state = .detecting
    case .text:
      state = .text
      readsText = true
    default:
      state = .events
      dialect = options.dialect.makeEventDialect(parser: parser)
      awaitsDetection = options.dialect == .auto
    }
  }

  /// The dialect reading the stream: the one asked for, the one `auto` detected, or `auto`
  /// while undecided.
  public var dialectKind: DialectKind { Self.dialectKind(readsText: readsText, dialect: dialect, options: options) }

  /// ``dialectKind`` from the fields it reads: `finish` calls this rather than the getter,
  /// which made the whole stream copied (every stored reference retained, then released)
  /// to read three fields of it.
  static func dialectKind(readsText: Bool, dialect: (any EventDialect)?, options: ActionStreamOptions) -> DialectKind {
    readsText ? .text : dialect?.kind ?? options.dialect
  }

  /// Values committed so far.
  public var valuesCommitted: Int { committed }

  // MARK: Input

  /// Reads the next chunk of raw bytes and appends what it completed. Ignored after
  /// ``finish(into:)``. O(bytes) plus the payloads and values it completes.
  ///
  /// Inlinable: a chunk of an event stream goes to the SSE parser from the caller's code,
  /// and a byte that only continues the line in progress (most chunks of one byte, on a slow
  /// link) is buffered there, with no call (``SSEParser``'s `feed(_:batch:)`).
  @inlinable
  public mutating func feed(_ bytes: UnsafeRawBufferPointer, into out: inout [StreamItem]) {
    guard case .events = state else { return feedBeforeOrOutsideEvents(bytes, into: &out) }
    bytesFed &+= bytes.count  // a buffer's count: never near Int.max
    // Most small chunks complete no event: then nothing is routed.
    if sse.feed(bytes, batch: &sseOutputs) { routeSSE(chunk: bytes, into: &out) }
  }

  /// ``feed(_:into:)`` in every state but reading events.
  @usableFromInline
  mutating func feedBeforeOrOutsideEvents(_ bytes: UnsafeRawBufferPointer, into out: inout [StreamItem]) {
    switch state {
    case .detecting:
      bytesFed += bytes.count
      // A first chunk that decides on its own (the usual case) is read where it lies: no
      // copy of it is held, so the events whose data lies in it are parsed in place.
      if held.isEmpty, let format = Self.inputFormat(of: bytes, held: bytes.count) {
        decide(format, feeding: bytes, into: &out)
        return
      }
      held.append(contentsOf: bytes)
      guard let format = Self.inputFormat(of: held, held: held.count) else { return }
      let bytes = held
      held = []
      bytes.withUnsafeBytes { decide(format, feeding: $0, into: &out) }
    case .events:
      bytesFed += bytes.count
      feedEvents(bytes, into: &out)
    case .text:
      bytesFed += bytes.count
      feedRawText(bytes, into: &out)
    case .finished:
      return
    }
  }

  /// The input format of the first `count` bytes (`prefix`), nil while undecided: only blank
  /// lines (or a BOM) so far. They are valid SSE, so past a few KiB of them the input is
  /// taken for SSE rather than held without bound.
  @inline(__always)
  static func inputFormat(of prefix: some Collection<UInt8>, held count: Int) -> DialectDetector.InputFormat? {
    DialectDetector.inputFormat(of: prefix, atEnd: false) ?? (count > 4096 ? .eventStream : nil)
  }

  /// The detected input format: start the matching path and give it `bytes`, every byte
  /// received so far (the held ones, or the first chunk itself).
  mutating func decide(_ format: DialectDetector.InputFormat, feeding bytes: UnsafeRawBufferPointer,
                       into out: inout [StreamItem])
  {
    switch format {
    case .text:
      state = .text
      readsText = true
      feedRawText(bytes, into: &out)
    case .eventStream:
      state = .events
      dialect = DialectKind.auto.makeEventDialect(parser: parser)
      awaitsDetection = true
      feedEvents(bytes, into: &out)
    }
  }

  @inline(__always)
  mutating func feedEvents(_ bytes: UnsafeRawBufferPointer, into out: inout [StreamItem]) {
    // Most small chunks complete no event: then nothing is routed.
    if sse.feed(bytes, batch: &sseOutputs) { routeSSE(chunk: bytes, into: &out) }
  }

  /// Hands the SSE parser's outputs to the dialect, and the dialect's to the framers.
  /// `chunk` is the chunk just fed (an event whose data lies in it with enough of it
  /// following is parsed in place), empty at the end of the input.
  @usableFromInline
  mutating func routeSSE(chunk: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
                         into out: inout [StreamItem])
  {
    guard !sseOutputs.isEmpty else { return }
    deltaBytesSealed = true  // one routing per `feed` call: its deltas' texts start afresh
    // Taken out of `self` while it is routed (no copy), and given back emptied, its storage kept.
    var batch = SSEEventBatch()
    swap(&batch, &sseOutputs)
    defer {
      batch.removeAll()
      swap(&batch, &sseOutputs)
    }
    // The batch's buffers are lent once for all its events (not once per event).
    batch.withContents { contents in
      for item in batch.items {
        switch item {
        case .event(let type, let data, let range, let checked):
          let (type, data) = contents.event(type, data)
          let event = EventBytes(type: type, data: data, offset: range.lowerBound, end: range.upperBound,
                                 readableAfter: ActionStream.readable(after: data, in: chunk), utf8Checked: checked)
          if dialect?.read(event, into: &dialectOutputs) == false { readRepaired(event, into: &out) }
          if awaitsDetection { takeDetectedDialect() }
          routeDialect(into: &out)
        case .output(.diagnostic(let diagnostic)):
          report(StreamDiagnostic(diagnostic), into: &out)
          if diagnostic.discardsEvent {
            dialect?.lost(at: diagnostic.offset, into: &dialectOutputs)
            routeDialect(into: &out)
          }
        case .output:
          break  // keep-alives carry nothing
        }
      }
    }
  }

  /// An event whose data the dialect refused as not UTF-8 (the SSE layer left the check to
  /// the stream: ``SSEEventBatch/defersUTF8Check``): reported and decoded as the SSE layer
  /// does (``SSEParser``'s WHATWG decoding: `sse.invalid_utf8`, then the data with U+FFFD
  /// for each invalid sequence), then read. Rare: out of line.
  @inline(never)
  mutating func readRepaired(_ event: EventBytes, into out: inout [StreamItem]) {
    report(StreamDiagnostic(SSEDiagnostic.invalidUTF8(byteRange: event.offset..<event.end)), into: &out)
    var repaired = String(decoding: event.data.assumingMemoryBound(to: UInt8.self), as: UTF8.self)
    repaired.withUTF8 {
      _ = dialect?.read(EventBytes(type: event.nameBytes, data: UnsafeRawBufferPointer($0), offset: event.offset,
                                   end: event.end), into: &dialectOutputs)
    }
  }

  /// Replaces the ``AutoDialect`` by the dialect it detected, once it has.
  mutating func takeDetectedDialect() {
    guard let detected = dialect?.settled else { return }
    dialect = detected
    awaitsDetection = false
  }

  /// The bytes of `chunk` past the end of `data` when `data` lies in `chunk`, else 0.
  @inline(__always)
  static func readable(after data: UnsafeRawBufferPointer, in chunk: UnsafeRawBufferPointer) -> Int {
    guard let start = data.baseAddress, let base = chunk.baseAddress, start >= base else { return 0 }
    let end = start + data.count
    let chunkEnd = base + chunk.count
    return end <= chunkEnd ? chunkEnd - end : 0
  }

  /// Routes the dialect's outputs for one event: text and argument fragments go to the
  /// framers as the payload's bytes (a ``Delta`` with its `String` is built only when
  /// ``ActionStreamOptions/emitsDeltas`` asks for it).
  mutating func routeDialect(into out: inout [StreamItem]) {
    guard !dialectOutputs.isEmpty else { return }
    var outputs = DialectOutputs()
    swap(&outputs, &dialectOutputs)
    defer {
      outputs.removeAll()
      swap(&outputs, &dialectOutputs)
    }
    // By index: an iterator would hold (retain and release) the items' buffer per event.
    for k in 0..<outputs.items.count {
      switch outputs.items[k] {
      case .text(let kind, let choice, let part, let bytes, let offset):
        if options.emitsDeltas {
          out.append(.delta(Delta(.text(outputs.channel(kind, choice: choice, part: part), deltaText(bytes)), offset: offset)))
        }
        if kind == .answer { feedAnswer(choice: choice, bytes, at: offset, into: &out) }
      case .arguments(let key, let bytes, let offset):
        let key = outputs.key(key)
        if options.emitsDeltas { out.append(.delta(Delta(.toolArguments(key, deltaText(bytes)), offset: offset))) }
        feedCall(key, bytes, at: offset, into: &out)
      case .output(let k):
        switch outputs.output(k) {
        case .diagnostic(let diagnostic):
          report(StreamDiagnostic(diagnostic), into: &out)
        case .delta(let delta):
          if options.emitsDeltas { out.append(.delta(delta)) }
          route(delta, into: &out)
        }
      }
    }
  }

  /// A delta's text for `fragment` (a payload's bytes, valid for this event only): copied
  /// into this `feed` call's buffer, no allocation of its own. The buffer of an earlier
  /// call is written again only when no delta holds it. O(fragment) amortised.
  mutating func deltaText(_ fragment: UnsafeRawBufferPointer) -> DeltaText {
    if deltaBytesSealed {
      deltaBytesSealed = false
      if isKnownUniquelyReferenced(&deltaBytes) {
        deltaBytes.removeAll(keepingCapacity: deltaBytes.capacity <= 1 << 16)
      } else {
        deltaBytes = DeltaBytes(capacity: min(deltaBytes.count, 1 << 16))
      }
    }
    return deltaBytes.text(fragment)
  }

  /// Acts on one delta a dialect built (fragments it held, or kept past their payload).
  mutating func route(_ delta: Delta, into out: inout [StreamItem]) {
    switch delta.kind {
    case .text(let channel, let text) where channel.kind == .answer:
      text.withUTF8 { feedAnswer(choice: channel.choice, $0, at: delta.offset, into: &out) }
    case .toolCallStarted(let start):
      startCall(start, at: delta.offset, into: &out)
    case .toolArguments(let key, let text):
      text.withUTF8 { feedCall(key, $0, at: delta.offset, into: &out) }
    case .toolCallEnded(let key):
      endCall(key, at: delta.offset, into: &out)
    case .providerError:
      if valuesBeforeError == nil { valuesBeforeError = committed }
    case .gap(.any):
      poisonAll(at: delta.offset, into: &out)
    case .gap(.call(let key)):
      poisonCall(key, at: delta.offset, into: &out)
    default:
      break
    }
  }

  /// `text` dialect: the raw bytes are choice 0's answer text.
  mutating func feedRawText(_ bytes: UnsafeRawBufferPointer, into out: inout [StreamItem]) {
    textTail.append(bytes)
    feedAnswer(choice: 0, bytes, at: nil, into: &out)
  }

  // MARK: End

  /// Ends the input: flushes the SSE parser and the dialect, reports every call still
  /// open and every framer cut inside a value, and returns the summary (also appended as
  /// ``StreamItem/end(_:)``). Calling it again appends nothing and returns the same
  /// summary.
  @discardableResult
  public mutating func finish(into out: inout [StreamItem]) -> StreamSummary {
    if let summary { return summary }
    if case .detecting = state {
      let bytes = held
      held = []
      let format = DialectDetector.inputFormat(of: bytes, atEnd: true) ?? .text
      bytes.withUnsafeBytes { decide(format, feeding: $0, into: &out) }
    }
    var end: DialectEnd
    switch state {
    case .events:
      sse.finish(batch: &sseOutputs)
      routeSSE(into: &out)
      end = dialect!.finish(at: bytesFed, into: &dialectOutputs)
      routeDialect(into: &out)
    case .text:
      let cutUTF8 = textTail.bytes.withUnsafeBytes { TextDialect.incompleteTail($0) } > 0
      end = DialectEnd(kind: .text, terminated: true, cutInsideUTF8: cutUTF8, offset: bytesFed)
    case .detecting, .finished:
      end = DialectEnd(kind: Self.dialectKind(readsText: readsText, dialect: dialect, options: options), terminated: false,
                       offset: bytesFed)
    }
    finishCalls(openFirst: end.openCalls, into: &out)
    finishAnswers(into: &out)
    let kind = Self.dialectKind(readsText: readsText, dialect: dialect, options: options)
    state = .finished
    let summary = StreamSummary(
      status: Self.status(end, cut: cut), dialect: kind, values: committed, diagnostics: diagnostics, errors: errors,
      finishes: end.finishes, terminal: end.terminal, providerError: end.error, valuesBeforeError: valuesBeforeError,
      bytes: bytesFed)
    out.append(.end(summary))
    self.summary = summary
    return summary
  }

  /// The dialect's status, with a cut inside a value as the truncation reason unless the
  /// provider failed or stopped on a limit.
  static func status(_ end: DialectEnd, cut: StreamChannel?) -> StreamStatus {
    let status = StreamStatus(end)
    guard let cut else { return status }
    switch status {
    case .failed, .truncated(.finishReason): return status
    default: return .truncated(.cutInsideValue(cut))
    }
  }

  // MARK: Output

  mutating func report(_ diagnostic: StreamDiagnostic, into out: inout [StreamItem]) {
    diagnostics += 1
    if diagnostic.severity == .error { errors += 1 }
    out.append(.diagnostic(diagnostic))
  }

  /// Commits a value unless the stream has reached ``ActionStreamOptions/maxActions``.
  mutating func commit(_ framed: FramedValue, channel: StreamChannel, at streamOffset: Int, call: ToolCallStart? = nil,
                       into out: inout [StreamItem])
  {
    guard framed.value != nil || framed.document != nil else { return }
    guard committed < options.maxActions else {
      if !tooManyReported {
        tooManyReported = true
        report(StreamDiagnostic(.streamTooManyActions, severity: .error, streamOffset: streamOffset,
                                textOffset: framed.range.lowerBound, channel: channel,
                                message: "expected at most \(options.maxActions) actions in one stream; further values are dropped"),
               into: &out)
      }
      return
    }
    if let document = framed.document {
      out.append(.value(StreamValue(index: committed, channel: channel, streamOffset: streamOffset, textRange: framed.range,
                                    bytes: framed.bytes, document: document, toolName: call?.name, callId: call?.callId)))
    } else if let value = framed.value {
      out.append(.value(StreamValue(index: committed, channel: channel, streamOffset: streamOffset, textRange: framed.range,
                                    bytes: framed.bytes, value: value, toolName: call?.name, callId: call?.callId)))
    }
    committed += 1
  }
}
