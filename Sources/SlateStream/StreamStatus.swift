/// How a provider stream ended, as far as the dialect layer can tell.
///
/// - ``complete``: the provider's end signal came, nothing was left open, no limit cut it.
/// - ``truncated(_:)``: the output stopped early: a length or token limit, a call or content
///   block left open, no terminal event, text cut inside a UTF-8 sequence.
/// - ``failed(kind:message:)``: the provider reported an error in the stream, or (kind
///   ``gapKind``, `stream.gap`) an event that may have carried content could not be read,
///   so what the stream carried is not whole.
///
/// ``ActionStream`` refines it with what the framers know (``TruncationReason/cutInsideValue(_:)``)
/// and reports how many values had been committed when an error came.
public enum StreamStatus: Sendable, Equatable, CustomStringConvertible {
  case complete
  case truncated(TruncationReason)
  case failed(kind: String, message: String)

  /// The ``failed(kind:message:)`` kind of a stream with a gap.
  public static let gapKind = "stream.gap"

  /// A stream whose event at raw offset `offset` could not be read.
  public static func gap(at offset: Int) -> StreamStatus {
    .failed(kind: gapKind, message: "the event at byte \(offset) could not be read and may have carried text or tool-call arguments; the values across it are dropped")
  }

  /// True for a stream failed by a gap (not by the provider).
  public var isGap: Bool {
    if case .failed(let kind, _) = self { return kind == StreamStatus.gapKind }
    return false
  }

  /// Classifies a dialect's final state. A provider error wins over everything; then a gap
  /// (``gap(at:)``); then, in this order, a truncating finish reason, a content block never stopped, a call never
  /// ended, a missing terminal event, a cut UTF-8 sequence. O(finishes).
  public init(_ end: DialectEnd) {
    if let error = end.error {
      self = .failed(kind: error.kind, message: error.message)
    } else if let gap = end.gap {
      self = .gap(at: gap)
    } else if let finish = end.finishes.first(where: \.truncated) {
      self = .truncated(.finishReason(finish.reason))
    } else if let block = end.openBlocks.first {
      self = .truncated(.unterminatedBlock(block))
    } else if let call = end.openCalls.first {
      self = .truncated(.openToolCall(call))
    } else if !end.terminated {
      self = .truncated(.noTerminalEvent)
    } else if end.cutInsideUTF8 {
      self = .truncated(.cutInsideUTF8Sequence)
    } else {
      self = .complete
    }
  }

  /// `complete`, `truncated` or `failed`.
  public var name: String {
    switch self {
    case .complete: "complete"
    case .truncated: "truncated"
    case .failed: "failed"
    }
  }

  public var description: String {
    switch self {
    case .complete: "complete"
    case .truncated(let reason): "truncated (\(reason))"
    case .failed(let kind, let message): "failed (\(kind): \(message))"
    }
  }
}

/// Why a stream counts as truncated.
public enum TruncationReason: Sendable, Equatable, CustomStringConvertible {
  /// The provider stopped on a limit (`length`, `max_tokens`, `MAX_TOKENS`, an incomplete reason).
  case finishReason(String)
  /// An Anthropic content block (`message.index`) never stopped.
  case unterminatedBlock(String)
  /// A tool call never received its end signal.
  case openToolCall(CallKey)
  /// The input ended before the dialect's terminal event.
  case noTerminalEvent
  /// Text input ended inside a UTF-8 sequence.
  case cutInsideUTF8Sequence
  /// The input ended inside a value of this channel (set by ``ActionStream``).
  case cutInsideValue(StreamChannel)

  /// A stable snake_case name: `finish_reason`, `unterminated_block`, `open_tool_call`,
  /// `no_terminal_event`, `cut_inside_utf8`, `cut_inside_value`.
  public var name: String {
    switch self {
    case .finishReason: "finish_reason"
    case .unterminatedBlock: "unterminated_block"
    case .openToolCall: "open_tool_call"
    case .noTerminalEvent: "no_terminal_event"
    case .cutInsideUTF8Sequence: "cut_inside_utf8"
    case .cutInsideValue: "cut_inside_value"
    }
  }

  public var description: String {
    switch self {
    case .finishReason(let reason): "finish reason \(reason)"
    case .unterminatedBlock(let block): "content block \(block) never stopped"
    case .openToolCall(let key): "tool call \(key) never ended"
    case .noTerminalEvent: "no terminal event"
    case .cutInsideUTF8Sequence: "cut inside a UTF-8 sequence"
    case .cutInsideValue(let channel): "cut inside a value on \(channel)"
    }
  }
}
