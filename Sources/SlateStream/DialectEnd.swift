import SlateJSON

/// A dialect's state at the end of the input: what ended, what is still open, and the
/// first provider error. ``StreamStatus/init(_:)`` classifies the stream from it.
public struct DialectEnd: Sendable, Equatable {
  /// The dialect that read the stream (`auto` when detection never decided).
  public var kind: DialectKind
  /// True when the stream ended the way the dialect defines a clean end: `[DONE]` or a
  /// finish on every choice (Chat), `response.completed/failed/incomplete` (Responses),
  /// `message_stop` (Anthropic), a `finishReason` on every candidate (Gemini), the end of
  /// the bytes (text).
  public var terminated: Bool
  /// The terminal event seen, by name (`[DONE]`, `message_stop`, `response.completed` …).
  public var terminal: String?
  /// The finishes, one per choice or candidate, in the order they came.
  public var finishes: [Finish]
  /// The first error the provider reported, if any.
  public var error: ProviderError?
  /// Client tool calls that started and never received their end signal, in start order.
  public var openCalls: [CallKey]
  /// Anthropic content blocks (`message.index`) started and never stopped.
  public var openBlocks: [String]
  /// Text input that ended inside a UTF-8 sequence (``TextDialect``).
  public var cutInsideUTF8: Bool
  /// Raw offset of the first ``Delta/Kind/gap(_:)``: an event that may have carried
  /// content could not be read, so the stream's content is not whole.
  public var gap: Int?
  /// Raw offset of the end of the input.
  public var offset: Int

  public init(kind: DialectKind, terminated: Bool, terminal: String? = nil, finishes: [Finish] = [],
              error: ProviderError? = nil, openCalls: [CallKey] = [], openBlocks: [String] = [],
              cutInsideUTF8: Bool = false, gap: Int? = nil, offset: Int)
  {
    self.gap = gap
    self.kind = kind
    self.terminated = terminated
    self.terminal = terminal
    self.finishes = finishes
    self.error = error
    self.openCalls = openCalls
    self.openBlocks = openBlocks
    self.cutInsideUTF8 = cutInsideUTF8
    self.offset = offset
  }

  /// The end-of-input diagnostics every dialect reports: one `dialect.call_not_ended` per
  /// open call and `dialect.no_terminal_event` when the stream did not terminate.
  func reportOpenState(into out: inout DialectOutputs) {
    for key in openCalls {
      out.report(.callNotEnded, at: offset, "expected the end signal of tool call \(key) before the end of the input; none came")
    }
    if !terminated {
      let expected = switch kind {
      case .openaiChat: "[DONE] or a finish_reason on every choice"
      case .openaiResponses: "response.completed, response.incomplete or response.failed"
      case .anthropic: "message_stop"
      case .gemini: "a finishReason on every candidate"
      case .auto: "events of a dialect this reader could detect"
      case .text: "the end of the text"
      }
      out.report(.noTerminalEvent, at: offset, "expected \(expected) before the end of the input; the stream ended without it")
    }
  }
}

/// The end-of-stream bookkeeping every dialect shares: the finishes, the first provider
/// error, the terminal event. Each method also emits the matching delta.
struct Outcome {
  var finishes: [Finish] = []
  var error: ProviderError?
  var terminal: String?
  /// Raw offset of the first gap.
  var gap: Int?
  /// An unreadable event that no event has followed yet (``PayloadDialect/route(_:_:into:)``).
  var pendingLoss = PendingLoss()

  /// An event that may have carried content was lost: emits a ``GapScope/any`` gap.
  mutating func lose(at offset: Int, into out: inout DialectOutputs) {
    if gap == nil { gap = offset }
    out.emit(.gap(.any), at: offset)
  }

  /// Reports a provider error; the first one is the stream's error.
  mutating func fail(_ error: ProviderError, at offset: Int, into out: inout DialectOutputs) {
    if self.error == nil { self.error = error }
    out.emit(.providerError(error), at: offset)
  }

  /// The JSON object an event carries, or nil when it carries none. JSON that is not an
  /// object and a `[DONE]` the dialect does not expect are `dialect.unexpected_payload`;
  /// data that is not JSON (already reported by the decoder) is still the provider's error
  /// when the SSE event is named `error`, its data the message.
  mutating func object(of event: EventBytes, _ payload: Payload, expecting what: String,
                       into out: inout DialectOutputs) -> JSONNode?
  {
    switch payload {
    case .json(let value) where value.isObject:
      return value
    case .json(let value):
      out.report(.unexpectedPayload, at: event.offset, "expected \(what); got a JSON \(value.typeName)")
    case .done:
      out.report(.unexpectedPayload, at: event.offset, "expected \(what); got [DONE], which this dialect does not send (ignored)")
    case .invalid where event.isNamed("error"), .unreadable where event.isNamed("error"):
      let message = event.text
      fail(ProviderError(kind: "error", code: nil, message: message, payload: .string(message)), at: event.offset, into: &out)
    case .invalid, .unreadable:
      break
    }
    return nil
  }

  mutating func finish(_ finish: Finish, at offset: Int, into out: inout DialectOutputs) {
    finishes.append(finish)
    out.emit(.finish(finish), at: offset)
  }

  mutating func terminate(_ name: String, at offset: Int, into out: inout DialectOutputs) {
    terminal = name
    out.emit(.terminal(name), at: offset)
  }

  /// The final state with this bookkeeping, after reporting what is still open.
  func end(_ kind: DialectKind, terminated: Bool, openCalls: [CallKey], openBlocks: [String] = [],
           at offset: Int, into out: inout DialectOutputs) -> DialectEnd
  {
    let end = DialectEnd(kind: kind, terminated: terminated, terminal: terminal, finishes: finishes, error: error,
                         openCalls: openCalls, openBlocks: openBlocks, gap: gap, offset: offset)
    end.reportOpenState(into: &out)
    return end
  }
}
