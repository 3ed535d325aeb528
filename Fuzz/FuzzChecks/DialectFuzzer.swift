import SlateStream
import SlateJSON
import SlateSSE
import SlateTestSupport

/// fuzz-dialect's input: one control byte, then an SSE stream.
///
///     byte 0   dialect: byte % 5 → openai-chat, openai-responses, anthropic, gemini, auto;
///              byte / 5, bit 0: 0 dispatches an event left open at the end of the stream
///              (flushOnEOF, as the recordings need), 1 discards it;
///              byte / 10: seed of the SSE chunk sizes (1…17 bytes)
///     bytes 1… the SSE stream; offsets count from its first byte
///
/// Control bytes 0…4 are the five dialects with flushing: the seeds are the recordings
/// behind each of them.
public struct DialectFuzzInput {
  public static let kinds: [DialectKind] = [.openaiChat, .openaiResponses, .anthropic, .gemini, .auto]

  public var kind: DialectKind
  public var flushOnEOF: Bool
  public var seed: UInt8

  public init(control: UInt8) {
    kind = Self.kinds[Int(control % 5)]
    flushOnEOF = (control / 5) & 1 == 0
    seed = control / 10
  }

  /// The control byte for `kind`, flushing, chunk seed 0.
  public static func control(_ kind: DialectKind) -> UInt8 { UInt8(kinds.firstIndex(of: kind) ?? 4) }
}

/// The properties fuzz-dialect checks, with the stream's one parser. Not thread-safe.
///
/// The SSE parser turns the stream into events (`DialectEvent(type:data:offset:end:)`),
/// the chosen dialect reads them, then `finish(at:)` the stream's length:
/// 1. No trap; the same outputs (deltas and diagnostics, in order) and the same final
///    state whether the SSE bytes arrive whole or in chunks derived from the input, the
///    events then fed to the dialect as the SSE parser dispatches them.
/// 2. Every delta's offset is the start of an event; every diagnostic's is the start of an
///    event or the end of the stream.
/// 3. The delta contract: a call key starts once; fragments and the end signal come only
///    for a started call, never after its end; at most one end per call; no empty text or
///    argument fragment.
/// 4. The final state matches the outputs: the open calls are exactly the calls started and
///    never ended; finish reports one `dialect.call_not_ended` per open call and
///    `dialect.no_terminal_event` exactly when the stream did not terminate; the finishes
///    and the first provider error are those of the deltas, the terminal event (when the
///    stream did not go on after it) the last terminal delta;
///    `StreamStatus.complete` has no open call or missing terminal reported anywhere, and no
///    block left open at the finish.
/// 5. `auto` gives exactly the outputs of the dialect it detected (but for its own
///    `dialect.undetected` diagnostic), or, undetected, no delta at all.
/// 6. The action stream over the same bytes (``ActionStreamChecks``): chunk invariance,
///    offsets within the stream, a summary that counts what was reported; and, with one
///    event (chosen by the input) made unreadable, a gap poisons its channel.
///
/// The events are built by ``events(_:flushOnEOF:ends:)`` so that a later check can feed
/// the same events (or the same bytes) through the whole action pipeline.
public final class DialectFuzzer {
  let parser = SimdjsonParser()

  public init() {}

