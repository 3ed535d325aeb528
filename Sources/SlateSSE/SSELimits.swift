/// Size limits that keep the parser's memory bounded on hostile or broken streams.
///
/// The parser buffers at most one line (`maxLineBytes`) plus one event's data
/// (`maxEventDataBytes`) plus its event type and id (each bounded by the line limit).
/// Exceeding a limit is a diagnostic (``DiagnosticCode/sseLineTooLong``,
/// ``DiagnosticCode/sseEventTooLarge``), never a crash; the parser skips to the next
/// blank line.
public struct SSELimits: Sendable, Hashable {
  /// The longest line, in bytes, not counting its line ending. Default 8 MiB: large
  /// enough for a Responses API `response.completed` event or a streamed image part.
  public var maxLineBytes: Int
  /// The largest event data, in bytes, as dispatched (data lines joined with LF, without
  /// the trailing LF). Default 16 MiB.
  public var maxEventDataBytes: Int

  /// Negative limits count as 0.
  public init(maxLineBytes: Int = 8 << 20, maxEventDataBytes: Int = 16 << 20) {
    self.maxLineBytes = max(0, maxLineBytes)
    self.maxEventDataBytes = max(0, maxEventDataBytes)
  }

  /// The defaults: 8 MiB lines, 16 MiB event data.
  public static let `default` = SSELimits()
}
