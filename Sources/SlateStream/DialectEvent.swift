import SlateJSON
import SlateSSE

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
  /// Calls `body` with the event as bytes (valid only inside `body`; UTF-8, as a `String`'s).
  func withBytes<R>(_ body: (EventBytes) -> R) -> R {
    var (type, data) = (type, data)
    return type.withUTF8 { type in
      data.withUTF8 {
        body(EventBytes(type: UnsafeRawBufferPointer(type), data: UnsafeRawBufferPointer($0), offset: offset, end: end))
      }
    }
  }
}

/// One SSE event as ``ActionStream`` hands it to a dialect: the name and data as bytes,
/// valid only during the call (spans of the raw chunk, or of a reused buffer), so no
/// `String` is built or retained per event. ``DialectEvent`` is its owned, public form.
struct EventBytes {
  /// The SSE event name's bytes; empty when the event had none or was named `message`.
  var nameBytes: UnsafeRawBufferPointer
  /// The SSE data (valid UTF-8).
  var data: UnsafeRawBufferPointer
  /// Byte offset, in the raw stream, of the event's first byte.
  var offset: Int
  /// Byte offset, in the raw stream, just past the event's last byte.
  var end: Int
  /// Bytes readable in memory past the end of ``data`` (the rest of the chunk it lies in;
  /// 0 when unknown): with enough of them the payload is parsed where it lies
  /// (``SimdjsonParser/parseDocument(_:readableAfter:)``) rather than copied.
  var readableAfter: Int
  /// Whether ``data`` is known to be UTF-8. False for data the SSE layer handed on
  /// unchecked (``SSESink/defersUTF8Check``): the dialect reads it only once its payload
  /// parsed (simdjson validates all of its input) or the data proved to be UTF-8, and
  /// refuses it otherwise (``EventDialect/read(_:into:)`` returns false, having done
  /// nothing), for the stream to report and repair it as the SSE layer would have.
  var utf8Checked: Bool

  /// `type` is the SSE event type as bytes (empty or `message` for none).
  init(type: UnsafeRawBufferPointer, data: UnsafeRawBufferPointer, offset: Int, end: Int, readableAfter: Int = 0,
       utf8Checked: Bool = true)
  {
    nameBytes = SSEEventBatch.isMessage(type) ? UnsafeRawBufferPointer(start: nil, count: 0) : type
    self.data = data
    self.offset = offset
    self.end = end
    self.readableAfter = readableAfter
    self.utf8Checked = utf8Checked
  }

  /// The event name when one was given: nil for none and for the SSE default `message`.
  /// Builds a `String`: for messages and the detector (``isNamed(_:)`` for tests).
  var name: String? { nameBytes.isEmpty ? nil : String(jsonBytes: nameBytes) }

  /// Whether the event is named `name` (no `String` built). O(name).
  @inline(__always)
  func isNamed(_ name: JSONKey) -> Bool { sameBytes(nameBytes, name.bytes) }

  /// The data as a `String` (for messages and the rare values kept).
  var text: String { String(jsonBytes: data) }

  /// The event as an owned ``DialectEvent`` (its name and data copied).
  var owned: DialectEvent { DialectEvent(type: name ?? "", data: text, offset: offset, end: end) }
}
