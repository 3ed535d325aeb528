import SlateJSON

/// `--dialect auto` over events: detects the dialect from the first events
/// (``DialectDetector/kind(eventName:payload:)``; a first `[DONE]` means Chat Completions),
/// then hands every event, the first ones included, to that dialect.
///
/// Events that reveal nothing (invalid or ambiguous payloads) are held until one does;
/// after ``maxPendingEvents`` of them it falls back to Chat Completions, the most common
/// dialect, with `dialect.undetected`. A stream that ends undetected reports
/// `dialect.undetected` and has no terminal event. Each payload is parsed once, and the
/// outputs (decoding diagnostics included) come in the order the detected dialect alone
/// would give them.
/// Complexity: that of the detected dialect, plus O(held events) memory before detection.
public struct AutoDialect: EventDialect {
  /// Events held at most before falling back to Chat Completions.
  public static let maxPendingEvents = 32

  /// `auto` until detection, then the detected dialect.
  public private(set) var kind: DialectKind = .auto

  private let payloads: PayloadDecoder
  private var detected: (any PayloadDialect)?
  /// Events held before detection, each with what decoding it reported (replayed in order).
  private var pending: [Held] = []

  private enum Held {
    case event(DialectEvent, KeptPayload, decoding: DialectOutputs)
    /// An event the SSE layer discarded, at this offset.
    case lost(Int)
  }

  public init(parser: SimdjsonParser = SimdjsonParser()) {
    payloads = PayloadDecoder(parser: parser)
  }

  /// The detected dialect, once detection has handed it every held event: from then on
  /// this reader only forwards to it, so a caller may read through it directly
  /// (``ActionStream`` does, saving a dispatch per event).
  var settled: (any EventDialect)? { pending.isEmpty ? detected : nil }

  mutating func read(_ event: EventBytes, into out: inout DialectOutputs) -> Bool {
    var failure: JSONParseError?
    guard let decoded = payloads.decodeQuietly(event, failure: &failure) else { return false }  // not UTF-8: nothing done
    if detected != nil {
      detected!.confirmLoss(into: &out)
      detected!.route(event, payloads.report(decoded, failure: failure, of: event, into: &out), into: &out)
      return true
    }
    var decoding = DialectOutputs()
    let payload = payloads.report(decoded, failure: failure, of: event, into: &decoding)
    let found: DialectKind? = switch payload {
    case .done: .openaiChat
    case .json(let value): DialectDetector.kind(eventName: event.name, payload: value)
    case .invalid, .unreadable: DialectDetector.kind(eventName: event.name, payload: nil)
    }
    if let found {
      // The revealing event is read in place; only the events held before it were copied.
      adopt(found, into: &out)
      detected!.confirmLoss(into: &out)
      out += decoding
      detected!.route(event, payload, into: &out)
      return true
    }
    pending.append(.event(event.owned, KeptPayload(payload), decoding: decoding))
    if pending.count >= AutoDialect.maxPendingEvents {
      out.report(.undetectedDialect, at: event.offset,
                 "expected one of the first \(AutoDialect.maxPendingEvents) events to reveal the dialect; none did (reading them as openai-chat)")
      adopt(.openaiChat, into: &out)
    }
    return true
  }

  /// Before detection the lost event is held in its place, then given to the detected dialect.
  mutating func lost(at offset: Int, into out: inout DialectOutputs) {
    if detected != nil { detected!.lost(at: offset, into: &out) } else { pending.append(.lost(offset)) }
  }

  mutating func finish(at offset: Int, into out: inout DialectOutputs) -> DialectEnd {
    if detected != nil { return detected!.finish(at: offset, into: &out) }
    // Undetected: a held loss (an unreadable event other than the provider's `error`, or
    // one the SSE layer discarded) that another event follows is a gap, as in any dialect:
    // whichever dialect it was, the event may have carried content. It fails the stream
    // (``DialectEnd/gap``); no delta, as an undetected stream emits none (no channel is
    // open to poison).
    var outcome = Outcome()
    var loss = PendingLoss()
    for held in pending {
      if let offset = loss.confirm(), outcome.gap == nil { outcome.gap = offset }
      switch held {
      case .event(let event, let payload, let decoding):
        out += decoding
        if payload.withPayload({ payload in event.withBytes { PendingLoss.isLoss($0, payload) } }) { loss.hold(at: event.offset) }
      case .lost(let lost):
        loss.hold(at: lost)
      }
    }
    out.report(.undetectedDialect, at: offset,
               "expected an event that reveals the dialect; the input ended after \(pending.count) event(s) that did not")
    return outcome.end(.auto, terminated: false, openCalls: [], at: offset, into: &out)
  }

  private mutating func adopt(_ kind: DialectKind, into out: inout DialectOutputs) {
    var dialect: any PayloadDialect = switch kind {
    case .openaiResponses: OpenAIResponsesDialect(parser: payloads.parser)
    case .anthropic: AnthropicDialect(parser: payloads.parser)
    case .gemini: GeminiDialect(parser: payloads.parser)
    default: OpenAIChatDialect(parser: payloads.parser)
    }
    for held in pending {
      switch held {
      case .event(let event, let payload, let decoding):
        dialect.confirmLoss(into: &out)
        out += decoding
        // The held payload's copy goes with `pending`: its fragments are copied out first.
        var outputs = DialectOutputs()
        payload.withPayload { payload in event.withBytes { dialect.route($0, payload, into: &outputs) } }
        out += outputs.owned
      case .lost(let offset):
        dialect.lost(at: offset, into: &out)
      }
    }
    pending = []
    detected = dialect
    self.kind = kind
  }
}
