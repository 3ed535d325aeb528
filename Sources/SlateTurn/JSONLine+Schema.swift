import SlateStream
import SlateJSON
import SlateSchema

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
      add("range", .array([.number(JSONNumber(range.lowerBound)), .number(JSONNumber(range.upperBound))]))
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
