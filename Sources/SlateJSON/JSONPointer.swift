/// A JSON Pointer (RFC 6901): a sequence of reference tokens naming one value in a document.
///
/// `""` is the whole document; `"/a~1b/0"` is member `a/b`, then element 0. Parsing
/// rejects text that does not start with `/` and any `~` not followed by `0` or `1`
/// (RFC 6901 §3: "escaped = "~" ( "0" / "1" )"). The URI fragment form (`#/a%20b`,
/// RFC 6901 §6) is accepted by ``init(fragment:)``.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
  /// The unescaped reference tokens.
  public private(set) var tokens: [String]

  public enum ParseError: Error, Equatable, Sendable {
    /// `json_pointer.missing_slash`: a non-empty pointer must start with "/".
    case missingSlash
    /// `json_pointer.invalid_escape`: "~" not followed by "0" or "1", at this UTF-8 offset.
    case invalidEscape(offset: Int)
    /// `json_pointer.invalid_fragment`: bad percent-encoding or missing "#".
    case invalidFragment

    public var code: String {
      switch self {
      case .missingSlash: "json_pointer.missing_slash"
      case .invalidEscape: "json_pointer.invalid_escape"
      case .invalidFragment: "json_pointer.invalid_fragment"
      }
    }
  }

  /// The pointer to the whole document.
  public static let root = JSONPointer(tokens: [])

  public init(tokens: [String]) { self.tokens = tokens }

  /// Parses the JSON string representation (RFC 6901 §5).
  public init(_ text: String) throws(ParseError) {
    if text.isEmpty {
      self.tokens = []
      return
    }
    let bytes = Array(text.utf8)
    guard bytes.first == UInt8(ascii: "/") else { throw .missingSlash }
    var tokens: [String] = []
    var current: [UInt8] = []
    var i = 1
    while i < bytes.count {
      let b = bytes[i]
      if b == UInt8(ascii: "/") {
        tokens.append(String(decoding: current, as: UTF8.self))
        current.removeAll(keepingCapacity: true)
      } else if b == UInt8(ascii: "~") {
        // RFC 6901 §4: "first transforming any occurrence of the sequence '~1' to '/', and
        // then transforming any occurrence of the sequence '~0' to '~'" (done per token here,
        // which is equivalent since escapes do not overlap).
        guard i + 1 < bytes.count else { throw .invalidEscape(offset: i) }
        switch bytes[i + 1] {
        case UInt8(ascii: "0"): current.append(UInt8(ascii: "~"))
        case UInt8(ascii: "1"): current.append(UInt8(ascii: "/"))
        default: throw .invalidEscape(offset: i)
        }
        i += 1
      } else {
        current.append(b)
      }
      i += 1
    }
    tokens.append(String(decoding: current, as: UTF8.self))
    self.tokens = tokens
  }

  /// Parses the URI fragment identifier representation (RFC 6901 §6), e.g. `#/c%25d`.
  public init(fragment: String) throws(ParseError) {
    guard fragment.utf8.first == UInt8(ascii: "#") else { throw .invalidFragment }
    var decoded: [UInt8] = []
    let bytes = Array(fragment.utf8.dropFirst())
    var i = 0
    func hex(_ c: UInt8) -> UInt8? {
      switch c {
      case 48...57: c - 48
      case 65...70: c - 55
      case 97...102: c - 87
      default: nil
      }
    }
    while i < bytes.count {
      if bytes[i] == UInt8(ascii: "%") {
        guard i + 2 < bytes.count, let h = hex(bytes[i + 1]), let l = hex(bytes[i + 2]) else {
          throw .invalidFragment
        }
        decoded.append(h << 4 | l)
        i += 3
      } else {
        decoded.append(bytes[i])
        i += 1
      }
    }
    guard let text = String(validating: decoded, as: UTF8.self) else { throw .invalidFragment }
    try self.init(text)
  }

  /// The JSON string representation, with `~` as `~0` and `/` as `~1`.
  public var description: String {
    var out = ""
    for token in tokens {
      out += "/"
      for c in token.unicodeScalars {
        switch c {
        case "~": out += "~0"
        case "/": out += "~1"
        default: out.unicodeScalars.append(c)
        }
      }
    }
    return out
  }

  /// A pointer one level deeper.
  public func appending(_ token: String) -> JSONPointer { JSONPointer(tokens: tokens + [token]) }
  public func appending(_ index: Int) -> JSONPointer { appending(String(index)) }

  /// The value this pointer names in `document`, or nil when there is none.
  /// Array tokens must be "0" or a decimal without leading zeros (RFC 6901 §4); "-" names
  /// the (nonexistent) element after the last and so resolves to nil. O(tokens + members).
  public func resolve(in document: JSONValue) -> JSONValue? {
    var current = document
    for token in tokens {
      switch current {
      case .object(let object):
        guard let next = object[token] else { return nil }
        current = next
      case .array(let elements):
        guard let index = JSONPointer.arrayIndex(token), index < elements.count else { return nil }
        current = elements[index]
      default:
        return nil
      }
    }
    return current
  }

  /// ``resolve(in:)-(JSONValue)`` on a document's node: the same value, unbuilt (the last
  /// member of a repeated name, as ``JSONObject``'s lookup). O(tokens + members + elements).
  public func resolve(in document: JSONNode) -> JSONNode? {
    var current = document
    for var token in tokens {
      if current.isObject {
        guard let found = token.withUTF8({ current.member(named: UnsafeRawBufferPointer($0)) }) else { return nil }
        current = found
      } else if current.isArray {
        guard let index = JSONPointer.arrayIndex(token), index < current.count else { return nil }
        var elements = current.elements
        for _ in 0..<index { _ = elements.next() }
        guard let element = elements.next() else { return nil }
        current = element
      } else {
        return nil
      }
    }
    return current
  }

  /// RFC 6901 §4: array-index = %x30 / ( %x31-39 *(%x30-39) ).
  static func arrayIndex(_ token: String) -> Int? {
    let utf8 = token.utf8
    guard let first = utf8.first, first >= 48, first <= 57 else { return nil }
    if first == 48 { return utf8.count == 1 ? 0 : nil }
    var value = 0
    for c in utf8 {
      guard c >= 48, c <= 57 else { return nil }
      let (m, o1) = value.multipliedReportingOverflow(by: 10)
      let (s, o2) = m.addingReportingOverflow(Int(c - 48))
      if o1 || o2 { return nil }
      value = s
    }
    return value
  }
}
