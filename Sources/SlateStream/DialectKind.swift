import SlateJSON

/// The wire dialects Slate reads, spelled as on the command line (`--dialect`).
public enum DialectKind: String, Sendable, CaseIterable, CustomStringConvertible {
  /// Detect from the input (``DialectDetector``, ``AutoDialect``).
  case auto
  /// OpenAI Chat Completions chunks and the compatible servers (provider-streams.md §1, §5).
  case openaiChat = "openai-chat"
  /// OpenAI Responses API events (§2).
  case openaiResponses = "openai-responses"
  /// Anthropic Messages events (§3).
  case anthropic
  /// Gemini / Vertex `streamGenerateContent?alt=sse` (§4).
  case gemini
  /// No SSE: the bytes are the answer text itself (``TextDialect``).
  case text

  public var description: String { rawValue }

  /// True for the dialects whose input is SSE events (every kind but ``text``).
  public var readsEvents: Bool { self != .text }

  /// A fresh state machine for this kind, reading events, sharing `parser` for every
  /// payload of the stream. Nil for ``text``, whose input is bytes (use ``TextDialect``).
  public func makeDialect(parser: SimdjsonParser = SimdjsonParser()) -> (any Dialect)? {
    makeEventDialect(parser: parser)
  }

  /// ``makeDialect(parser:)`` as the action stream drives it (``EventDialect``).
  func makeEventDialect(parser: SimdjsonParser) -> (any EventDialect)? {
    switch self {
    case .auto: AutoDialect(parser: parser)
    case .openaiChat: OpenAIChatDialect(parser: parser)
    case .openaiResponses: OpenAIResponsesDialect(parser: parser)
    case .anthropic: AnthropicDialect(parser: parser)
    case .gemini: GeminiDialect(parser: parser)
    case .text: nil
    }
  }
}
