/// One event dispatched by ``SSEParser``: what the WHATWG "dispatch the event" step fires,
/// plus where it came from in the raw byte stream.
public struct SSEEvent: Sendable, Hashable, CustomStringConvertible {
  /// The event type buffer at dispatch, or `"message"` when it was empty.
  public var type: String
  /// The data buffer at dispatch with its one trailing LF removed (data lines joined with LF).
  public var data: String
  /// The stream's last event ID when this event was dispatched (`""` when none was set).
  public var lastEventId: String
  /// The reconnection time in milliseconds in effect at dispatch: the most recent valid
  /// `retry` field processed so far in the connection, or nil while none has been.
  public var retry: Int?
  /// Raw stream offsets: from the first byte of the block's first line (a comment or a
  /// field; after a BOM) to just past the first byte of the blank line's terminator that
  /// dispatched it. A CRLF blank line counts through its CR only, because the event is
  /// dispatched the moment the CR arrives, before the LF is known; the LF that follows
  /// belongs to no event. With ``SSEParser/Options/flushOnEOF`` an event flushed at the
  /// end of the stream ends at the stream's end.
  public var byteRange: Range<Int>

  public init(type: String, data: String, lastEventId: String, retry: Int?, byteRange: Range<Int>) {
    self.type = type
    self.data = data
    self.lastEventId = lastEventId
    self.retry = retry
    self.byteRange = byteRange
  }

  public var description: String {
    "event \(type) [\(byteRange.lowerBound)..<\(byteRange.upperBound)] id=\(lastEventId.debugDescription) "
      + "retry=\(retry.map(String.init) ?? "nil") data=\(data.debugDescription)"
  }
}

/// A comment line (one starting with `:`). The spec ignores comments; the parser reports
/// them so that keep-alive traffic can be monitored, never as events.
public struct SSEComment: Sendable, Hashable, CustomStringConvertible {
  /// The text after the colon, with one leading U+0020 removed as for field values.
  public var text: String
  /// Raw stream offset of the colon that starts the line.
  public var offset: Int

  public init(text: String, offset: Int) {
    self.text = text
    self.offset = offset
  }

  public var description: String { "comment @\(offset) \(text.debugDescription)" }
}

/// Everything ``SSEParser`` reports, in stream order.
public enum SSEOutput: Sendable, Hashable, CustomStringConvertible {
  case event(SSEEvent)
  case comment(SSEComment)
  case diagnostic(SSEDiagnostic)

  public var event: SSEEvent? { if case .event(let e) = self { e } else { nil } }
  public var comment: SSEComment? { if case .comment(let c) = self { c } else { nil } }
  public var diagnostic: SSEDiagnostic? { if case .diagnostic(let d) = self { d } else { nil } }

  public var description: String {
    switch self {
    case .event(let e): e.description
    case .comment(let c): c.description
    case .diagnostic(let d): d.description
    }
  }
}

