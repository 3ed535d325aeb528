import SlateJSON
import SlateSSE
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A provider's event schema as an explicit state machine: SSE events in, ``Delta``s and
/// ``DialectDiagnostic``s out, in stream order.
///
/// Contract, for every dialect:
/// - ``feed(_:into:)`` reads one event and appends what it produced to `out` (it never
///   removes anything). Bad input never traps: a payload that is not JSON is reported as
///   `dialect.invalid_payload`, an unknown event or delta type as `dialect.unknown_event`
///   (info) and skipped.
/// - An event whose data cannot be read (not JSON, unless the SSE event is named `error`,
///   whose data is then the provider's error message) or that the SSE layer discarded
///   (``lost(at:into:)``) may have carried text or argument bytes: the dialect emits a
///   ``Delta/Kind/gap(_:)`` at its offset, except where it would have ignored the event
///   anyway (after Chat Completions' `[DONE]` or a Responses terminal event). An unreadable
///   event is a gap only once another event follows it: the last event of the input, cut
///   or damaged, joins nothing across it, so the input's end judges it (a truncation where
///   it left something open) and the gap is never emitted.
/// - Each payload is parsed once, whole, by the stream's one ``SimdjsonParser``.
/// - ``finish(at:into:)`` is called once, at the end of the input; it reports what is
///   still open (calls never ended, blocks never stopped, no terminal event) as diagnostics
///   and returns the final state, from which ``StreamStatus/init(_:)`` classifies the stream.
///
/// Complexity: O(size of the payload) per event, plus O(open calls) at a finish signal;
/// memory O(calls + choices + blocks) of bookkeeping (plus the argument text of calls whose
/// final arguments the provider repeats, to compare them).
///
/// Dialects hold a reference to their parser, so they are not `Sendable`: one task owns one.
public protocol Dialect {
  /// The dialect this state machine reads (for ``AutoDialect``: the one detected, or `auto`).
  var kind: DialectKind { get }

  /// Reads one event, appending its deltas and diagnostics to `out`.
  mutating func feed(_ event: DialectEvent, into out: inout [DialectOutput])

  /// An event starting near raw offset `offset` was lost before it reached the dialect (the
  /// SSE layer discarded it: a line or event past its limit, already reported): appends a
  /// ``Delta/Kind/gap(_:)`` where the lost event may have carried content.
  mutating func lost(at offset: Int, into out: inout [DialectOutput])

  /// The input ended at raw offset `offset`: appends end-of-stream diagnostics and
  /// returns the final state.
  mutating func finish(at offset: Int, into out: inout [DialectOutput]) -> DialectEnd
}

/// A dialect as ``ActionStream`` drives it: events as bytes (``EventBytes``), and text and
/// argument fragments handed on as spans of the parsed payload (``DialectOutputs``), with
/// no `String` in between. Every dialect of this module is one; the public ``Dialect``
/// methods are adapters over these that build each ``Delta`` with its `String`s.
protocol EventDialect: Dialect {
  /// Reads one event (its data valid only during the call). Returns false, having read
  /// nothing and appended nothing, when the event's data was not known to be UTF-8
  /// (``EventBytes/utf8Checked``) and is not: the caller reports it and reads it repaired.
  mutating func read(_ event: EventBytes, into out: inout DialectOutputs) -> Bool
  /// As ``Dialect/lost(at:into:)``.
  mutating func lost(at offset: Int, into out: inout DialectOutputs)
  /// As ``Dialect/finish(at:into:)``.
  mutating func finish(at offset: Int, into out: inout DialectOutputs) -> DialectEnd
  /// The dialect this one only forwards to from now on (``AutoDialect`` once it has
  /// detected), or nil: read through it directly.
  var settled: (any EventDialect)? { get }
}

extension EventDialect {
  var settled: (any EventDialect)? { nil }
}

extension EventDialect {
  public mutating func feed(_ event: DialectEvent, into out: inout [DialectOutput]) {
    var outputs = DialectOutputs()
    event.withBytes { _ = read($0, into: &outputs) }  // a `String`'s bytes: UTF-8, always read
    outputs.appendOwned(to: &out)
  }

  public mutating func lost(at offset: Int, into out: inout [DialectOutput]) {
    var outputs = DialectOutputs()
    lost(at: offset, into: &outputs)
    outputs.appendOwned(to: &out)
  }

  public mutating func finish(at offset: Int, into out: inout [DialectOutput]) -> DialectEnd {
    var outputs = DialectOutputs()
    let end = finish(at: offset, into: &outputs)
    outputs.appendOwned(to: &out)
    return end
  }
}

extension Dialect {
  /// Reads one event and returns what it produced.
  public mutating func feed(_ event: DialectEvent) -> [DialectOutput] {
    var out: [DialectOutput] = []
    feed(event, into: &out)
    return out
  }
}

