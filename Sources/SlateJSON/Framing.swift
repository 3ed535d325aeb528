/// How a ``JSONFramer`` divides a text into values.
///
/// The framed values are the units a consumer acts on (one action each); everything around
/// them (the brackets and commas of an enclosing array, the other members of an enclosing
/// object, whitespace) is validated and dropped.
public enum Framing: Sendable, Hashable, CustomStringConvertible {
  /// The elements of one top-level array: `[ v0 , v1 , … ]`, then only whitespace.
  case array
  /// Top-level values one after another: separated by whitespace or newlines (NDJSON), or
  /// concatenated with nothing between them when the first one ends with `}`, `]` or `"`
  /// (`{}{}`, `[1][2]`, `"a""b"`). A number or literal must be followed by whitespace
  /// before the next value (`1 2` is two values, `12` is one, `1-2` and `truenull` are errors).
  case sequence
  /// The elements of the array under the member `name` of a top-level object. The other
  /// members are validated and skipped; a member `name` nested deeper does not count. The
  /// member's value must be an array; when `name` occurs more than once, the elements of
  /// every occurrence are framed, in order.
  case field(String)
  /// Exactly one value, then only whitespace (else `json.trailing_content`).
  case value
  /// ``array`` when the first non-whitespace byte is `[`, else ``sequence``.
  case auto

  /// `auto`, `array`, `sequence`, `value` or `field:NAME` (the spelling of ``description``).
  public init?(_ text: String) {
    switch text {
    case "auto": self = .auto
    case "array": self = .array
    case "sequence": self = .sequence
    case "value": self = .value
    default:
      guard text.hasPrefix("field:"), text.utf8.count > "field:".utf8.count else { return nil }
      self = .field(String(text.dropFirst("field:".count)))
    }
  }

  public var description: String {
    switch self {
    case .array: "array"
    case .sequence: "sequence"
    case .field(let name): "field:\(name)"
    case .value: "value"
    case .auto: "auto"
    }
  }
}