  public func check(_ input: UnsafeRawBufferPointer) {
    guard let control = input.first else { return }
    let setup = DialectFuzzInput(control: control)
    let sse = UnsafeRawBufferPointer(rebasing: input[1...])
    var random = FuzzRandom(seed: UInt64(setup.seed))

    let events = Self.events(sse, flushOnEOF: setup.flushOnEOF, ends: [sse.count])
    let whole = DialectRun(setup.kind.makeDialect(parser: parser)!, events.map { [$0] }, end: sse.count)
    let chunked = DialectRun(setup.kind.makeDialect(parser: parser)!,
                             Self.eventsPerChunk(sse, flushOnEOF: setup.flushOnEOF,
                                                 ends: random.chunkEnds(count: sse.count, maxChunk: 17)),
                             end: sse.count)
    precondition(chunked.outputs == whole.outputs, "chunked SSE gives other dialect outputs")
    precondition(chunked.end == whole.end, "chunked SSE gives another final state")

    whole.checkContract(events)
    if setup.kind == .auto {
      checkAuto(whole, events, sse.count)
    } else {
      precondition(whole.end.kind == setup.kind, "the dialect reports another kind")
    }
    // 6. The whole action pipeline on the same bytes (ActionStreamChecks).
    ActionStreamChecks.chunkInvariance(sse, kind: setup.kind, flushOnEOF: setup.flushOnEOF,
                                       ends: random.chunkEnds(count: sse.count, maxChunk: 23))
    ActionStreamChecks.gapPoisoning(sse, kind: setup.kind, flushOnEOF: setup.flushOnEOF, event: Int(random.next() % 64),
                                    ends: random.chunkEnds(count: sse.count, maxChunk: 29))
  }

  /// Property 5.
  private func checkAuto(_ auto: DialectRun, _ events: [DialectEvent], _ end: Int) {
    guard auto.end.kind != .auto else {
      precondition(auto.outputs.allSatisfy { $0.delta == nil }, "undetected auto produced deltas")
      precondition(auto.outputs.contains { $0.diagnostic?.code == .undetectedDialect }, "undetected auto did not say so")
      return
    }
    let explicit = DialectRun(auto.end.kind.makeDialect(parser: parser)!, events.map { [$0] }, end: end)
    let own = auto.outputs.filter { $0.diagnostic?.code != .undetectedDialect }
    precondition(own == explicit.outputs, "auto's outputs differ from those of the dialect it detected")
    precondition(auto.end == explicit.end, "auto's final state differs from that of the dialect it detected")
  }

  /// The events of an SSE stream cut at `ends`, as dialects read them.
  public static func events(_ sse: UnsafeRawBufferPointer, flushOnEOF: Bool, ends: [Int]) -> [DialectEvent] {
    eventsPerChunk(sse, flushOnEOF: flushOnEOF, ends: ends).flatMap { $0 }
  }

  /// The events each chunk (then the end of the stream) completed.
  static func eventsPerChunk(_ sse: UnsafeRawBufferPointer, flushOnEOF: Bool, ends: [Int]) -> [[DialectEvent]] {
    var parser = SSEParser(options: SSEParser.Options(flushOnEOF: flushOnEOF))
    func dialectEvents(_ outputs: [SSEOutput]) -> [DialectEvent] {
      outputs.compactMap(\.event).map {
        DialectEvent(type: $0.type, data: $0.data, offset: $0.byteRange.lowerBound, end: $0.byteRange.upperBound)
      }
    }
    return sse.chunks(endingAt: ends).map { dialectEvents(parser.feed($0)) } + [dialectEvents(parser.finish())]
  }
}

/// A dialect as a push parser of events, for the verifier: the events of each chunk fed in
/// order, then `finish(at:)` the stream's end.
public struct DialectParser: ElementParser {
  public var dialect: any Dialect
  /// The raw offset where the stream ends.
  public var end: Int

  public init(_ dialect: any Dialect, end: Int) {
    self.dialect = dialect
    self.end = end
  }

  public mutating func feed(_ events: ArraySlice<DialectEvent>, into outputs: inout [DialectOutput]) {
    for event in events { dialect.feed(event, into: &outputs) }
  }

  public mutating func finish(into outputs: inout [DialectOutput]) -> DialectEnd { dialect.finish(at: end, into: &outputs) }
}

/// One dialect run through the verifier (``PushParserVerifier/run(_:elements:cuts:afterChunk:)``):
/// events fed in groups (as chunks completed them), then the finish.
public struct DialectRun {
  public var outputs: [DialectOutput]
  /// Where the outputs of `finish(at:)` begin.
  public var finishStart: Int
  public var end: DialectEnd

  /// Feeds `groups` (the events each SSE chunk completed) to `dialect` and finishes at `offset`.
  public init(_ dialect: any Dialect, _ groups: [[DialectEvent]], end offset: Int) {
    var cuts: [Int] = []
    for group in groups.dropLast() { cuts.append((cuts.last ?? 0) + group.count) }
    self.init(dialect, groups.flatMap { $0 }, cuts: cuts, end: offset)
  }

