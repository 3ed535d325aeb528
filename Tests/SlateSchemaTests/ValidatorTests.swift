import SlateJSON
import Testing

@testable import SlateSchema

/// Error reporting: paths, codes, modes, locations; instance semantics.
@Suite struct ValidatorTests {
  static let schemaText = ##"""
    {"type": "object", "required": ["id", "title"],
     "properties": {
       "id": {"$ref": "#/$defs/id"},
       "a/b": {"type": "array", "prefixItems": [{"type": "string"}], "items": false},
       "title": {"type": "string", "minLength": 2},
       "count": {"type": "integer", "minimum": 0}
     },
     "additionalProperties": false,
     "$defs": {"id": {"type": "string", "pattern": "^s[0-9]+$"}}}
    """##

  @Test func allErrorsReportEachFailureWithItsPaths() throws {
    let result = try schema(Self.schemaText).validate(try json(#"{"id": "x", "a/b": [1, "two"], "count": -1, "extra": true}"#))
    let rows = result.errors.map { [$0.code.rawValue, $0.keyword, $0.instancePath, $0.schemaPath] }
    #expect(rows == [
      ["schema.pattern", "pattern", "/id", "/$defs/id/pattern"],
      ["schema.type", "type", "/a~1b/0", "/properties/a~1b/prefixItems/0/type"],
      ["schema.items", "items", "/a~1b", "/properties/a~1b/items"],
      ["schema.minimum", "minimum", "/count", "/properties/count/minimum"],
      ["schema.additional_properties", "additionalProperties", "", "/additionalProperties"],
      ["schema.required", "required", "", "/required"],
    ])
    #expect(result.errors.allSatisfy { !$0.message.isEmpty })
    #expect(result.errors[0].message.contains("^s[0-9]+$"))
  }

  @Test func firstErrorModeStopsAtOne() throws {
    let result = try schema(Self.schemaText).validate(try json(#"{"id": "x", "count": -1}"#),
                                                       options: ValidationOptions(mode: .firstError))
    #expect(result.errors.count == 1)
    #expect(result.errors[0].code == .pattern)
  }

  @Test func errorsCarryTheLocatorsRangeOrTheWholeValuesRange() throws {
    let compiled = try schema(Self.schemaText)
    let value = try json(#"{"id": "x", "title": "ok", "count": -1}"#)
    let whole = compiled.validate(value, range: 100..<140)
    #expect(whole.errors.map(\.range) == [100..<140, 100..<140])
    let located = compiled.validate(value, locator: { pointer in
      pointer.description == "/id" ? 107..<110 : nil
    }, range: 100..<140)
    #expect(located.errors.map(\.range) == [107..<110, 100..<140])
    #expect(compiled.validate(value).errors.allSatisfy { $0.range == nil })
  }

  @Test func duplicateKeysUseTheLastOccurrence() throws {
    let compiled = try schema(#"{"properties": {"a": {"type": "integer"}}, "maxProperties": 1}"#)
    #expect(compiled.validate(try json(#"{"a": "x", "a": 1}"#)).isValid)
    let result = compiled.validate(try json(#"{"a": 1, "a": "x"}"#))
    #expect(result.errors.map(\.code) == [.type])
  }

  @Test func propertyNamesAndStringsCompareByCodePoints() throws {
    let compiled = try schema(#"{"properties": {"caf\u00e9": {"type": "string"}}, "additionalProperties": false}"#)
    #expect(compiled.validate(try json(#"{"caf\u00e9": "x"}"#)).isValid)
    let nfd = compiled.validate(try json(#"{"cafe\u0301": "x"}"#))
    #expect(nfd.errors.map(\.code) == [.additionalProperties])
    let constant = try schema(#"{"const": "caf\u00e9"}"#)
    #expect(!constant.validate(try json(#""cafe\u0301""#)).isValid)
  }

  @Test func lengthsCountCodePoints() throws {
    let compiled = try schema(#"{"minLength": 2, "maxLength": 2}"#)
    #expect(!compiled.validate("💩").isValid)
    #expect(compiled.validate("💩💩").isValid)
    #expect(compiled.validate("e\u{301}").isValid)  // two code points, one grapheme
    #expect(compiled.validate(try json(#""\u00e9\u00e9""#)).isValid)
    #expect(compiled.validate(7).isValid)  // not a string
  }

  @Test func oneOfReportsNoneAndSeveral() throws {
    let compiled = try schema(#"{"oneOf": [{"type": "integer"}, {"minimum": 2}]}"#)
    #expect(compiled.validate(1).isValid)
    #expect(compiled.validate(2.5).isValid)
    #expect(compiled.validate(3).errors.map(\.message) == ["matches more than one schema in oneOf (0 and 1)"])
    #expect(compiled.validate(1.5).errors.map(\.code) == [.oneOf])
  }

  @Test func uniqueItemsUsesInstanceEquality() throws {
    let compiled = try schema(#"{"uniqueItems": true}"#)
    #expect(!compiled.validate(try json(#"[{"a": 1, "b": [1.0]}, {"b": [1], "a": 1e0}]"#)).isValid)
    #expect(compiled.validate(try json(#"[1, "1", true, null, [1], {"1": 1}]"#)).isValid)
    let many = JSONValue.array((0..<200).map { .number(JSONNumber($0)) } + [.number(JSONNumber(lexeme: "1.5e2")!)])
    #expect(compiled.validate(many).errors.map(\.message) == ["items 150 and 200 are equal"])
  }

  @Test func validationDoesNotDependOnTheSchemasMemberOrder() throws {
    let a = try schema(#"{"type": "object", "required": ["x"], "properties": {"x": {"type": "string"}}}"#)
    let b = try schema(#"{"properties": {"x": {"type": "string"}}, "required": ["x"], "type": "object"}"#)
    for text in [#"{"x": 1}"#, #"{}"#, #"{"x": "y"}"#, "[]"] {
      let value = try json(text)
      #expect(a.validate(value).errors.map(\.code) == b.validate(value).errors.map(\.code), "\(text)")
    }
  }
}

/// Keyword values at the edges of the integer range.
@Suite struct HugeBoundTests {
  @Test func countsBeyondInt64AreTheLargestInt() throws {
    let compiled = try CompiledSchema(schema: [
      "minLength": .number(JSONNumber(lexeme: "1e30")!), "maxItems": .number(JSONNumber(lexeme: "1e30")!),
    ])
    #expect(compiled.validate("abc").errors.map(\.code) == [.minLength])
    #expect(compiled.validate([1, 2, 3]).isValid)
    #expect(try schemaError(#"{"minLength": -0}"#) == nil)
    #expect(try schemaError(#"{"minLength": -1e30}"#)?.code == "schema.invalid_schema")
    #expect(try schemaError(#"{"maxLength": 1e-3}"#)?.code == "schema.invalid_schema")
  }
}
