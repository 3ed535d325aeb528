import SlateStream
import SlateJSON

/// What a generated stream must yield, known from how it was written: the answer text, the
/// tool calls, the ending, and the actions the framers must produce. Tests compare a
/// reader's output with it; nothing in it is computed by reading the stream back.
public struct StreamIntent: Sendable, Equatable {
  /// The concatenated answer text (choice 0) the dialect must report.
  public var answerText: String
  /// The client tool calls, in the order they start.
  public var calls: [IntendedCall]
  /// How the stream ends, as ``StreamStatus/init(_:)`` classifies the dialect's end.
  public var status: StreamStatus
  /// How the answer text frames as a JSON array or sequence: nil when the turn has no
  /// answer text.
  public var answerFraming: FramingOutcome?
  /// Every action a reader commits, in order: the answer text's elements up to the first
  /// invalid one (each the moment its last byte arrives), then each call whose arguments
  /// are a complete JSON document, at its end signal (Chat Completions: the finish chunk;
  /// a call cut before its end signal commits nothing), as ``ActionStream`` commits them.
  public var actions: [IntendedAction]

  public init(answerText: String, calls: [IntendedCall], status: StreamStatus,
              answerFraming: FramingOutcome?, actions: [IntendedAction])
  {
    self.answerText = answerText
    self.calls = calls
    self.status = status
    self.answerFraming = answerFraming
    self.actions = actions
  }
}

/// A tool call as the dialect must report it.
public struct IntendedCall: Sendable, Equatable {
  /// The tool name: the action's type.
  public var name: String
  /// The provider's call id (`call_…`, `toolu_…`); nil where the provider sends none (Gemini).
  public var callId: String?
  /// The argument text the dialect reports: the fragments joined (Gemini: the `args`
  /// object in canonical form, as ``GeminiDialect`` serializes it).
  public var arguments: String
  /// Whether the provider sent the call's end signal.
  public var ended: Bool

  public init(name: String, callId: String?, arguments: String, ended: Bool) {
    self.name = name
    self.callId = callId
    self.arguments = arguments
    self.ended = ended
  }
}

/// One action a framer must yield.
public struct IntendedAction: Sendable, Equatable {
  /// The action type: the `type` member of an answer-text action, a call's tool name.
  public var type: String
  /// The framed value: the whole action (answer text) or the call's arguments.
  public var value: JSONValue
  /// The call it came from (nil for answer text and for calls without an id).
  public var callId: String?

  public init(type: String, value: JSONValue, callId: String?) {
    self.type = type
    self.value = value
    self.callId = callId
  }
}

/// How a channel's text frames at the end of the stream.
public enum FramingOutcome: String, Sendable, Equatable {
  /// Every value closed, nothing after them but whitespace (and the array's `]`).
  case complete
  /// The text stops inside a value or before the array closed.
  case truncated
  /// The text is not JSON at some point: the framer stops there with a diagnostic.
  case failed
}
