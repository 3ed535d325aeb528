import Foundation
import SlateJSON
import Testing

@testable import SlateSchema

/// Schemas and packs that must not compile, each with its code and schema path.
@Suite struct SchemaErrorTests {
  @Test(arguments: [
    (##"{"properties": {"a": {"fromat": "email"}}}"##, "schema.unsupported_keyword", "/properties/a/fromat"),
    (##"{"patternProperty": {"^a": {}}}"##, "schema.unsupported_keyword", "/patternProperty"),
    (##"{"items": {"$anchor": "x"}}"##, "schema.unsupported_keyword", "/items/$anchor"),
    (##"{"$defs": {"unused": {"unevaluatedProperty": false}}}"##, "schema.unsupported_keyword", "/$defs/unused/unevaluatedProperty"),
    (##"{"$dynamicRef": "#x"}"##, "schema.unsupported_keyword", "/$dynamicRef"),
    (##"{"dependencies": {"a": ["b"]}}"##, "schema.unsupported_keyword", "/dependencies"),
    (##"{"format": 3}"##, "schema.invalid_schema", "/format"),
    (##"{"patternProperties": {"(": {}}}"##, "schema.invalid_pattern", "/patternProperties/("),
    (##"{"contains": {}, "minContains": -1}"##, "schema.invalid_schema", "/minContains"),
    (##"{"dependentRequired": {"a": "b"}}"##, "schema.invalid_schema", "/dependentRequired"),
    (##"{"properties": {"a": {"$id": "x.json"}}}"##, "schema.unsupported_keyword", "/properties/a/$id"),
    (##"{"allOf": [{"$schema": "https://json-schema.org/draft/2020-12/schema"}]}"##, "schema.unsupported_keyword", "/allOf/0/$schema"),
    (##"{"x-slate-queue": "scene"}"##, "schema.unsupported_keyword", "/x-slate-queue"),
    (##"{"properties": {"a~b/c": {"dependentRequire": {}}}}"##, "schema.unsupported_keyword", "/properties/a~0b~1c/dependentRequire"),
    (##"{"properties": {"x": {"$ref": "#/$defs/missing"}}}"##, "schema.unresolved_ref", "/properties/x/$ref"),
    (##"{"$ref": "other.json#/a"}"##, "schema.unsupported_ref", "/$ref"),
    (##"{"$ref": "#anchor"}"##, "schema.unsupported_ref", "/$ref"),
    (##"{"$ref": "#"}"##, "schema.ref_cycle", ""),
    (##"{"$defs": {"a": {"anyOf": [{"$ref": "#/$defs/b"}]}, "b": {"not": {"$ref": "#/$defs/a"}}}}"##, "schema.ref_cycle", "/$defs/a"),
    (##"{"type": "strng"}"##, "schema.invalid_schema", "/type"),
    (##"{"type": ["string", "string"]}"##, "schema.invalid_schema", "/type"),
    (##"{"minLength": -1}"##, "schema.invalid_schema", "/minLength"),
    (##"{"maxItems": 1.5}"##, "schema.invalid_schema", "/maxItems"),
    (##"{"required": ["a", "a"]}"##, "schema.invalid_schema", "/required"),
    (##"{"items": [{}]}"##, "schema.invalid_schema", "/items"),
    (##"{"multipleOf": 0}"##, "schema.invalid_schema", "/multipleOf"),
    (##"{"enum": 3}"##, "schema.invalid_schema", "/enum"),
    (##"{"anyOf": []}"##, "schema.invalid_schema", "/anyOf"),
    (##"{"properties": {"a": 3}}"##, "schema.invalid_schema", "/properties/a"),
    (##"{"$schema": "http://json-schema.org/draft-04/schema#"}"##, "schema.invalid_schema", "/$schema"),
    // Draft-07: what its keywords mean differently is refused with its path.
    (##"{"$schema": "http://json-schema.org/draft-07/schema#", "prefixItems": [{}]}"##, "schema.dialect_mismatch", "/prefixItems"),
    (##"{"$schema": "http://json-schema.org/draft-07/schema#", "properties": {"a": {"unevaluatedProperties": false}}}"##, "schema.dialect_mismatch", "/properties/a/unevaluatedProperties"),
    (##"{"$schema": "http://json-schema.org/draft-07/schema#", "definitions": {"d": {}}, "properties": {"a": {"$ref": "#/definitions/d", "minimum": 1}}}"##, "schema.dialect_mismatch", "/properties/a/minimum"),
    (##"{"title": 3}"##, "schema.invalid_schema", "/title"),
    (##"{"$ref": "#/$defs/a%zz"}"##, "schema.invalid_schema", "/$ref"),
    (##"{"properties": {"id": {"pattern": "^a{2,1}$"}}}"##, "schema.invalid_pattern", "/properties/id/pattern"),
    (##"{"properties": {"id": {"pattern": "(?<=a)b"}}}"##, "schema.unsupported_pattern", "/properties/id/pattern"),
    (##"3"##, "schema.invalid_schema", ""),
  ])
  func schemaRefusals(text: String, code: String, path: String) throws {
    let error = try schemaError(text)
    #expect(error?.code == code, "\(text): \(String(describing: error))")
    #expect(error?.schemaPath == path, "\(text): \(String(describing: error))")
    #expect(!(error?.message.isEmpty ?? true))
  }

  /// A recursive schema through an applicator that descends into the instance is fine.
  @Test func recursionThroughChildrenCompilesAndTerminates() throws {
    let tree = try schema(#"""
      {"$defs": {"node": {"type": "object", "required": ["name"],
        "properties": {"name": {"type": "string"}, "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}}}},
       "$ref": "#/$defs/node"}
      """#)
    #expect(tree.validate(try json(##"{"name": "a", "children": [{"name": "b", "children": [{"name": "c"}]}]}"##)).isValid)
    let bad = tree.validate(try json(##"{"name": "a", "children": [{"name": "b", "children": [{"nom": "c"}]}]}"##))
    #expect(bad.errors.map(\.instancePath) == ["/children/0/children/0"])
    #expect(bad.errors.map(\.schemaPath) == ["/$defs/node/required"])
  }

  /// The depth limit takes its place in the error list: met outside `anyOf`/`not`/… it is
  /// listed where evaluation met it, met only inside one it comes last; either way
  /// first-error mode gives exactly the first error of all-errors mode (found by
  /// fuzz-schema: the depth error was always appended last).
  @Test(arguments: [
    (##"{"type":"array","items":false,"prefixItems":[{"$ref":"#/$defs/item"},{"$ref":"#/$defs/item"}],"$defs":{"item":{"type":"array","items":false,"prefixItems":[{"$ref":"#/$defs/sub"}]},"sub":{"required":["a"]}}}"##,
     ##"[[{"b":1},2],[3]]"##, "/0/0"),
    (##"{"items":{"anyOf":[{"items":{"items":{"items":{}}}},{"type":"string"}]},"maxItems":1}"##, ##"[[[[1]]],2]"##, "/0/0/0"),
    (##"{"not":{"items":{"items":{"items":{"items":{}}}}},"minItems":3}"##, ##"[[[[1]]]]"##, "/0/0/0"),
  ])
  func depthErrorsKeepFirstErrorModeConsistent(schemaText: String, instance: String, depthPath: String) throws {
    let compiled = try schema(schemaText)
    let value = try json(instance)
    let all = compiled.validate(value, options: ValidationOptions(maxDepth: 4))
    let first = compiled.validate(value, options: ValidationOptions(mode: .firstError, maxDepth: 4))
    #expect(all.errors.contains { $0.code == .depthExceeded && $0.instancePath == depthPath }, "\(all.errors)")
    #expect(all.errors.count > 1, "\(all.errors)")
    #expect(first.errors == Array(all.errors.prefix(1)), "\(first.errors) against \(all.errors)")
  }

  /// Nesting far deeper than any stack frame budget: compiled by a worklist, evaluated to a
  /// clean depth error.
  @Test func deepSchemasAndInstancesFailCleanly() throws {
    var deepSchema: JSONValue = ["type": "integer"]
    for _ in 0..<1500 { deepSchema = ["items": deepSchema] }
    let compiled = try CompiledSchema(schema: deepSchema)
    var deepValue: JSONValue = 1
    for _ in 0..<1500 { deepValue = [deepValue] }
    let result = compiled.validate(deepValue)
    #expect(result.errors.map(\.code) == [.depthExceeded])
    var shallower: JSONValue = 1
    for _ in 0..<100 { shallower = [shallower] }
    #expect(compiled.validate(shallower).isValid)

    let recursive = try schema(##"{"items": {"$ref": "#"}, "type": "array"}"##)
    var nested: JSONValue = []
    for _ in 0..<1000 { nested = [nested] }
    #expect(recursive.validate(nested).errors.first?.code == .depthExceeded)
  }

  @Test(arguments: [
    // x-slate-* values
    (##"{"name":"p","version":"1","x-slate-actions":{"a":{"x-slate-key":["scene_id"]}}}"##, "schema.invalid_extension", "/x-slate-actions/a/x-slate-key"),
    (##"{"name":"p","version":"1","x-slate-actions":{"a":{"x-slate-key":{"fields":["/a","/a"]}}}}"##, "schema.invalid_extension", "/x-slate-actions/a/x-slate-key"),
    (##"{"name":"p","version":"1","x-slate-actions":{"a":{"x-slate-key":{"fields":["/a"],"normalize":["upper"]}}}}"##, "schema.invalid_extension", "/x-slate-actions/a/x-slate-key"),
    (##"{"name":"p","version":"1","x-slate-actions":{"a":{"x-slate-key":{"fields":[""]}}}}"##, "schema.invalid_extension", "/x-slate-actions/a/x-slate-key"),
    (##"{"name":"p","version":"1","x-slate-actions":{"a":{"x-slate-queue":5}}}"##, "schema.invalid_extension", "/x-slate-actions/a/x-slate-queue"),
    (##"{"name":"p","version":"1","x-slate-actions":{"a":{"x-slate-queue":"two words"}}}"##, "schema.invalid_extension", "/x-slate-actions/a/x-slate-queue"),
    (##"{"name":"p","version":"1","x-slate-actions":{"a":{"x-slate-effects":["image","image"]}}}"##, "schema.invalid_extension", "/x-slate-actions/a/x-slate-effects"),
    (##"{"name":"p","version":"1","x-slate-actions":{"a":{"x-slate-effects":"image"}}}"##, "schema.invalid_extension", "/x-slate-actions/a/x-slate-effects"),
    (##"{"name":"p","version":"1","x-slate-actions":{"a":{"x-slate-upsert":"yes"}}}"##, "schema.invalid_extension", "/x-slate-actions/a/x-slate-upsert"),
    (##"{"name":"p","version":"1","x-slate-actions":{"a":{"x-slate-coerce":["guess"]}}}"##, "schema.invalid_extension", "/x-slate-actions/a/x-slate-coerce"),
    (##"{"name":"p","version":"1","x-slate-coerce":"enum-case","x-slate-actions":{"a":{}}}"##, "schema.invalid_extension", "/x-slate-coerce"),
    (##"{"name":"p","version":"1","x-slate-discriminator":"","x-slate-actions":{"a":{}}}"##, "schema.invalid_extension", "/x-slate-discriminator"),
    (##"{"name":"p","version":"1","x-slate-actions":{"a":{"x-slate-keys":["/a"]}}}"##, "schema.unsupported_keyword", "/x-slate-actions/a/x-slate-keys"),
    (##"{"name":"p","version":"1","x-slate-actions":{"a":{"properties":{"b":{"x-slate-queue":"q"}}}}}"##, "schema.unsupported_keyword", "/x-slate-actions/a/properties/b/x-slate-queue"),
    // '/' and '~' in the action type and the keyword are escaped in the pointer (found by fuzz-schema)
    (##"{"name":"p","version":"1","x-slate-actions":{"a/~":{"x-slate-effec/ts":[]}}}"##, "schema.unsupported_keyword", "/x-slate-actions/a~1~0/x-slate-effec~1ts"),
    // the pack document
    (##"{"name":"p","version":"1","x-slate-action":{},"x-slate-actions":{"a":{}}}"##, "schema.unsupported_keyword", "/x-slate-action"),
    (##"{"name":"p","version":"1","type":"object","x-slate-actions":{"a":{}}}"##, "schema.unsupported_keyword", "/type"),
    (##"{"name":7,"version":"1","x-slate-actions":{"a":{}}}"##, "schema.invalid_pack", "/name"),
    (##"{"$schema":"https://example.com/other.json","x-slate-actions":{"a":{}}}"##, "schema.invalid_pack", "/$schema"),
    (##"{"x-slate-format-assert":"yes","x-slate-actions":{"a":{}}}"##, "schema.invalid_extension", "/x-slate-format-assert"),
    (##"{"name":"p","version":2,"x-slate-actions":{"a":{}}}"##, "schema.invalid_pack", "/version"),
    (##"{"name":"p","version":"1","x-slate-actions":{}}"##, "schema.invalid_pack", "/x-slate-actions"),
    // a missing member is reported at the pack, a path that names something (found by fuzz-schema)
    (##"{"name":"p","version":"1"}"##, "schema.invalid_pack", ""),
    (##"{"name":"p","version":"1","x-slate-actions":{"a":true}}"##, "schema.invalid_pack", "/x-slate-actions/a"),
    (##"[]"##, "schema.invalid_pack", ""),
    // schemas inside a pack
    (##"{"name":"p","version":"1","x-slate-actions":{"a":{"properties":{"b":{"$ref":"#/$defs/nope"}}}}}"##, "schema.unresolved_ref", "/x-slate-actions/a/properties/b/$ref"),
    // "#" inside an action names the action (its own resource): here a cycle.
    (##"{"name":"p","version":"1","x-slate-actions":{"a":{"$ref":"#"}}}"##, "schema.ref_cycle", "/x-slate-actions/a"),
    (##"{"name":"p","version":"1","$defs":{"d":{"$ref":"#"}},"x-slate-actions":{"a":{}}}"##, "schema.invalid_schema", "/$defs/d/$ref"),
    (##"{"name":"p","version":"1","$defs":{"x":{"oneOf":[{"minimum":"1"}]}},"x-slate-actions":{"a":{}}}"##, "schema.invalid_schema", "/$defs/x/oneOf/0/minimum"),
    (##"{"name":"p","version":"1","$defs":[],"x-slate-actions":{"a":{}}}"##, "schema.invalid_schema", "/$defs"),
    (##"{"name":"p","version":"1","x-slate-actions":{"a":{"$schema":"https://json-schema.org/draft/2020-12/schema","properties":{"b":{"$id":"b"}}}}}"##, "schema.unsupported_keyword", "/x-slate-actions/a/properties/b/$id"),
    (##"{"name":"p","##, "json.truncated", ""),
  ])
  func packRefusals(text: String, code: String, path: String) {
    let error = packError(text)
    #expect(error?.code == code, "\(text): \(String(describing: error))")
    #expect(error?.schemaPath == path, "\(text): \(String(describing: error))")
  }

  @Test func aMinimalPackCompilesWithItsDefaults() throws {
    let compiled = try pack(##"{"name":"p","version":"1","x-slate-actions":{"a":{"$schema":"https://json-schema.org/draft/2020-12/schema"}}}"##)
    let declaration = try #require(compiled.declaration(for: "a"))
    #expect(declaration.queue == "a")
    #expect(declaration.effects.isEmpty)
    #expect(declaration.key == nil)
    #expect(declaration.upsert == false)
    #expect(declaration.coercions.isEmpty)
    #expect(compiled.pack.discriminator == "type")
  }
}

/// The default depth limit fits a secondary thread's stack (512 KiB, the Darwin default)
/// even in a debug build, for the recursive shapes that cost the most stack per level.
@Suite struct StackDepthTests {
  @Test(arguments: [
    (##"{"anyOf": [{"type": "integer"}, {"items": {"$ref": "#"}, "type": "array"}]}"##, false),
    (##"{"$defs": {"n": {"type": "object", "properties": {"next": {"$ref": "#/$defs/n"}}, "additionalProperties": {"$ref": "#/$defs/n"}}}, "$ref": "#/$defs/n"}"##, true),
    (##"{"oneOf": [{"type": "array", "prefixItems": [{"$ref": "#"}]}, {"type": "integer"}], "not": {"type": "null"}}"##, false),
  ])
  func defaultDepthLimitFitsASmallStack(schemaText: String, objects: Bool) async throws {
    let compiled = try schema(schemaText)
    var nested: JSONValue = objects ? [:] : 1
    for _ in 0..<2000 { nested = objects ? ["next": nested] : [nested] }
    let value = nested
    let outcome: [ValidationError.Code] = await withCheckedContinuation { continuation in
      let thread = Thread {
        continuation.resume(returning: compiled.validate(value).errors.map(\.code))
      }
      thread.stackSize = 512 * 1024
      thread.start()
    }
    #expect(outcome.contains(.depthExceeded), "\(outcome)")
  }
}
