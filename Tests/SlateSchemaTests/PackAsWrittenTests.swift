import Foundation
import SlateJSON
import SlateTestSupport
import Testing

@testable import SlateSchema

/// The six refusals issue 15 met with packs written as JSON Schema users write them.
@Suite struct PackAsWrittenTests {
  @Test func schemaAtTheTopAndDefaultsForNameAndVersion() throws {
    for uri in [SchemaCompiler.dialect, SchemaPack.metaSchemaURI, "./pack.schema.json", "../schemas/pack.schema.json"] {
      let compiled = try pack(#"{"$schema": "\#(uri)", "x-slate-actions": {"a": {}}}"#)
      #expect(compiled.pack.name == "pack")
      #expect(compiled.pack.version == "0")
    }
    let named = try CompiledPack(bytes: Array(#"{"x-slate-actions": {"a": {}}}"#.utf8), defaultName: "tickets")
    #expect(named.pack.name == "tickets")
    let explicit = try CompiledPack(bytes: Array(#"{"name": "n", "version": "2", "x-slate-actions": {"a": {}}}"#.utf8),
                                    defaultName: "tickets")
    #expect(explicit.pack.name == "n" && explicit.pack.version == "2")
  }

  /// zod-to-json-schema's default output: draft-07, `definitions`, `$ref` from the root.
  @Test func draft07ActionSchemasCompileWhereKeywordsMeanTheSame() throws {
    let compiled = try pack(##"""
      {"x-slate-actions": {"point": {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {
          "at": {"type": "array", "items": [{"type": "number"}, {"type": "number"}], "additionalItems": false},
          "tags": {"type": "array", "items": {"$ref": "#/definitions/tag"}},
          "owner": {"$ref": "#/properties/tags/items"}
        },
        "required": ["at"],
        "dependencies": {"owner": ["tags"], "tags": {"required": ["at"]}},
        "additionalProperties": false,
        "definitions": {"tag": {"type": "string", "minLength": 1}}
      }}}
      """##)
    #expect(compiled.classify(try json(#"{"type": "point", "at": [1, 2], "tags": ["x"], "owner": "y"}"#)).success != nil)
    let extra = compiled.classify(try json(#"{"type": "point", "at": [1, 2, 3]}"#)).failure
    #expect(extra?.errors.map(\.schemaPath) == ["/x-slate-actions/point/properties/at/additionalItems"])
    #expect(extra?.errors.map(\.instancePath) == ["/at"])
    let wrong = compiled.classify(try json(#"{"type": "point", "at": ["1", 2], "tags": [""]}"#)).failure
    #expect(wrong?.errors.map(\.schemaPath) == [
      "/x-slate-actions/point/properties/at/items/0/type", "/x-slate-actions/point/definitions/tag/minLength",
    ])
    let dependent = compiled.classify(try json(#"{"type": "point", "at": [1, 2], "owner": "y"}"#)).failure
    #expect(dependent?.errors.map(\.keyword) == ["dependentRequired"])
    #expect(dependent?.errors.first?.params["missingProperty"] == "tags")
  }

  /// Each member of a pydantic or Zod discriminated union requires its `type` and fixes it
  /// with `const`; the instance keeps it. A schema without it validates the rest.
  @Test func aSchemaThatDeclaresTheDiscriminatorSeesIt() throws {
    let compiled = try pack(##"""
      {"x-slate-actions": {
        "create_ticket": {"type": "object", "title": "CreateTicket",
          "properties": {"type": {"const": "create_ticket", "title": "Type"}, "title": {"type": "string"}},
          "required": ["type", "title"], "additionalProperties": false},
        "close_ticket": {"type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"],
          "additionalProperties": false},
        "via_ref": {"$ref": "#/$defs/Via", "$defs": {"Via": {"type": "object", "required": ["type"]}}}
      }}
      """##)
    let created = compiled.classify(try json(#"{"type": "create_ticket", "title": "Printer"}"#)).success
    #expect(created?.payload == (try json(#"{"type": "create_ticket", "title": "Printer"}"#)))
    // A tool call: the tool's name is put in as the discriminator.
    let tool = compiled.classify(try json(#"{"title": "Printer"}"#), metadata: ActionMetadata(toolName: "create_ticket"))
    #expect(tool.success?.payload == (try json(#"{"type": "create_ticket", "title": "Printer"}"#)))
    // A schema without the member: removed as before, so additionalProperties false holds.
    #expect(compiled.classify(try json(#"{"type": "close_ticket", "id": 4}"#)).success?.payload == (try json(#"{"id": 4}"#)))
    #expect(compiled.classify(try json(#"{"id": 4}"#), metadata: ActionMetadata(toolName: "close_ticket")).success != nil)
    // Through a root $ref into the action's own $defs.
    #expect(compiled.classify(try json(#"{"type": "via_ref"}"#)).success != nil)
    #expect(compiled.classify(try json(#"{}"#), metadata: ActionMetadata(toolName: "via_ref")).success != nil)
  }

  /// pydantic's `model_json_schema()` pasted as an action: its own `$defs`, `#/$defs/X`.
  @Test func anActionIsItsOwnSchemaResource() throws {
    let compiled = try pack(##"""
      {"$defs": {"Shared": {"type": "string", "maxLength": 3}},
       "x-slate-actions": {"ticket": {
         "$defs": {"Priority": {"enum": ["low", "high"], "title": "Priority", "type": "string"}},
         "properties": {
           "priority": {"$ref": "#/$defs/Priority"},
           "code": {"$ref": "#/$defs/Shared"},
           "again": {"$ref": "#/properties/priority"},
           "child": {"anyOf": [{"$ref": "#"}, {"type": "null"}], "default": null}
         },
         "required": ["priority"], "title": "Ticket", "type": "object"}}}
      """##)
    #expect(compiled.classify(try json(#"{"type": "ticket", "priority": "low", "code": "abc", "again": "high"}"#)).success != nil)
    let bad = compiled.classify(try json(#"{"type": "ticket", "priority": "mid", "code": "abcd", "child": {"priority": 1}}"#)).failure
    #expect(bad?.errors.map(\.schemaPath) == [
      "/x-slate-actions/ticket/$defs/Priority/enum", "/$defs/Shared/maxLength", "/x-slate-actions/ticket/properties/child/anyOf",
    ])
  }

  /// ajv's params and instance paths; the byte range stays on the offending member.
  @Test func errorsCarryParamsAndAjvPaths() throws {
    let compiled = try schema(##"""
      {"type": "object", "properties": {"n": {"type": "integer", "minimum": 2}, "e": {"enum": [1, "a"]}},
       "required": ["r"], "additionalProperties": false, "propertyNames": {"maxLength": 3},
       "dependentRequired": {"n": ["m"]}}
      """##)
    let value = try json(#"{"n": 1.5, "e": 2, "zzzz": 1}"#)
    let ranges: [String: Range<Int>] = ["/zzzz": 20..<29, "": 0..<30]
    let result = compiled.validate(value, locator: { ranges[$0.description] }, range: 0..<30)
    let rows = result.errors.map { "\($0.keyword) \($0.instancePath) \($0.params.canonicalString) \($0.range.map { "\($0)" } ?? "-")" }
    #expect(rows == [
      #"type /n {"type":"integer"} 0..<30"#,
      #"minimum /n {"comparison":">=","limit":2} 0..<30"#,
      #"enum /e {"allowedValues":[1,"a"]} 0..<30"#,
      #"additionalProperties  {"additionalProperty":"zzzz"} 20..<29"#,
      #"required  {"missingProperty":"r"} 0..<30"#,
      #"dependentRequired  {"deps":"m","depsCount":1,"missingProperty":"m","property":"n"} 0..<30"#,
      #"propertyNames  {"propertyName":"zzzz"} 20..<29"#,
    ], "\(rows)")
  }
}

/// `Corpus/schemas/pack.schema.json`, Slate's pack meta-schema, checked by Slate's own
/// validator: the film pack and the test packs pass, mistakes are found where they are.
@Suite struct PackMetaSchemaTests {
  static func metaSchema() throws -> CompiledSchema {
    let url = SharedFixtures.projectRoot.appendingPathComponent("Corpus/schemas/pack.schema.json")
    return try CompiledSchema(schema: SimdjsonParser().parse([UInt8](Data(contentsOf: url))))
  }

  @Test func packsValidateAgainstTheMetaSchema() throws {
    let meta = try Self.metaSchema()
    let film = try SimdjsonParser().parse(
      [UInt8](Data(contentsOf: SharedFixtures.projectRoot.appendingPathComponent("Corpus/schemas/film.json"))))
    #expect(meta.validate(film).errors == [])
    let tools = SharedFixtures.projectRoot.appendingPathComponent("Corpus/schemas/tools")
    let packs = try FileManager.default.contentsOfDirectory(atPath: tools.path).filter { $0.hasSuffix(".pack.json") }
    #expect(packs.count == 6)
    for name in packs {
      let document = try SimdjsonParser().parse([UInt8](Data(contentsOf: tools.appendingPathComponent(name))))
      #expect(meta.validate(document).errors == [], "\(name)")
    }
    for text in PackSamples.all {
      #expect(meta.validate(try json(text)).errors == [], "\(text)")
      #expect(packError(text) == nil, "\(text)")
    }
  }

  @Test(arguments: [
    (#"{"x-slate-actions": {"a": {"x-slate-queue": 5}}}"#, "/x-slate-actions/a/x-slate-queue"),
    (#"{"x-slate-actions": {"a": {"x-slate-keys": ["/a"]}}}"#, "/x-slate-actions/a"),
    (#"{"x-slate-actions": {"a": {"x-slate-key": ["a"]}}}"#, "/x-slate-actions/a/x-slate-key"),
    (#"{"nmae": "p", "x-slate-actions": {"a": {}}}"#, ""),
    (#"{"x-slate-actions": {}}"#, ""),
    (#"{"x-slate-coerce": ["guess"], "x-slate-actions": {"a": {}}}"#, "/x-slate-coerce/0"),
  ])
  func mistakesAreFoundWhereTheyAre(text: String, path: String) throws {
    let result = try Self.metaSchema().validate(try json(text))
    #expect(!result.isValid)
    #expect(result.errors.contains { $0.instancePath == path }, "\(result.errors)")
    #expect(packError(text) != nil, "Slate refuses it too")
  }
}

/// Packs written as users write them (used by several suites).
enum PackSamples {
  static let all: [String] = [
    ##"{"$schema": "https://slate.invalid/schemas/pack.schema.json", "x-slate-actions": {"a": {}}}"##,
    ##"{"$schema": "https://json-schema.org/draft/2020-12/schema", "name": "t", "version": "1", "x-slate-format-assert": true, "x-slate-actions": {"a": {"type": "object", "properties": {"at": {"type": "string", "format": "date-time"}}, "x-slate-key": {"fields": [{"pointer": "/at", "normalize": ["trim"]}]}, "x-slate-effects": ["image"], "x-slate-queue": "q"}}}"##,
    ##"{"x-slate-actions": {"p": {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object", "properties": {"x": {"$ref": "#/definitions/x"}}, "definitions": {"x": {"type": "integer"}}}}}"##,
    ##"{"x-slate-actions": {"t": {"$defs": {"P": {"enum": ["low", "high"]}}, "properties": {"type": {"const": "t"}, "p": {"$ref": "#/$defs/P"}}, "required": ["type", "p"]}}}"##,
  ]
}
