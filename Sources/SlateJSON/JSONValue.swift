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
    members.last { codePointsEqual($0.key, key) }?.value
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
/// Swift's Unicode canonical equivalence: JSON's and JSON Schema's string identity, for
/// sets and dictionary keys (SlateSchema's tables key by it too).
@usableFromInline
package struct CodePoints: Hashable, Sendable {
  package let string: String
  package init(_ string: String) { self.string = string }

  @usableFromInline package static func == (a: CodePoints, b: CodePoints) -> Bool {
    codePointsEqual(a.string, b.string)
  }

  /// The UTF-8 bytes in one `combine(bytes:)` (a `combine` per byte cost about ten times
  /// as much), then a terminator that is never a UTF-8 byte.
  @usableFromInline package func hash(into hasher: inout Hasher) {
    var string = string
    string.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    hasher.combine(0xFF as UInt8)
  }
}

/// Equality and hashing walk the values with explicit stacks (no native recursion), so
/// values of any depth compare and hash. O(size) time.
extension JSONValue: Hashable {
  public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
    var pending: [(JSONValue, JSONValue)] = []
    var pair = (lhs, rhs)
    while true {
      switch pair {
      case (.null, .null): break
      case let (.bool(a), .bool(b)): if a != b { return false }
      case let (.number(a), .number(b)): if a != b { return false }
      case let (.string(a), .string(b)): if !codePointsEqual(a, b) { return false }
      case let (.array(a), .array(b)):
        guard a.count == b.count else { return false }
        for i in a.indices.reversed() { pending.append((a[i], b[i])) }
      case let (.object(a), .object(b)):
        let members = a.distinctMembers
        guard members.count == b.distinctMembers.count else { return false }
        for member in members {
          guard let other = b[member.key] else { return false }
          pending.append((member.value, other))
        }
      default: return false
      }
      guard let next = pending.popLast() else { return true }
      pair = next
    }
  }

  public func hash(into hasher: inout Hasher) { hasher.combine(structuralDigest) }

  /// A hash of the value computed bottom-up with an explicit stack: scalars by kind and
  /// value (numbers by exact value, strings by code points), arrays by their elements in
  /// order, objects by a commutative sum over their distinct members (order-insensitive).
  private var structuralDigest: Int {
    enum Open {
      case array([JSONValue], next: Int, Hasher)
      case object([JSONMember], next: Int, sum: Int)
    }
    var stack: [Open] = []
    var pending: JSONValue? = self
    var result = 0
    var delivered = false  // `result` is a finished child of `stack.last`
    while true {
      if let value = pending {
        pending = nil
        var hasher = Hasher()
        switch value {
        case .null: hasher.combine(0 as UInt8)
        case .bool(let b): hasher.combine(1 as UInt8); hasher.combine(b)
        case .number(let n): hasher.combine(2 as UInt8); hasher.combine(n)
        case .string(let s): hasher.combine(3 as UInt8); hasher.combine(CodePoints(s))
        case .array(let elements):
          hasher.combine(4 as UInt8)
          hasher.combine(elements.count)
          stack.append(.array(elements, next: 0, hasher))
        case .object(let object):
          stack.append(.object(object.distinctMembers, next: 0, sum: 0))
        }
        switch value {
        case .array, .object: break
        default:
          result = hasher.finalize()
          delivered = true
        }
      }
      guard !stack.isEmpty else { return result }
      let top = stack.count - 1
      switch stack[top] {
      case .array(let elements, var next, var hasher):
        if delivered {
          hasher.combine(result)
          next += 1
          delivered = false
        }
        if next < elements.count {
          stack[top] = .array(elements, next: next, hasher)
          pending = elements[next]
        } else {
          result = hasher.finalize()
          stack.removeLast()
          delivered = true
        }
      case .object(let members, var next, var sum):
        if delivered {
          var member = Hasher()
          member.combine(CodePoints(members[next].key))
          member.combine(result)
          sum = sum &+ member.finalize()
          next += 1
          delivered = false
        }
        if next < members.count {
          stack[top] = .object(members, next: next, sum: sum)
          pending = members[next].value
        } else {
          var hasher = Hasher()
          hasher.combine(5 as UInt8)
          hasher.combine(sum)
          result = hasher.finalize()
          stack.removeLast()
          delivered = true
        }
      }
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

  /// Which of the six JSON types the value is.
  public var kind: JSONKind {
    switch self {
    case .null: .null
    case .bool: .bool
    case .number: .number
    case .string: .string
    case .array: .array
    case .object: .object
    }
  }

  /// The JSON type name (``JSONKind/typeName``).
  public var typeName: String { kind.typeName }
}

/// The six JSON types, of a ``JSONValue`` or a ``JSONNode``.
public enum JSONKind: Sendable, Equatable {
  case null, bool, number, string, array, object

  /// The type's name as JSON Schema spells it ("integer" is not distinguished here): the
  /// one spelling of ``JSONValue/typeName`` and ``JSONNode/typeName``.
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
