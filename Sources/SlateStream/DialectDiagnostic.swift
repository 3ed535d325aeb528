import SlateCore
import SlateJSON

/// Something a dialect noticed about the shape or order of a provider stream: never a
/// delta, never fatal. Each has a stable code (`dialect.*`), a severity, the raw-stream
/// offset of the event concerned, and a message saying what was expected and what came.
public struct DialectDiagnostic: Sendable, Equatable, CustomStringConvertible {
  /// The one scale of every layer (``SlateCore/Severity``).
  public typealias Severity = SlateCore.Severity

  /// The stable codes. Each code has one fixed severity (``Code/severity``).
  public enum Code: String, Sendable, CaseIterable {
    /// The event's data is not JSON (``DialectDiagnostic/jsonError`` says where).
    case invalidPayload = "dialect.invalid_payload"
    /// The event's data is empty or only whitespace.
    case emptyPayload = "dialect.empty_payload"
    /// The data is JSON but not of the shape the event needs (not an object, a missing index…).
    case unexpectedPayload = "dialect.unexpected_payload"
    /// An event, delta, item or part type this dialect does not know: skipped.
    case unknownEvent = "dialect.unknown_event"
    /// The SSE `event:` name differs from the payload's `type` (the payload wins).
    case eventTypeMismatch = "dialect.event_type_mismatch"
    /// An event after the stream's terminal event: ignored.
    case eventAfterTerminal = "dialect.event_after_terminal"
    /// A different non-empty call id on a (choice, index) already in use: a new call.
    case newCallOnReusedIndex = "dialect.new_call_on_reused_index"
    /// A tool-call fragment with no index, no id and no earlier call to continue: dropped.
    case toolFragmentWithoutCall = "dialect.tool_fragment_without_call"
    /// A call ended without ever receiving a name; it was started with an empty name.
    case callWithoutName = "dialect.call_without_name"
    /// The final arguments a provider repeats differ from the fragments it streamed.
    case argumentsMismatch = "dialect.arguments_mismatch"
    /// A second finish for a choice with a different reason: the first one stands.
    case repeatedFinish = "dialect.repeated_finish"
    /// A delta for a call, item or content block that never started: dropped.
    case deltaWithoutStart = "dialect.delta_without_start"
    /// A delta for a call or content block that already ended: dropped.
    case deltaAfterStop = "dialect.delta_after_stop"
    /// A start for a call or content block that is already open: ignored.
    case duplicateStart = "dialect.duplicate_start"
    /// A content-block delta whose type does not fit the block (text into a tool block): dropped.
    case deltaTypeMismatch = "dialect.delta_type_mismatch"
    /// A content block still open when the message ended (`message_delta` / `message_stop`).
    case blockNotStopped = "dialect.block_not_stopped"
    /// A `message_start` after the first one.
    case secondMessageStart = "dialect.second_message_start"
    /// Content events before any `message_start`.
    case missingMessageStart = "dialect.missing_message_start"
    /// A tool call still open at the end of the input (or replaced before its end signal).
    case callNotEnded = "dialect.call_not_ended"
    /// The input ended before the dialect's terminal event.
    case noTerminalEvent = "dialect.no_terminal_event"
    /// Text input that is not UTF-8 (decoded with U+FFFD replacements).
    case invalidUTF8 = "dialect.invalid_utf8"
    /// Text input that ends inside a UTF-8 sequence.
    case cutInsideUTF8 = "dialect.cut_inside_utf8"
    /// `auto` could not tell the dialect from the first events.
    case undetectedDialect = "dialect.undetected"
    /// A Vertex `partialArgs` `jsonPath` this reader cannot apply: that value is dropped.
    case invalidJSONPath = "dialect.invalid_json_path"

    public var severity: Severity {
      switch self {
      case .invalidPayload: .error
      case .unknownEvent, .repeatedFinish: .info
      default: .warning
      }
    }
  }

  public var code: Code
  public var severity: Severity
  /// Raw-stream byte offset of the event concerned (the end of input for end-of-stream checks).
  public var offset: Int
  public var message: String
  /// For ``Code/invalidPayload``: the JSON error, its offset counted within the event's data.
  public var jsonError: JSONParseError?

  public init(_ code: Code, offset: Int, message: String, jsonError: JSONParseError? = nil) {
    self.code = code
    self.severity = code.severity
    self.offset = offset
    self.message = message
    self.jsonError = jsonError
  }

  public var description: String { "\(code.rawValue) (\(severity.rawValue)) at byte \(offset): \(message)" }
}

/// One item of a dialect's output, in stream order.
public enum DialectOutput: Sendable, Equatable, CustomStringConvertible {
  case delta(Delta)
  case diagnostic(DialectDiagnostic)

  public var delta: Delta? { if case .delta(let d) = self { d } else { nil } }
  public var diagnostic: DialectDiagnostic? { if case .diagnostic(let d) = self { d } else { nil } }

  public var description: String {
    switch self {
    case .delta(let d): d.description
    case .diagnostic(let d): d.description
    }
  }
}

/// Where a dialect appends what it produced: the public `[DialectOutput]`, or the action
/// stream's ``DialectOutputs``. The helpers below are written once for both.
protocol DialectOutputAppending {
  mutating func append(_ output: DialectOutput)
}

extension Array: DialectOutputAppending where Element == DialectOutput {}

extension DialectOutputAppending {
  /// Appends a delta produced by the event at `offset`.
  mutating func emit(_ kind: Delta.Kind, at offset: Int) { append(.delta(Delta(kind, offset: offset))) }

  /// Appends a diagnostic about the event at `offset`.
  mutating func report(_ code: DialectDiagnostic.Code, at offset: Int, _ message: String) {
    append(.diagnostic(DialectDiagnostic(code, offset: offset, message: message)))
  }

  /// Appends a text delta unless `text` is empty (empty fragments carry nothing).
  mutating func emitText(_ text: String, on channel: Channel, at offset: Int) {
    if !text.isEmpty { emit(.text(channel, DeltaText(text)), at: offset) }
  }

  /// Emits the usage object `usage` (read in place, copied, not built) when it is one.
  /// Returns whether it emitted.
  @discardableResult
  mutating func emitUsage(_ usage: JSONNode?, at offset: Int) -> Bool {
    guard let usage, usage.isObject else { return false }
    emit(.usage(ProviderUsage(usage)), at: offset)
    return true
  }
}