  /// Feeds `events` cut at `cuts` to `dialect` and finishes at `offset`.
  public init(_ dialect: any Dialect, _ events: [DialectEvent], cuts: [Int] = [], end offset: Int) {
    let run = PushParserVerifier.run(DialectParser(dialect, end: offset), elements: events, cuts: cuts)
    outputs = run.outputs
    finishStart = run.finishStart
    end = run.summary
  }

  public var deltas: [Delta] { outputs.compactMap(\.delta) }

  /// The outputs about tool calls, for failure messages.
  var callTrace: String {
    outputs.filter { output in
      switch output.delta?.kind {
      case .toolCallStarted?, .toolArguments?, .toolCallEnded?, .finish?: true
      default: output.diagnostic.map { $0.severity > .info } ?? false
      }
    }.map(\.description).joined(separator: "\n")
  }

  /// Properties 2 to 4.
  func checkContract(_ events: [DialectEvent]) {
    let starts = Set(events.map(\.offset))
    var started = Set<CallKey>()
    var ended = Set<CallKey>()
    var order: [CallKey] = []
    for output in outputs {
      switch output {
      case .diagnostic(let d):
        precondition(starts.contains(d.offset) || d.offset == end.offset, "diagnostic offset \(d.offset) is no event's start")
      case .delta(let delta):
        precondition(starts.contains(delta.offset), "delta offset \(delta.offset) is no event's start")
        switch delta.kind {
        case .toolCallStarted(let start):
          precondition(started.insert(start.key).inserted, "call \(start.key) started twice")
          order.append(start.key)
        case .toolArguments(let key, let text):
          precondition(started.contains(key) && !ended.contains(key), "fragment for \(key) outside its start and end")
          precondition(!text.isEmpty, "empty argument fragment for \(key)")
        case .toolCallEnded(let key):
          precondition(started.contains(key), "end of \(key) before its start")
          precondition(ended.insert(key).inserted, "call \(key) ended twice")
        case .text(let channel, let text):
          precondition(!text.isEmpty, "empty text on \(channel)")
        default:
          break
        }
      }
    }
    precondition(end.offset >= 0 && events.allSatisfy { 0 <= $0.offset && $0.offset < $0.end && $0.end <= end.offset },
                 "event offsets outside the stream")
    let open = order.filter { !ended.contains($0) }
    precondition(Set(end.openCalls) == Set(open) && end.openCalls.count == open.count,
                 "open calls \(end.openCalls) are not the calls started and never ended \(open): \(callTrace)")

    let finishing = outputs[finishStart...].compactMap(\.diagnostic).map(\.code)
    precondition(finishing.count { $0 == .callNotEnded } == end.openCalls.count, "finish reports other open calls")
    precondition(finishing.contains(.noTerminalEvent) == !end.terminated, "finish misreports the terminal event")
    precondition(end.finishes == deltas.compactMap { if case .finish(let f) = $0.kind { f } else { nil } },
                 "final finishes differ from the finish deltas")
    let errors = deltas.compactMap { if case .providerError(let e) = $0.kind { e } else { nil } }
    precondition(end.error == errors.first, "final error is not the first provider error")
    let terminals = deltas.compactMap { if case .terminal(let t) = $0.kind { t } else { nil } }
    // Nil after a terminal event when the stream went on (an Anthropic message_start after message_stop).
    precondition(end.terminal == nil || end.terminal == terminals.last, "final terminal is not the last terminal delta")
    if StreamStatus(end) == .complete {
      // An Anthropic block reported open at message_delta may still stop before message_stop.
      let cut: Set<DialectDiagnostic.Code> = [.callNotEnded, .noTerminalEvent]
      precondition(!outputs.contains { $0.diagnostic.map { cut.contains($0.code) } ?? false }
        && !finishing.contains(.blockNotStopped),
                   "a complete stream reported an open call, block or missing terminal: \(callTrace)")
    }
  }
}
