import SlateJSON
import Testing

@testable import SlateSchema

/// Coercions: applied only where declared, reported as warnings, off on request, never
/// inside branches whose outcome they could decide.
@Suite struct CoercionTests {
  static let schemaText = ##"""
    {"type": "object", "required": ["n"],
     "properties": {
       "n": {"type": "integer", "maximum": 600},
       "x": {"type": "number"},
       "flag": {"type": "boolean"},
       "label": {"type": "string"},
       "mode": {"enum": ["day", "night"]},
       "exact": {"const": "Alpha"},
       "tags": {"type": "array", "items": {"type": "string"}},
       "note": {"type": "string"},
       "either": {"anyOf": [{"type": "integer"}, {"type": "boolean"}]},
       "via": {"$ref": "#/x-slate-actions/a/$defs/count"},
       "both": {"allOf": [{"type": "integer"}, {"minimum": 5}]}
     },
     "$defs": {"count": {"type": "integer"}}}
    """##

  func packText(coerce: String?) -> String {
    let member = coerce.map { #", "x-slate-coerce": \#($0)"# } ?? ""
    let trimmed = Self.schemaText.dropLast()  // the closing brace
    return #"{"name": "c", "version": "1", "x-slate-actions": {"a": \#(trimmed)\#(member)}}}"#
  }

  static let all = #"["string-to-number", "string-to-boolean", "number-to-string", "enum-case", "single-to-array", "null-to-absent"]"#

  func classify(_ instance: String, coerce: String? = CoercionTests.all, options: ValidationOptions = .default) throws
    -> Result<Action, Rejection>
  {
    try pack(packText(coerce: coerce)).classify(try json(instance), options: options)
  }

  @Test func eachCoercionRepairsItsSlipAndWarns() throws {
    let instance = ##"""
      {"type": "a", "n": "12", "x": "-2.5e1", "flag": "TRUE", "label": 7.50, "mode": "NIGHT", "exact": "alpha",
       "tags": "solo", "note": null, "via": "3", "both": "9"}
      """##
    let action = try #require(try classify(instance).success)
    let expected = try json(##"""
      {"n": 12, "x": -2.5e1, "flag": true, "label": "7.50", "mode": "night", "exact": "Alpha", "tags": ["solo"],
       "via": 3, "both": 9}
      """##)
    #expect(action.payload == expected, "\(action.payload)")
    let seen = Dictionary(uniqueKeysWithValues: action.warnings.map { ($0.instancePath, $0.coercion) })
    #expect(seen == [
      "/n": .stringToNumber, "/x": .stringToNumber, "/flag": .stringToBoolean, "/label": .numberToString,
      "/mode": .enumCase, "/exact": .enumCase, "/tags": .singleToArray, "/note": .nullToAbsent,
      "/via": .stringToNumber, "/both": .stringToNumber,
    ])
    let n = try #require(action.warnings.first { $0.instancePath == "/n" })
    #expect(n.schemaPath == "/x-slate-actions/a/properties/n/type")
    #expect(n.original == "12")
    #expect(n.replacement == 12)
    #expect(n.code == "schema.coerced")
    #expect(action.warnings.first { $0.instancePath == "/via" }?.schemaPath == "/x-slate-actions/a/$defs/count/type")
    #expect(action.warnings.first { $0.instancePath == "/note" }?.replacement == nil)
  }

  @Test func withoutTheDeclarationOrWithCoercionsOffTheSlipsAreErrors() throws {
    let instance = #"{"type": "a", "n": "12", "mode": "NIGHT", "tags": "solo", "note": null}"#
    for result in [try classify(instance, coerce: nil), try classify(instance, coerce: "[]"),
                   try classify(instance, options: ValidationOptions(applyCoercions: false))]
    {
      let rejection = try #require(result.failure)
      #expect(rejection.errors.map(\.code) == [.type, .enumeration, .type, .type])
      #expect(rejection.errors.map(\.instancePath) == ["/n", "/mode", "/tags", "/note"])
      #expect(rejection.warnings.isEmpty)
    }
    // Only the declared ones apply.
    let partial = try #require(try classify(instance, coerce: #"["string-to-number"]"#).failure)
    #expect(partial.errors.map(\.instancePath) == ["/mode", "/tags", "/note"])
    #expect(partial.warnings.map(\.coercion) == [.stringToNumber])
  }

  @Test func aCoercedValueIsStillValidatedByTheOtherKeywords() throws {
    let rejection = try #require(try classify(#"{"type": "a", "n": "700"}"#).failure)
    #expect(rejection.errors.map(\.code) == [.maximum])
    #expect(rejection.warnings.map(\.coercion) == [.stringToNumber])
  }

  @Test func coercionsRefuseAmbiguityAndNonNumbers() throws {
    let cases: [(String, ValidationError.Code)] = [
      (#"{"type": "a", "n": "12.5"}"#, .type),  // not an integer
      (#"{"type": "a", "n": " 12"}"#, .type),  // not exactly a JSON number
      (#"{"type": "a", "n": "0x10"}"#, .type),
      (#"{"type": "a", "n": 1, "flag": "yes"}"#, .type),
      (#"{"type": "a", "n": 1, "either": "3"}"#, .anyOf),  // no coercion inside anyOf
      (#"{"type": "a", "n": 1, "mode": "noon"}"#, .enumeration),
    ]
    for (instance, code) in cases {
      let rejection = try #require(try classify(instance).failure, "\(instance)")
      #expect(rejection.errors.map(\.code) == [code], "\(instance): \(rejection.errors)")
      #expect(rejection.warnings.isEmpty, "\(instance)")
    }
  }

  @Test func enumCaseNeedsExactlyOneFoldedMatch() throws {
    let compiled = try pack(#"{"name": "c", "version": "1", "x-slate-coerce": ["enum-case"], "x-slate-actions": {"a": {"properties": {"m": {"enum": ["Ab", "aB", "STRASSE"]}}}}}"#)
    let ambiguous = try #require(compiled.classify(try json(#"{"type": "a", "m": "ab"}"#)).failure)
    #expect(ambiguous.errors.map(\.code) == [.enumeration])
    let folded = try #require(compiled.classify(try json(#"{"type": "a", "m": "straße"}"#)).success)
    #expect(folded.payload["m"] == "STRASSE")
  }

  @Test func nullToAbsentKeepsRequiredMembers() throws {
    let rejection = try #require(try classify(#"{"type": "a", "n": null}"#).failure)
    #expect(rejection.errors.map(\.code) == [.type])
    // A null the schema allows stays.
    let compiled = try pack(#"{"name": "c", "version": "1", "x-slate-coerce": ["null-to-absent"], "x-slate-actions": {"a": {"properties": {"m": {"type": ["string", "null"]}}}}}"#)
    let kept = try #require(compiled.classify(try json(#"{"type": "a", "m": null}"#)).success)
    #expect(kept.payload == ["m": nil])
    #expect(kept.warnings.isEmpty)
  }
}
