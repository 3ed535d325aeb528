/// One SSE event as a dialect reads it: the event name, the data, and where the event sits
/// in the raw stream. The pipeline builds it from the SSE parser's event.
public struct DialectEvent: Sendable, Equatable {
  /// The SSE `event:` field; empty (or the SSE default `message`) when the event had none.
  public var type: String
  /// The SSE data (several `data:` lines joined with `\n`, the optional space after each
  /// colon already removed), e.g. one JSON document or `[DONE]`.
  public var data: String
  /// Byte offset, in the raw stream, of the event's first byte.
  public var offset: Int
  /// Byte offset, in the raw stream, just past the event's last byte.
  public var end: Int

  public init(type: String = "", data: String, offset: Int, end: Int) {
    self.type = type
    self.data = data
    self.offset = offset
    self.end = end
  }

  /// The event name when one was given: nil for none and for the SSE default `message`.
  public var name: String? { type.isEmpty || type == "message" ? nil : type }
}
