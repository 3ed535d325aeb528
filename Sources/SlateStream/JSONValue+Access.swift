import SlateJSON

/// Small typed accessors the dialects use to read payloads. Each is O(members) of the
/// object it looks into (``JSONObject`` lookup is a linear scan, last member winning).
extension JSONValue {
  /// The string member `key`, or nil when absent or not a string.
  func string(_ key: String) -> String? { self[key]?.stringValue }

  /// The string member `key` when present and non-empty.
  func nonEmptyString(_ key: String) -> String? {
    guard let text = self[key]?.stringValue, !text.isEmpty else { return nil }
    return text
  }

  /// The integer member `key` when it is an integer that fits an `Int`.
  func int(_ key: String) -> Int? {
    guard let value = self[key]?.numberValue?.int64Value else { return nil }
    return Int(exactly: value)
  }

  /// The boolean member `key`, or nil.
  func bool(_ key: String) -> Bool? { self[key]?.boolValue }

  /// A string, or a number as its lexeme; nil for other values.
  var scalarText: String? {
    switch self {
    case .string(let text): text
    case .number(let number): number.lexeme
    default: nil
    }
  }

  /// JavaScript-style truthiness, as openai-python tests `data.get("error")`: null, false,
  /// "", 0, [] and {} are falsy.
  var isTruthy: Bool {
    switch self {
    case .null: false
    case .bool(let b): b
    case .number(let n): n.canonical != "0"
    case .string(let s): !s.isEmpty
    case .array(let a): !a.isEmpty
    case .object(let o): !o.isEmpty
    }
  }

  /// True for an object with no members.
  var isEmptyObject: Bool {
    if case .object(let o) = self { return o.isEmpty }
    return false
  }
}
