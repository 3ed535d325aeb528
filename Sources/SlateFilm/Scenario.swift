import SlateStream

/// The situations the committed synthetic corpus covers, one stream per dialect each
/// (`Corpus/<dialect>/<rawValue>.sse`), where the situation exists in that dialect.
public enum Scenario: String, Sendable, CaseIterable, CustomStringConvertible {
  /// A complete turn: the answer text is a JSON array of one action of every film type.
  case clean
  /// Every action is a tool call (name = type, arguments = the rest), interleaved where
  /// the provider interleaves parallel calls (Chat Completions, Responses).
  case toolCalls = "tool-calls"
  /// ``clean``'s turn framed with CRLF line endings (the `text` dialect: CRLF between the
  /// array's lines).
  case crlf
  /// Keep-alive traffic before the first token and between events: comments, or
  /// Anthropic `ping` events.
  case keepAlive = "keep-alive"
  /// The provider reports an error part-way through the answer; no normal end follows.
  case providerError = "provider-error"
  /// The connection closes inside an action of the answer text: no finish, no terminal event.
  case cutInAction = "cut-in-action"
  /// The connection closes inside a UTF-8 sequence (inside a delta's data, or of the text).
  case cutInUTF8 = "cut-in-utf8"
  /// Two actions are repeated: one byte for byte, one with its members in another order.
  case duplicates
  /// One element of the answer array is not JSON (a trailing comma before `}`).
  case invalidJSON = "invalid-json"
  /// The model stops on its output limit inside an action (`length`, `max_output_tokens`,
  /// `max_tokens` inside a tool call as recorded, `MAX_TOKENS`); the stream then ends normally.
  case lengthStop = "length-stop"
  /// The answer text is NDJSON: one action per line.
  case ndjson
  /// The connection closes inside a tool call's arguments.
  case cutInToolCall = "cut-in-tool-call"
  /// One tool call's arguments are not JSON (a trailing comma); the other calls are fine.
  case invalidToolArguments = "invalid-tool-arguments"

  public var description: String { rawValue }

  /// Why the scenario has no stream in `dialect`, or nil when it has one.
  public func skipReason(for dialect: DialectKind) -> String? {
    switch (self, dialect) {
    case (_, .auto): "auto is a reader setting, not a wire format"
    case (.toolCalls, .text), (.cutInToolCall, .text), (.invalidToolArguments, .text):
      "the text dialect has no tool calls"
    case (.keepAlive, .text): "the text dialect has no events, so nothing to keep alive"
    case (.providerError, .text): "the text dialect has no channel for a provider's error"
    case (.lengthStop, .text): "the text dialect has no finish reason"
    case (.crlf, .gemini): "Gemini frames every stream with CRLF already (the clean stream is CRLF)"
    case (.cutInToolCall, .gemini): "Gemini sends each call whole inside one event; a cut there is a cut event (cut-in-utf8)"
    case (.invalidToolArguments, .gemini): "Gemini's args is a JSON object inside the event, never text a model can break"
    default: nil
    }
  }

  /// The number of film actions the scenario's turn holds.
  var actionCount: Int {
    switch self {
    case .clean: 11
    case .toolCalls: 6
    default: 5
    }
  }

  /// Whether the turn's actions are tool calls in `dialect` (else answer text).
  func usesToolCalls(in dialect: DialectKind) -> Bool {
    switch self {
    case .toolCalls, .cutInToolCall, .invalidToolArguments: true
    case .lengthStop: dialect == .anthropic  // as recorded: max_tokens inside a tool_use block
    default: false
    }
  }
}
