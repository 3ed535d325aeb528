import SlateJSON

/// How a provider lays out the JSON it writes: the separator between members or elements
/// and the one between a key and its value. Members are written in the order the value
/// holds them (not sorted, unlike ``JSONValue/canonicalString``), strings escaped as the
/// canonical form escapes them (only `"` `\` and controls; other characters as UTF-8, as
/// every recorded provider does), numbers as their lexeme.
public struct JSONTextStyle: Sendable, Hashable {
  public var itemSeparator: String
  public var keySeparator: String

  public init(itemSeparator: String, keySeparator: String) {
    self.itemSeparator = itemSeparator
    self.keySeparator = keySeparator
  }

  /// `{"a":1,"b":2}`: OpenAI, Anthropic event envelopes.
  public static let compact = JSONTextStyle(itemSeparator: ",", keySeparator: ":")
  /// `{"a": 1, "b": 2}`: Python's `json.dumps` default (Anthropic tool input, `ping`,
  /// `error`; what models write as answer text).
  public static let spaced = JSONTextStyle(itemSeparator: ", ", keySeparator: ": ")
  /// `{"a": 1,"b": 2}`: Gemini's `alt=sse` chunks.
  public static let keySpaced = JSONTextStyle(itemSeparator: ",", keySeparator: ": ")
}

extension JSONValue {
  /// This value as JSON text in `style`, members in their order. O(size of the value).
  public func text(_ style: JSONTextStyle = .compact) -> String {
    var out: [UInt8] = []
    JSONValue.write(self, style, into: &out)
    return String(decoding: out, as: UTF8.self)
  }

  /// Appends the JSON text of `value` in `style` to `out`. Recursive, as deep as the value.
  public static func write(_ value: JSONValue, _ style: JSONTextStyle, into out: inout [UInt8]) {
    switch value {
    case .null, .bool, .string: writeCanonical(value, into: &out)
    case .number(let number): out.append(contentsOf: number.lexeme.utf8)
    case .array(let elements):
      out.append(UInt8(ascii: "["))
      for (i, element) in elements.enumerated() {
        if i > 0 { out.append(contentsOf: style.itemSeparator.utf8) }
        write(element, style, into: &out)
      }
      out.append(UInt8(ascii: "]"))
    case .object(let object):
      out.append(UInt8(ascii: "{"))
      for (i, member) in object.enumerated() {
        if i > 0 { out.append(contentsOf: style.itemSeparator.utf8) }
        writeCanonicalString(member.key, into: &out)
        out.append(contentsOf: style.keySeparator.utf8)
        write(member.value, style, into: &out)
      }
      out.append(UInt8(ascii: "}"))
    }
  }

  /// A JSON number from its lexeme, which the caller spells validly (`95.5`, `240`).
  static func decimal(_ lexeme: String) -> JSONValue {
    guard let number = JSONNumber(lexeme: lexeme) else { preconditionFailure("not a JSON number: \(lexeme)") }
    return .number(number)
  }

  /// An object from members in this order.
  static func members(_ pairs: [(String, JSONValue)]) -> JSONValue {
    .object(JSONObject(pairs.map { JSONMember(key: $0.0, value: $0.1) }))
  }
}
