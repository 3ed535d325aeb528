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

extension DialectEvent {
  /// Calls `body` with the event as bytes (valid only inside `body`).
  func withBytes<R>(_ body: (EventBytes) -> R) -> R {
    var data = data
    return data.withUTF8 { body(EventBytes(type: type, data: UnsafeRawBufferPointer($0), offset: offset, end: end)) }
  }
}

/// One SSE event as ``ActionStream`` hands it to a dialect: the data as bytes, valid only
/// during the call (a span of the raw chunk, or of a reused buffer), so no `String` is
/// built per event. ``DialectEvent`` is its owned, public form.
struct EventBytes {
  /// The SSE event type (`message` when the event had none).
  var type: String
  /// The SSE data (valid UTF-8).
  var data: UnsafeRawBufferPointer
  /// Byte offset, in the raw stream, of the event's first byte.
  var offset: Int
  /// Byte offset, in the raw stream, just past the event's last byte.
  var end: Int

  /// The event name when one was given: nil for none and for the SSE default `message`.
  var name: String? { type.isEmpty || type == "message" ? nil : type }

  /// The data as a `String` (for messages and the rare values kept).
  var text: String { String(jsonBytes: data) }

  /// The event as an owned ``DialectEvent`` (its data copied).
  var owned: DialectEvent { DialectEvent(type: type, data: text, offset: offset, end: end) }
}
