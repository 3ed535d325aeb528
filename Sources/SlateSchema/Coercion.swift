import SlateJSON

/// A named, safe repair of a common model slip, applied only where a pack opts in
/// (`x-slate-coerce`) and only where the schema's expectation is unambiguous.
///
/// A coercion never makes an invalid value valid by guessing: it applies where exactly one
/// reading exists, the keyword it repairs would otherwise fail, and the result is then
/// validated by every other keyword like any value. Each one applied is reported as a
/// ``CoercionWarning`` (`schema.coerced`) with its instance path, and the action's payload
/// carries the repaired value.
///
/// Where coercions apply: along `properties`, `additionalProperties`, `prefixItems`,
/// `items`, `$ref`, `allOf` and the `then`/`else` chosen by `if`. Never inside `anyOf`,
/// `oneOf`, `not`, `if` or `propertyNames`, whose outcome must not depend on a repair.
public enum Coercion: String, Sendable, CaseIterable, Hashable {
  /// A string holding exactly a JSON number (`"12"`, `"2.5"`, `"-1e3"`; no spaces) where the
  /// schema's `type` admits number or integer but not string.
  case stringToNumber = "string-to-number"
  /// `"true"` / `"false"` (any ASCII case) where `type` admits boolean but not string.
  case stringToBoolean = "string-to-boolean"
  /// A number where `type` admits string but neither number nor integer: its lexeme.
  case numberToString = "number-to-string"
  /// A string that is not in an `enum` (or `const`) but equals exactly one string member
  /// under Unicode case folding: that member.
  case enumCase = "enum-case"
  /// A single non-array value where `type` admits only array: a one-element array.
  case singleToArray = "single-to-array"
  /// An optional property (not in the object's `required`) whose value is `null` and whose
  /// schema rejects `null`: the property is removed.
  case nullToAbsent = "null-to-absent"
}

/// A set of ``Coercion``s.
public struct CoercionSet: OptionSet, Sendable, Hashable {
  public let rawValue: UInt8
  public init(rawValue: UInt8) { self.rawValue = rawValue }

  public init(_ coercion: Coercion) {
    self.init(rawValue: 1 << UInt8(Coercion.allCases.firstIndex(of: coercion)!))
  }

  public init(_ coercions: some Sequence<Coercion>) {
    self.init(rawValue: 0)
    for c in coercions { insert(CoercionSet(c)) }
  }

  public func contains(_ coercion: Coercion) -> Bool { contains(CoercionSet(coercion)) }

  /// The members, in declaration order.
  public var coercions: [Coercion] { Coercion.allCases.filter { contains($0) } }
}

/// A coercion that was applied: a warning, not an error.
public struct CoercionWarning: Sendable, Hashable, CustomStringConvertible {
  public var coercion: Coercion
  /// Where in the value (JSON Pointer).
  public var instancePath: String
  /// The keyword that the original value failed (JSON Pointer into the schema document).
  public var schemaPath: String
  /// The value as it came.
  public var original: JSONValue
  /// The value as validated; nil when the member was removed (`null-to-absent`).
  public var replacement: JSONValue?
  public var range: Range<Int>?

  /// Always `schema.coerced`.
  public var code: String { "schema.coerced" }

  public var message: String {
    if let replacement {
      return "\(original.canonicalString) coerced to \(replacement.canonicalString)"
    }
    return "null member removed"
  }

  public var description: String {
    "\(code) \(coercion.rawValue) at \"\(instancePath)\" (#\(schemaPath)): \(message)"
  }
}
