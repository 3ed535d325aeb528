import SlateCore
import SlateJSON
import SlateSSE

/// A diagnostic of the action stream, in the one shape every layer's diagnostics take when
/// they surface from the pipeline (DESIGN.md, "Vocabulary"): a stable `layer.reason` code,
/// a severity, the offset in the raw stream, the offset in the channel's text where one
/// applies, the channel, and a message saying what was expected and what came.
///
/// Sources: the SSE parser (`sse.*`), the dialect (`dialect.*`), a framer (`json.*`, with
/// the text offset of the offending byte), and the stream itself (`stream.*`).
public struct StreamDiagnostic: Sendable, Equatable, CustomStringConvertible {
  /// The one scale of every layer (``SlateCore/Severity``).
  public typealias Severity = SlateCore.Severity

  /// `layer.reason`, e.g. ``DiagnosticCode/jsonUnexpectedByte``,
  /// ``DiagnosticCode/dialectNoTerminalEvent``.
  public var code: DiagnosticCode
  public var severity: Severity
  /// Byte offset in the raw stream: the start of the event that broke or completed
  /// something (for the `text` dialect, the offending byte itself), or the end of the input
  /// for end-of-stream findings.
  public var streamOffset: Int
  /// Byte offset in the channel's text (or the call's argument text), for framer findings.
  public var textOffset: Int?
  /// The channel or call concerned (``StreamChannel/description``), when there is one.
  public var channel: StreamChannel?
  public var message: String

  public init(code: DiagnosticCode, severity: Severity, streamOffset: Int, textOffset: Int? = nil,
              channel: StreamChannel? = nil, message: String)
  {
    self.code = code
    self.severity = severity
    self.streamOffset = streamOffset
    self.textOffset = textOffset
    self.channel = channel
    self.message = message
  }

  init(_ code: DiagnosticCode, severity: Severity = .warning, streamOffset: Int, textOffset: Int? = nil,
       channel: StreamChannel? = nil, message: String)
  {
    self.init(code: code, severity: severity, streamOffset: streamOffset, textOffset: textOffset,
              channel: channel, message: message)
  }

  init(_ sse: SSEDiagnostic) {
    self.init(code: sse.code, severity: sse.severity,
              streamOffset: sse.offset, message: sse.message)
  }

  init(_ dialect: DialectDiagnostic) {
    self.init(code: DiagnosticCode(dialect.code), severity: dialect.severity, streamOffset: dialect.offset,
              message: dialect.message)
  }

  /// A framer's error: always `error` severity (the channel's framing stopped there).
  init(_ framer: FramerDiagnostic, channel: StreamChannel, streamOffset: Int) {
    self.init(code: framer.code, severity: .error, streamOffset: streamOffset, textOffset: framer.offset,
              channel: channel, message: framer.message)
  }

  public var description: String {
    var place = "byte \(streamOffset)"
    if let channel { place += " (\(channel)" + (textOffset.map { " text byte \($0)" } ?? "") + ")" }
    return "\(code) (\(severity.rawValue)) at \(place): \(message)"
  }
}

/// Where a framed value comes from: the answer text of one choice, or one tool call.
public enum StreamChannel: Hashable, Sendable, CustomStringConvertible {
  /// The answer text of choice (or candidate) `n`; every text part of that choice joins one
  /// text, which one framer reads.
  case answer(choice: Int)
  /// The argument text of one tool call.
  case call(CallKey)

  /// `answer` (choice 0), `answer[n]`, or `call:KEY`.
  public var description: String {
    switch self {
    case .answer(let choice): choice == 0 ? "answer" : "answer[\(choice)]"
    case .call(let key): "call:\(key)"
    }
  }
}

extension SSEDiagnostic {
  /// Whether the SSE parser discarded an event in the middle of the stream (a field line or
  /// an event past its limit), so its content is lost: a gap for the dialect.
  var discardsEvent: Bool {
    switch code {
    case .sseEventTooLarge: true
    case .sseLineTooLong: severity == .error
    // sse.unterminated_event: the end of the input, a truncation, nothing follows;
    // sse.invalid_utf8: the event is kept, with U+FFFD in place of the bad bytes.
    default: false
    }
  }
}
