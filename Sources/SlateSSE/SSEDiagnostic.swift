import SlateCore

/// A problem the parser met and recovered from. Diagnostics are reported in stream order
/// beside events, never thrown: the parser always carries on with the next event.
public struct SSEDiagnostic: Sendable, Hashable, CustomStringConvertible {
  /// The one scale of every layer: SSE reports `error` (data lost) and `warning`.
  public typealias Severity = SlateCore.Severity

  /// `sse.*`: one of the constants below (``DiagnosticCode/sseLineTooLong`` …).
  public var code: DiagnosticCode
  public var severity: Severity
  /// Raw stream offset of the first offending byte: the first byte past the limit for
  /// the limit codes, the start of the cut-off block for `sse.unterminated_event`.
  public var offset: Int
  /// The raw bytes concerned, where known (the cut-off block for `sse.unterminated_event`).
  public var byteRange: Range<Int>?
  /// What was expected and what came.
  public var message: String

  public init(code: DiagnosticCode, severity: Severity, offset: Int, byteRange: Range<Int>? = nil, message: String) {
    self.code = code
    self.severity = severity
    self.offset = offset
    self.byteRange = byteRange
    self.message = message
  }

  public var description: String { "\(severity.rawValue) \(code.rawValue) at byte \(offset): \(message)" }

  /// `sse.invalid_utf8` for the event spanning `byteRange`, whose data was decoded with
  /// U+FFFD replacing each invalid sequence (the parser's, and a consumer's that checks the
  /// data later: ``SSEEventBatch/defersUTF8Check``).
  package static func invalidUTF8(byteRange: Range<Int>) -> SSEDiagnostic {
    SSEDiagnostic(code: .sseInvalidUTF8, severity: .warning, offset: byteRange.lowerBound, byteRange: byteRange,
                  message: "the event's data is not valid UTF-8; each invalid sequence became U+FFFD, as the WHATWG decoder does")
  }
}

/// The `sse.*` codes, the closed set of the SSE layer.
extension DiagnosticCode {
  /// The stream ended inside an event: lines after the last blank line, or a last line
  /// with no line ending. Per the spec the event is discarded (severity error); with
  /// ``SSEParser/Options/flushOnEOF`` it is dispatched instead (severity warning).
  public static let sseUnterminatedEvent: DiagnosticCode = "sse.unterminated_event"
  /// A line longer than ``SSELimits/maxLineBytes``. For a field line the event in
  /// progress is discarded up to the next blank line (error); a comment line is just
  /// skipped (warning).
  public static let sseLineTooLong: DiagnosticCode = "sse.line_too_long"
  /// The event's data would grow past ``SSELimits/maxEventDataBytes``; the event is
  /// discarded up to the next blank line (error).
  public static let sseEventTooLarge: DiagnosticCode = "sse.event_too_large"
  /// The event's data is not valid UTF-8: each invalid sequence became U+FFFD, as the
  /// WHATWG decoder does, and the event is dispatched (warning).
  public static let sseInvalidUTF8: DiagnosticCode = "sse.invalid_utf8"

  /// Every `sse.*` code.
  public static let sseCodes: [DiagnosticCode] = [.sseUnterminatedEvent, .sseLineTooLong, .sseEventTooLarge, .sseInvalidUTF8]
}
