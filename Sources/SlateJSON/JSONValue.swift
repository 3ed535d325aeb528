/// A parsed JSON value (RFC 8259).
///
/// Objects keep their members in source order, duplicates included; lookup by key returns
/// the last member with that key (as ECMAScript's `JSON.parse` does). Numbers keep their
/// lexeme (``JSONNumber``).
///
/// Equality follows JSON Schema's notion of instance equality: strings compare by code
/// points (not by Swift's canonical equivalence, so NFC and NFD spellings differ), numbers
/// by mathematical value, arrays element-wise, objects as sets of members regardless of
/// order. Hashing agrees with equality.
public enum JSONValue: Sendable {
  case null
  case bool(Bool)
  case number(JSONNumber)
  case string(String)
  case array([JSONValue])
  case object(JSONObject)
}

/// One member of a JSON object.
public struct JSONMember: Sendable {
  public var key: String
  public var value: JSONValue

  public init(key: String, value: JSONValue) {
    self.key = key
    self.value = value
  }
}

/// The members of a JSON object, in source order.
public struct JSONObject: Sendable, RandomAccessCollection {
  public var members: [JSONMember]

  public init(_ members: [JSONMember] = []) { self.members = members }

  public var startIndex: Int { members.startIndex }
  public var endIndex: Int { members.endIndex }
  public subscript(position: Int) -> JSONMember { members[position] }

  /// The value of the last member named `key` (code-point comparison), or nil. O(members).
  public subscript(key: String) -> JSONValue? {
    members.last { $0.key.utf8.elementsEqual(key.utf8) }?.value
  }

  /// The distinct keys, last occurrence winning, in order of first appearance.
  public var keys: [String] {
    var seen = Set<CodePoints>()
    var out: [String] = []
    for member in members where seen.insert(CodePoints(member.key)).inserted { out.append(member.key) }
    return out
  }

  public mutating func append(key: String, value: JSONValue) {
    members.append(JSONMember(key: key, value: value))
  }
}

/// A string compared and hashed by its UTF-8 bytes (i.e. by code points), not by
/// Swift's Unicode canonical equivalence.
@usableFromInline
struct CodePoints: Hashable {
  let string: String
  init(_ string: String) { self.string = string }

  @usableFromInline static func == (a: CodePoints, b: CodePoints) -> Bool {
    a.string.utf8.elementsEqual(b.string.utf8)
  }

  @usableFromInline func hash(into hasher: inout Hasher) {
    for byte in string.utf8 { hasher.combine(byte) }
    hasher.combine(0xFF as UInt8)  // terminator: never a UTF-8 byte
  }
}

extension JSONValue: Hashable {
  public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
    switch (lhs, rhs) {
    case (.null, .null): return true
    case let (.bool(a), .bool(b)): return a == b
    case let (.number(a), .number(b)): return a == b
    case let (.string(a), .string(b)): return a.utf8.elementsEqual(b.utf8)
    case let (.array(a), .array(b)): return a == b
    case let (.object(a), .object(b)):
      let keys = a.keys
      guard keys.count == b.keys.count else { return false }
      for key in keys {
        guard let other = b[key], other == a[key]! else { return false }
      }
      return true
    default: return false
    }
  }

  public func hash(into hasher: inout Hasher) {
    switch self {
    case .null: hasher.combine(0 as UInt8)
    case .bool(let b): hasher.combine(1 as UInt8); hasher.combine(b)
    case .number(let n): hasher.combine(2 as UInt8); hasher.combine(n)
    case .string(let s): hasher.combine(3 as UInt8); hasher.combine(CodePoints(s))
    case .array(let a): hasher.combine(4 as UInt8); hasher.combine(a)
    case .object(let o):
      // Order-insensitive: a commutative sum of each distinct member's own hash.
      hasher.combine(5 as UInt8)
      var sum = 0
      for key in o.keys {
        var member = Hasher()
        member.combine(CodePoints(key))
        member.combine(o[key]!)
        sum = sum &+ member.finalize()
      }
      hasher.combine(sum)
    }
  }
}

extension JSONValue {
  public var isNull: Bool { if case .null = self { return true } else { return false } }
  public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
  public var numberValue: JSONNumber? { if case .number(let n) = self { return n } else { return nil } }
  public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
  public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }
  public var objectValue: JSONObject? { if case .object(let o) = self { return o } else { return nil } }

  /// The member named `key` of an object (last occurrence), else nil.
  public subscript(key: String) -> JSONValue? { objectValue?[key] }

  /// The element at `index` of an array, else nil.
  public subscript(index: Int) -> JSONValue? {
    guard case .array(let a) = self, a.indices.contains(index) else { return nil }
    return a[index]
  }

  /// The JSON type name as JSON Schema spells it ("integer" is not distinguished here).
  public var typeName: String {
    switch self {
    case .null: "null"
    case .bool: "boolean"
    case .number: "number"
    case .string: "string"
    case .array: "array"
    case .object: "object"
    }
  }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByStringLiteral,
  ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByArrayLiteral,
  ExpressibleByDictionaryLiteral
{
  public init(nilLiteral: ()) { self = .null }
  public init(booleanLiteral value: Bool) { self = .bool(value) }
  public init(stringLiteral value: String) { self = .string(value) }
  public init(integerLiteral value: Int64) { self = .number(JSONNumber(value)) }
  public init(floatLiteral value: Double) { self = JSONNumber(value).map(JSONValue.number) ?? .null }
  public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
  public init(dictionaryLiteral elements: (String, JSONValue)...) {
    self = .object(JSONObject(elements.map { JSONMember(key: $0.0, value: $0.1) }))
  }
}

extension JSONValue: CustomStringConvertible {
  /// The canonical serialization (see ``JSONValue/canonicalString``).
  public var description: String { canonicalString }
}
