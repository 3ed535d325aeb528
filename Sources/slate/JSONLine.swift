import SlateJSON
import SlateSchema

/// One JSON object with its members in the order they are added, for JSON-lines output
/// (the canonical form would sort them). Strings are escaped as the canonical form
/// escapes them.
struct JSONLine {
  private var bytes: [UInt8] = [UInt8(ascii: "{")]

  /// Adds a member whose value is any JSON value (written canonically).
  mutating func add(_ key: String, _ value: JSONValue) {
    addKey(key)
    JSONValue.writeCanonical(value, into: &bytes)
  }

  /// Adds a member whose value is an array of objects built with `JSONLine`.
  mutating func add(_ key: String, objects: [JSONLine]) {
    addKey(key)
    bytes.append(UInt8(ascii: "["))
    for (i, object) in objects.enumerated() {
      if i > 0 { bytes.append(UInt8(ascii: ",")) }
      bytes.append(contentsOf: object.closed)
    }
    bytes.append(UInt8(ascii: "]"))
  }

  /// The object's text.
  var text: String { String(decoding: closed, as: UTF8.self) }

  private var closed: [UInt8] { bytes + [UInt8(ascii: "}")] }

  private mutating func addKey(_ key: String) {
    if bytes.count > 1 { bytes.append(UInt8(ascii: ",")) }
    JSONValue.writeCanonicalString(key, into: &bytes)
    bytes.append(UInt8(ascii: ":"))
  }
}

extension JSONLine {
  /// `{"code","keyword","instancePath","schemaPath","message"[,"range":[from,to]]}`.
  init(validationError error: SlateSchema.ValidationError) {
    self.init()
    add("code", .string(error.code.rawValue))
    add("keyword", .string(error.keyword))
    add("instancePath", .string(error.instancePath))
    add("schemaPath", .string(error.schemaPath))
    add("message", .string(error.message))
    if let range = error.range {
      add("range", .array([.number(JSONNumber(range.lowerBound)), .number(JSONNumber(range.upperBound))]))
    }
  }

  /// `{"instancePath","schemaPath","coercion","message"}`.
  init(warning: CoercionWarning) {
    self.init()
    add("instancePath", .string(warning.instancePath))
    add("schemaPath", .string(warning.schemaPath))
    add("coercion", .string(warning.coercion.rawValue))
    add("message", .string(warning.message))
  }
}