/// A dialect that ``AutoDialect`` can hand an already decoded event to, so that the
/// detector and the dialect parse each payload once between them.
protocol PayloadDialect: EventDialect {
  init(parser: SimdjsonParser)
  /// Decodes each event's data once, with the stream's one parser.
  var payloads: PayloadDecoder { get }
  /// Reads one event whose data has been decoded (never ``Payload/unreadable`` unless the
  /// event is named `error`: ``route(_:_:into:)`` holds the others as a pending loss).
  mutating func handle(_ event: EventBytes, _ payload: Payload, into out: inout DialectOutputs)
  /// The stream's end-of-stream bookkeeping, with the pending loss.
  var outcome: Outcome { get set }
  /// An event that may have carried content was lost at `offset` (certainly: something
  /// followed it): emits the gap, unless this dialect would have ignored the event.
  mutating func loseContent(at offset: Int, into out: inout DialectOutputs)
}

/// An event's data as decoded once for its dialect.
enum Payload {
  /// A JSON document, read in place (valid until the stream's parser parses again).
  case json(JSONNode)
  /// The `[DONE]` sentinel (surrounding whitespace allowed).
  case done
  /// Empty or only whitespace (already reported as `dialect.empty_payload`): it carried nothing.
  case invalid
  /// Not JSON (already reported as `dialect.invalid_payload`): what it carried is lost.
  case unreadable
}

/// An event's type: the payload's `type` read in place, or the SSE event name. Matched
/// against literals in `switch` (`case "message_start":`) without building a `String`.
enum EventType {
  case payload(UnsafeRawBufferPointer)
  case name(String)

  /// The type as text (for messages).
  var text: String {
    switch self {
    case .payload(let bytes): String(jsonBytes: bytes)
    case .name(let name): name
    }
  }

  static func ~= (literal: JSONKey, type: EventType) -> Bool {
    switch type {
    case .payload(let bytes): sameBytes(bytes, literal.bytes)
    case .name(let name): name.utf8.elementsEqual(literal.bytes)
    }
  }
}

/// Whether two byte spans are equal: lengths first, then one `memcmp`.
@inline(__always)
func sameBytes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
  guard a.count == b.count else { return false }
  guard let x = a.baseAddress, let y = b.baseAddress else { return true }
  return memcmp(x, y, a.count) == 0
}

/// A ``Payload`` kept past the parser's next parse (the events ``AutoDialect`` holds
/// before detection): its document copied once.
enum KeptPayload {
  case json(JSONDocumentCopy)
  case done
  case invalid
  case unreadable

  init(_ payload: Payload) {
    switch payload {
    case .json(let node): self = .json(node.copy())
    case .done: self = .done
    case .invalid: self = .invalid
    case .unreadable: self = .unreadable
    }
  }

  /// Calls `body` with the payload (a JSON node valid only inside `body`).
  func withPayload<R>(_ body: (Payload) -> R) -> R {
    switch self {
    case .json(let copy): copy.withRoot { body(.json($0)) }
    case .done: body(.done)
    case .invalid: body(.invalid)
    case .unreadable: body(.unreadable)
    }
  }
}

/// Decodes event data with the stream's one parser: the `[DONE]` sentinel, or one JSON
/// document parsed whole by simdjson. O(data) per event; the parser reuses its buffers.
///
/// Data not known to be UTF-8 (``EventBytes/utf8Checked``) needs no check of its own when
/// it is `[DONE]` or whitespace (ASCII) or when simdjson parses it (simdjson validates the
/// UTF-8 of all of its input, as strictly as ``SSEParser/isValidUTF8(_:)``): only data that
/// fails to parse is checked, once (``decodeQuietly(_:failure:)``).
struct PayloadDecoder {
  let parser: SimdjsonParser

  /// Decodes the event's data without reporting anything: the payload (``Payload/invalid``
  /// for empty data, ``Payload/unreadable`` for data that is not JSON, its error in
  /// `failure`), or nil when the data, not known to be UTF-8, is not (nothing else is done
  /// then). The JSON node is valid until the parser's next parse. (A plain payload out, the
  /// rare error beside it: a result holding the error would be copied and destroyed through
  /// value witnesses at every event.)
  func decodeQuietly(_ event: EventBytes, failure: inout JSONParseError?) -> Payload? {
    let bytes = event.data
    var start = 0
    var end = bytes.count
    while start < end, PayloadDecoder.isWhitespace(bytes[start]) { start += 1 }
    while end > start, PayloadDecoder.isWhitespace(bytes[end - 1]) { end -= 1 }
    if start == end { return .invalid }
    if end - start == 6, bytes[start..<end].elementsEqual("[DONE]".utf8) { return .done }
    let result = Result { () throws(JSONParseError) in try parser.parseDocument(bytes, readableAfter: event.readableAfter) }
    switch result {
    case .success(let document):
      return .json(document.root)
    case .failure(let error):
      if !event.utf8Checked && !SSEParser.isValidUTF8(bytes) { return nil }
      failure = error
      return .unreadable
    }
  }

  /// Reports what ``decodeQuietly(_:failure:)`` found (an empty payload, one that is not
  /// JSON, with its `failure`) and returns the payload.
  func report(_ payload: Payload, failure: JSONParseError?, of event: EventBytes, into out: inout DialectOutputs) -> Payload {
    switch payload {
    case .invalid:
      out.report(.emptyPayload, at: event.offset, "expected a JSON payload or [DONE]; the event's data is empty")
    case .unreadable:
      if let error = failure { reportInvalid(error, of: event, into: &out) }
    case .json, .done:
      break
    }
    return payload
  }