/// An event as ``SSEParser/feed(_:to:)`` hands it to an ``SSESink``: the data as bytes,
/// valid only during the sink's call (a span of the chunk being fed, or of the parser's
/// reused buffer). The data is valid UTF-8 (invalid sequences already became U+FFFD, with
/// the `sse.invalid_utf8` warning before the event), unless the sink defers that check
/// (``SSESink/defersUTF8Check``, ``utf8Checked``). ``event`` builds the ``SSEEvent``.
package struct SSEEventView {
  /// The event type (`"message"` when the event had none).
  package var type: String
  /// The type's index among the types the parser has seen named (the same index always
  /// stands for the same type, for the parser's life), or nil when the event had no type
  /// or the parser remembers no more types.
  package var knownType: Int?
  /// The data, lines joined with LF, without the trailing LF.
  package var data: UnsafeRawBufferPointer
  /// Whether ``data`` is a span of the chunk being fed (valid until ``SSEParser/feed(_:to:)``
  /// returns) rather than of the parser's own buffer (valid only during the sink's call).
  package var dataIsInChunk: Bool
  package var lastEventId: String
  package var retry: Int?
  /// As ``SSEEvent/byteRange``.
  package var byteRange: Range<Int>
  /// Whether ``data`` was checked to be UTF-8: always, unless the sink defers the check
  /// (``SSESink/defersUTF8Check``), and then never.
  package var utf8Checked: Bool

  package init(type: String, knownType: Int? = nil, data: UnsafeRawBufferPointer, dataIsInChunk: Bool,
               lastEventId: String, retry: Int?, byteRange: Range<Int>, utf8Checked: Bool = true)
  {
    self.utf8Checked = utf8Checked
    self.type = type
    self.knownType = knownType
    self.data = data
    self.dataIsInChunk = dataIsInChunk
    self.lastEventId = lastEventId
    self.retry = retry
    self.byteRange = byteRange
  }

  /// The event with its data as a `String` (a copy). O(data).
  package var event: SSEEvent {
    SSEEvent(type: type, data: String(decoding: data.assumingMemoryBound(to: UInt8.self), as: UTF8.self),
             lastEventId: lastEventId, retry: retry, byteRange: byteRange)
  }
}

/// What ``SSEParser/feed(_:to:)`` reports to, in stream order: events as byte views, and
/// comments and diagnostics as ``SSEOutput``s. An array of ``SSEOutput`` is one (each event
/// built as an ``SSEEvent``).
package protocol SSESink {
  /// A dispatched event; `event.data` is valid only during this call.
  mutating func appendEvent(_ event: SSEEventView)
  /// A comment or a diagnostic (never an event).
  mutating func append(_ output: SSEOutput)
  /// Whether the sink checks each event's data for UTF-8 itself, later (the action stream,
  /// whose JSON parser validates the data anyway): the parser then hands every event on
  /// unchecked (``SSEEventView/utf8Checked`` false) and reports nothing about its encoding,
  /// and the sink owes the WHATWG decoding for data it finds invalid: the
  /// `sse.invalid_utf8` warning (``SSEDiagnostic/invalidUTF8(byteRange:)``) just before the
  /// event, whose data is decoded with U+FFFD for each invalid sequence. False by default.
  var defersUTF8Check: Bool { get }
  /// Whether the sink takes events as bytes (``appendEvent(knownType:typeBytes:data:dataIsInChunk:byteRange:utf8Checked:)``)
  /// rather than as an ``SSEEventView``: a sink that keeps neither the type's `String` nor
  /// the last event ID (the action stream's batch) is then handed no `String`. False by default.
  static var takesEventBytes: Bool { get }
  /// A dispatched event, when ``takesEventBytes``: its type the parser's known type number
  /// `knownType` (the same number always stands for the same type), whose bytes are
  /// `typeBytes`, or no type (`message`: `knownType` nil); `data` valid only during this call
  /// (a span of the chunk being fed when `dataIsInChunk`). Never called for a sink that does
  /// not take event bytes, nor for an event whose type the parser does not number, nor for
  /// data it repaired: those come as ``appendEvent(_:)``.
  mutating func appendEvent(knownType: Int?, typeBytes: UnsafeRawBufferPointer, data: UnsafeRawBufferPointer,
                            dataIsInChunk: Bool, byteRange: Range<Int>, utf8Checked: Bool)
}

extension SSESink {
  package var defersUTF8Check: Bool { false }
  package static var takesEventBytes: Bool { false }
  package mutating func appendEvent(knownType: Int?, typeBytes: UnsafeRawBufferPointer, data: UnsafeRawBufferPointer,
                                    dataIsInChunk: Bool, byteRange: Range<Int>, utf8Checked: Bool)
  {
    preconditionFailure("an SSESink that takes event bytes implements appendEvent(knownType:…)")
  }
}

extension Array: SSESink where Element == SSEOutput {
  package mutating func appendEvent(_ event: SSEEventView) { append(.event(event.event)) }
}
