/// One value a ``JSONFramer`` completed: its position among the framed values, where it
/// lies in the text, and its bytes (validated, padded for simdjson).
///
/// The value itself is parsed from the bytes by simdjson, once: eagerly by a framer created
/// with a parser (``value`` or ``document`` is then set, as its ``ValueForm`` says), or later
/// by ``parse(with:)`` / ``parseDocument(with:)``.
public struct FramedValue: Sendable {
  /// 0 for the first framed value of the text, then 1, 2, …
  public var index: Int
  /// Byte offsets in the text (counted from the first byte ever fed) of the value's first
  /// byte and one past its last byte. Surrounding whitespace and separators are excluded.
  public var range: Range<Int>
  /// The value's bytes, exactly `range.count` of them, followed by simdjson's padding.
  public var bytes: PaddedBytes
  /// The parsed value when the framer builds values (``ValueForm/value``); nil otherwise.
  public var value: JSONValue?
  /// The parsed document when the framer keeps documents (``ValueForm/document``); nil otherwise.
  public var document: JSONDocumentCopy?

  public init(index: Int, range: Range<Int>, bytes: PaddedBytes, value: JSONValue? = nil,
              document: JSONDocumentCopy? = nil)
  {
    self.index = index
    self.range = range
    self.bytes = bytes
    self.value = value
    self.document = document
  }

  /// Parses the bytes with simdjson (no copy). Errors carry offsets in the text, not in the
  /// value. The framer has validated the syntax already, so the only error a default-limits
  /// parser can report is `json.number_out_of_range` (a number no double can hold).
  /// O(bytes).
  public func parse(with parser: SimdjsonParser) throws(JSONParseError) -> JSONValue {
    do {
      return try parser.parse(bytes)
    } catch {
      throw shifted(error)
    }
  }

  /// Parses the bytes with simdjson (no copy of the input) and keeps the document: its tape,
  /// strings and number lexemes copied into one block; no ``JSONValue`` is built. The same
  /// errors, with the same offsets, as ``parse(with:)``. O(bytes); one allocation.
  public func parseDocument(with parser: SimdjsonParser) throws(JSONParseError) -> JSONDocumentCopy {
    do {
      return try parser.parseCopy(bytes)
    } catch {
      throw shifted(error)
    }
  }

  /// `error` with its offset counted in the text rather than in the value.
  private func shifted(_ error: JSONParseError) -> JSONParseError {
    var shifted = error
    shifted.offset += range.lowerBound
    return shifted
  }
}

/// What a ``JSONFramer`` given a parser keeps of each value it completes.
public enum ValueForm: Sendable, Hashable {
  /// The value built as a ``JSONValue`` (``FramedValue/value``): one allocation per
  /// container and per string longer than 15 bytes.
  case value
  /// simdjson's parsed document, copied into one block (``FramedValue/document``): read it
  /// in place through ``JSONNode``s, or build the ``JSONValue`` when needed
  /// (``JSONDocumentCopy/value``). One allocation per value.
  case document
}

/// The early announcement of an object value still in progress: its discriminator and key
/// fields are complete (see ``AnnouncementRule``). Reported at most once per value, before
/// the value itself.
public struct ValueAnnouncement: Sendable {
  /// The index the value will have when it completes.
  public var index: Int
  /// Text offset of the value's first byte (its `{`).
  public var offset: Int
  /// Text offset one past the last byte of the member that completed the announcement.
  public var readyAt: Int
  /// The discriminator's value (e.g. `"create_scene"`).
  public var type: JSONValue
  /// The key fields' values, in the order the rule names them.
  public var keys: JSONObject
}

/// An error the framer met: a stable code, the text offset of the offending byte (the
/// input's length when the input ended too soon), and a message saying what was expected
/// and what came. The offset does not depend on how the text was chunked.
public struct FramerDiagnostic: Sendable, Equatable, CustomStringConvertible {
  /// `json.*` (``DiagnosticCode/jsonUnexpectedByte`` …).
  public var code: DiagnosticCode
  public var offset: Int
  public var message: String

  public init(code: DiagnosticCode, offset: Int, message: String) {
    self.code = code
    self.offset = offset
    self.message = message
  }

  public var description: String { "\(code.rawValue) at byte \(offset): \(message)" }
}

/// What a ``JSONFramer`` reports, in text order.
public enum FramerEvent: Sendable {
  /// An object value's discriminator and key fields are complete; the value is not.
  case started(ValueAnnouncement)
  /// A value completed.
  case value(FramedValue)
  /// An error; it is the last event of the framer.
  case diagnostic(FramerDiagnostic)
}

/// Which members of an object value are announced early: the discriminator (whose value
/// names the action, e.g. `type`) and key fields (top-level member names of the value, e.g.
/// `scene_id`). An announcement fires once all of them are complete; their values must be
/// scalars (a string, number, `true`, `false` or `null`): a value whose discriminator or
/// key field is an array or object is reported only when it completes. When a member
/// repeats before the announcement fires, the later occurrence counts. A value already
/// larger than ``FramerLimits/maxValueBytes`` where its announcement would fire is not
/// announced (it ends in `json.value_too_large` whatever comes).
public struct AnnouncementRule: Sendable, Hashable {
  public var discriminator: String
  public var keyFields: [String]

  public init(discriminator: String = "type", keyFields: [String] = []) {
    self.discriminator = discriminator
    self.keyFields = keyFields
  }
}
