import SlateJSON

/// JSON Schema instance equality (2020-12 core §4.2.2) without allocation for scalars:
/// strings by code points, numbers by exact value, arrays element-wise, objects as sets of
/// members regardless of order. Agrees with `JSONValue`'s `==`, which it falls back to for
/// objects with duplicate keys. Containers are compared with a heap stack of pending pairs
/// (no native recursion, so `uniqueItems` over deep items is safe). O(size of the smaller).
enum InstanceEquality {
  static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
    var pending: [(JSONValue, JSONValue)] = []
    var pair = (a, b)
    while true {
      switch pair {
      case (.null, .null): break
      case let (.bool(x), .bool(y)):
        guard x == y else { return false }
      case let (.string(x), .string(y)):
        guard codePointsEqual(x, y) else { return false }
      case let (.number(x), .number(y)):
        guard codePointsEqual(x.lexeme, y.lexeme)
          || DecimalView.with(x, { xv, xb in DecimalView.with(y) { yv, yb in DecimalView.compare(xv, xb, yv, yb) == 0 } })
        else { return false }
      case let (.array(x), .array(y)):
        guard x.count == y.count else { return false }
        for i in x.indices.reversed() { pending.append((x[i], y[i])) }
      case let (.object(x), .object(y)):
        if Validator.hasDuplicateKeys(x) || Validator.hasDuplicateKeys(y) {
          guard pair.0 == pair.1 else { return false }
        } else {
          guard x.count == y.count else { return false }
          for member in x.members.reversed() {
            guard let other = Validator.member(member.key, of: y) else { return false }
            pending.append((member.value, other))
          }
        }
      default:
        return false
      }
      guard let next = pending.popLast() else { return true }
      pair = next
    }
  }
}

extension Validator {
  /// JSON Schema 2020-12 validation §6.1.1: the instance's type is one of the listed ones,
  /// where "integer" matches "any number with a zero fractional part".
  static func matches(_ mask: TypeMask, _ value: JSONValue) -> Bool {
    switch value {
    case .null: return mask.contains(.null)
    case .bool: return mask.contains(.boolean)
    case .string: return mask.contains(.string)
    case .array: return mask.contains(.array)
    case .object: return mask.contains(.object)
    case .number(let n):
      if mask.contains(.number) { return true }
      return mask.contains(.integer) && DecimalView.with(n) { view, _ in view.isInteger }
    }
  }

  /// "string", "integer" (for integral numbers), "number", … for messages.
  static func describeType(_ value: JSONValue) -> String {
    if case .number(let n) = value, DecimalView.with(n, { view, _ in view.isInteger }) { return "integer" }
    return value.typeName
  }

  /// The value of the last member named `name` (code-point comparison). O(members).
  static func member(_ name: String, of object: JSONObject) -> JSONValue? {
    // By index, last first: no member is copied (retained) until one matches.
    var i = object.members.count
    while i > 0 {
      i -= 1
      if codePointsEqual(object.members[i].key, name) { return object.members[i].value }
    }
    return nil
  }

  /// Whether two members share a key. Quadratic without allocation up to 32 members,
  /// hashed beyond.
  static func hasDuplicateKeys(_ object: JSONObject) -> Bool {
    let members = object.members
    if members.count < 2 { return false }
    if members.count <= 32 {
      for i in members.indices {
        for j in (i + 1)..<members.count where codePointsEqual(members[i].key, members[j].key) { return true }
      }
      return false
    }
    var seen = Set<Utf8Key>()
    for member in members where !seen.insert(Utf8Key(member.key)).inserted { return true }
    return false
  }

  /// The members with only the last occurrence of each key kept, in their order.
  static func lastOccurrences(_ object: JSONObject) -> [JSONMember] {
    var seen = Set<Utf8Key>()
    var out: [JSONMember] = []
    for member in object.members.reversed() where seen.insert(Utf8Key(member.key)).inserted { out.append(member) }
    return out.reversed()
  }

  static func distinctCount(_ object: JSONObject) -> Int {
    hasDuplicateKeys(object) ? lastOccurrences(object).count : object.count
  }

  /// The first pair of equal items (by index), or nil. Quadratic without allocation up to
  /// 64 items, hashed beyond.
  static func firstDuplicate(_ items: [JSONValue]) -> (Int, Int)? {
    if items.count <= 64 {
      for j in items.indices {
        for i in 0..<j where InstanceEquality.equal(items[i], items[j]) { return (i, j) }
      }
      return nil
    }
    var seen: [JSONValue: Int] = [:]
    for (j, item) in items.enumerated() {
      if let i = seen[item] { return (i, j) }
      seen[item] = j
    }
    return nil
  }

  /// The `type` coercions: a replacement value and the coercion that produced it, or nil.
  func coerceType(_ mask: TypeMask, _ value: JSONValue) -> (JSONValue, Coercion)? {
    let numeric = mask.contains(.number) || mask.contains(.integer)
    switch value {
    case .string(let s) where !mask.contains(.string):
      if numeric, coercions.contains(.stringToNumber), let n = JSONNumber(lexeme: s),
        Validator.matches(mask, .number(n))
      {
        return (.number(n), .stringToNumber)
      }
      if mask.contains(.boolean), coercions.contains(.stringToBoolean) {
        let lower = String(decoding: s.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
        if lower == "true" { return (.bool(true), .stringToBoolean) }
        if lower == "false" { return (.bool(false), .stringToBoolean) }
      }
    case .number(let n) where mask.contains(.string) && !numeric:
      if coercions.contains(.numberToString) { return (.string(n.lexeme), .numberToString) }
    default:
      break
    }
    if mask == .array, coercions.contains(.singleToArray) { return (.array([value]), .singleToArray) }
    return nil
  }
}
