import SlateStream
import SlateJSON
import SlateSchema

// The schema layer's lines: an action or a rejection (after the value's place), with its
// validation errors and coercion warnings.

extension Action {
  /// `{"kind":"action",<place>,"type"[,"callId"],"key","keyDigest","queue","effects","phase"[,"warnings"],"payload"}`.
  public func jsonLine(_ value: StreamValue) -> JSONLine {
    var line = value.head("action", type: .string(type))
    line.add("key", .string(key.readable))
    line.add("keyDigest", .string(key.hex))
    line.add("queue", .string(queue))
    line.add("effects", .array(effects.map(JSONValue.string)))
    line.add("phase", phase.map(JSONValue.string) ?? .null)
    if !warnings.isEmpty { line.add("warnings", objects: warnings.map(JSONLine.init(warning:))) }
    add(payloadAs: "payload", to: &line)  // from the document when held so: nothing built
    return line
  }
}

extension Rejection {
  /// `{"kind":"rejected",<place>,"type"[,"callId"],"errors"[,"warnings"],"text"}`.
  public func jsonLine(_ value: StreamValue) -> JSONLine {
    var line = value.head("rejected", type: type.map(JSONValue.string) ?? .null)
    line.add("errors", objects: errors.map(JSONLine.init(validationError:)))
    if !warnings.isEmpty { line.add("warnings", objects: warnings.map(JSONLine.init(warning:))) }
    line.add("text", .string(String(decoding: bytes, as: UTF8.self)))
    return line
  }
}

extension JSONLine {
  /// `{"code","keyword","instancePath","schemaPath","params","message"[,"range":[from,to]]}`
  /// (`params` as ajv gives them).
  public init(validationError error: SlateSchema.ValidationError) {
    self.init()
    add("code", .string(error.code.rawValue))
    add("keyword", .string(error.keyword))
    add("instancePath", .string(error.instancePath))
    add("schemaPath", .string(error.schemaPath))
    add("params", error.params)
    add("message", .string(error.message))
    if let range = error.range {
      add("range", .array([.int(range.lowerBound), .int(range.upperBound)]))
    }
  }

  /// `{"instancePath","schemaPath","coercion","message"}`.
  public init(warning: CoercionWarning) {
    self.init()
    add("instancePath", .string(warning.instancePath))
    add("schemaPath", .string(warning.schemaPath))
    add("coercion", .string(warning.coercion.rawValue))
    add("message", .string(warning.message))
  }
}