  /// `dialect.invalid_payload` for data simdjson refused with `error`. Out of line: rare.
  @inline(never)
  func reportInvalid(_ error: JSONParseError, of event: EventBytes, into out: inout DialectOutputs) {
    let shown = PayloadDecoder.excerpt(event.text)
    out.append(.diagnostic(DialectDiagnostic(
      .invalidPayload, offset: event.offset,
      message: "expected one JSON document as the event's data; \(error.code.rawValue) at byte \(error.offset) of the data in \(shown)",
      jsonError: error)))
  }

  /// The first 60 characters of `text`, quoted, for messages.
  static func excerpt(_ text: String) -> String {
    let head = text.prefix(60)
    return JSONValue.string(String(head)).canonicalString + (head.endIndex < text.endIndex ? "…" : "")
  }

  static func isWhitespace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
  }
}

extension PayloadDialect {
  /// Reads one event: ``decodeAndRead(_:into:)`` (a dialect may read some events otherwise
  /// first: ``AnthropicDialect``).
  mutating func read(_ event: EventBytes, into out: inout DialectOutputs) -> Bool {
    decodeAndRead(event, into: &out)
  }

  /// Decodes one event's data once, then ``handle(_:_:into:)``. False, having done nothing,
  /// when the data was not known to be UTF-8 and is not.
  mutating func decodeAndRead(_ event: EventBytes, into out: inout DialectOutputs) -> Bool {
    var failure: JSONParseError?
    guard let payload = payloads.decodeQuietly(event, failure: &failure) else { return false }
    confirmLoss(into: &out)
    route(event, payloads.report(payload, failure: failure, of: event, into: &out), into: &out)
    return true
  }

  /// An event discarded by the SSE layer: a loss (after confirming any pending one).
  mutating func lost(at offset: Int, into out: inout DialectOutputs) {
    confirmLoss(into: &out)
    loseContent(at: offset, into: &out)
  }

  /// Hands a decoded event to ``handle(_:_:into:)``, or, when its data could not be read
  /// and it is not the provider's `error` event, holds it as the pending loss, which the
  /// next event confirms (``confirmLoss(into:)``) and the end of the input drops.
  mutating func route(_ event: EventBytes, _ payload: Payload, into out: inout DialectOutputs) {
    if PendingLoss.isLoss(event, payload) {
      outcome.pendingLoss.hold(at: event.offset)
    } else {
      handle(event, payload, into: &out)
    }
  }

  /// Another event follows the pending loss: it is a gap.
  mutating func confirmLoss(into out: inout DialectOutputs) {
    guard let offset = outcome.pendingLoss.confirm() else { return }
    loseContent(at: offset, into: &out)
  }

  /// The payload's `type`, read in place, reporting `dialect.event_type_mismatch` when the
  /// SSE event name differs from it (Responses and Anthropic repeat the name in `type`).
  /// Falls back to the event name when the payload has no `type`; nil (reported) when
  /// there is neither.
  func eventType(_ event: EventBytes, _ value: JSONNode, into out: inout DialectOutputs) -> EventType? {
    eventType(event, value.stringBytes("type"), into: &out)
  }

  /// As the lookup above, with the payload's `type` already read (nil when absent or not a string).
  func eventType(_ event: EventBytes, _ payloadType: UnsafeRawBufferPointer?, into out: inout DialectOutputs) -> EventType? {
    // Bytes first; only differing bytes build the `String`s (equal by canonical equivalence, as before).
    if !event.nameBytes.isEmpty, let payloadType, !sameBytes(event.nameBytes, payloadType),
       let name = event.name, name != String(jsonBytes: payloadType)
    {
      out.report(.eventTypeMismatch, at: event.offset,
                 "expected the event name to repeat the payload type \"\(String(jsonBytes: payloadType))\"; the event is named \"\(name)\"")
    }
    if let payloadType { return .payload(payloadType) }
    guard let name = event.name else {
      out.report(.unexpectedPayload, at: event.offset, "expected an event with a \"type\"; got \(PayloadDecoder.excerpt(event.text))")
      return nil
    }
    return .name(name)
  }

  /// The payload's `type`, reporting `dialect.event_type_mismatch` when the SSE event name
  /// differs from it (Responses and Anthropic repeat the name in `type`). Falls back to
  /// the event name when the payload has no `type`; nil (reported) when there is neither.
  func eventType(_ event: EventBytes, _ value: JSONValue, into out: inout DialectOutputs) -> String? {
    let payloadType = value.string("type")
    if let name = event.name, let payloadType, name != payloadType {
      out.report(.eventTypeMismatch, at: event.offset,
                 "expected the event name to repeat the payload type \"\(payloadType)\"; the event is named \"\(name)\"")
    }
    guard let type = payloadType ?? event.name else {
      out.report(.unexpectedPayload, at: event.offset, "expected an event with a \"type\"; got \(PayloadDecoder.excerpt(event.text))")
      return nil
    }
    return type
  }
}
