import Foundation
import SlateCore
import SlateJSON
import SlateTestSupport
import Testing

@testable import SlateSchema

/// Direct evaluation (``Validator/evaluateDirect(_:_:)``) gives what the frame walk gives:
/// validity, every error (code, keyword, paths, message, params, range) in order, the
/// warnings and the coerced value, compared exactly, for the schemas of the conformance
/// suites, the Corpus packs and the film pack on their own and seeded random and mutated
/// values, in both reporting modes, with and without coercions, at depth limits around
/// the schemas' heights.
@Suite struct DirectEvaluationTests {
  /// The options a comparison runs under, one picked per value.
  static let modes: [ValidationOptions] = [
    .default,
    ValidationOptions(mode: .firstError),
    ValidationOptions(mode: .allErrors, applyCoercions: false),
    ValidationOptions(mode: .allErrors, assertFormats: true),
    ValidationOptions(mode: .firstError, assertFormats: true),
  ]

  /// Where errors point: a range that depends on the instance path, so that a wrong path
  /// or member narrowing shows in the range too.
  static let locator: InstanceLocator = { pointer in
    let n = pointer.description.utf8.count
    return n..<(n + pointer.tokens.count + 1)
  }

  /// Validates `value` against `node` directly and through the walk alone; the
  /// difference, or nil when they agree. Counts the comparisons where the root was direct.
  static func difference(_ program: SchemaProgram, _ node: Int, _ value: JSONValue, _ options: ValidationOptions,
                         _ coercions: CoercionSet, _ assertFormats: Bool) -> String?
  {
    var direct = Validator(program: program, options: options, coercions: coercions, locator: locator,
                           wholeRange: 3..<9, assertFormats: assertFormats)
    var walked = direct
    walked.direct = false
    let a = direct.run(node, value)
    let b = walked.run(node, value)
    if a.errors != b.errors || !zip(a.errors, b.errors).allSatisfy({ identical($0.params, $1.params) }) {
      return "errors: direct \(a.errors) walk \(b.errors)"
    }
    if a.warnings != b.warnings
      || !zip(a.warnings, b.warnings).allSatisfy({
        identical($0.original, $1.original) && identical($0.replacement ?? .null, $1.replacement ?? .null)
      })
    {
      return "warnings: direct \(a.warnings) walk \(b.warnings)"
    }
    if !identical(a.value, b.value) { return "value: direct \(a.value.canonicalString) walk \(b.value.canonicalString)" }
    return nil
  }

  /// Equal as written: member order, duplicate keys, number lexemes and string bytes.
  static func identical(_ a: JSONValue, _ b: JSONValue) -> Bool {
    switch (a, b) {
    case (.null, .null): true
    case let (.bool(x), .bool(y)): x == y
    case let (.number(x), .number(y)): x.lexeme == y.lexeme
    case let (.string(x), .string(y)): Array(x.utf8) == Array(y.utf8)
    case let (.array(x), .array(y)): x.count == y.count && zip(x, y).allSatisfy { identical($0, $1) }
    case let (.object(x), .object(y)):
      x.members.count == y.members.count
        && zip(x.members, y.members).allSatisfy { Array($0.key.utf8) == Array($1.key.utf8) && identical($0.value, $1.value) }
    default: false
    }
  }

  /// The words values are built from: the program's property names and string enum
  /// members, their case-changed spellings, numbers as strings, and a few others.
  static func words(_ program: SchemaProgram) -> [String] {
    var words: Set<String> = ["", "x", "s12", "P3", "12", "1.5", "-0", "true", "null", "a b", "é", "2024-01-01"]
    for shape in program.objects { words.formUnion(shape.names) }
    for table in program.enums {
      for case .string(let s) in table.values { words.insert(s) }
    }
    for word in Array(words) { words.insert(word.uppercased()) }
    return words.sorted()
  }

  /// A seeded random value over `words`, at most `depth` containers deep.
  static func random(_ words: [String], _ depth: Int, _ rng: inout SplitMix64) -> JSONValue {
    switch rng.below(depth > 0 ? 10 : 6) {
    case 0: return .null
    case 1: return .bool(rng.chance(50))
    case 2: return .number(JSONNumber(Int64(rng.within(-3...1200))))
    case 3: return .number(JSONNumber(lexeme: rng.pick(["0.5", "1e2", "2.30", "-1.25", "600.1", "0", "1E400"]))!)
    case 4, 5: return .string(rng.pick(words))
    case 6, 7:
      var members: [JSONMember] = []
      for _ in 0..<rng.below(rng.chance(3) ? 40 : 7) { members.append(JSONMember(key: rng.pick(words), value: random(words, depth - 1, &rng))) }
      return .object(JSONObject(members))
    default:
      return .array((0..<rng.below(5)).map { _ in random(words, depth - 1, &rng) })
    }
  }

  /// `value` with one change somewhere inside: a member removed, duplicated or added, a
  /// value replaced (by null, a random value, its string or number spelling, its
  /// upper-case spelling), or an item removed or added.
  static func mutated(_ value: JSONValue, _ words: [String], _ rng: inout SplitMix64) -> JSONValue {
    switch value {
    case .object(var object) where !object.members.isEmpty && rng.chance(70):
      let i = rng.below(object.members.count)
      switch rng.below(6) {
      case 0: object.members.remove(at: i)
      case 1: object.members.append(object.members[i])
      case 2: object.members.insert(JSONMember(key: rng.pick(words), value: random(words, 2, &rng)), at: i)
      default: object.members[i].value = mutated(object.members[i].value, words, &rng)
      }
      return .object(object)
    case .array(var items) where !items.isEmpty && rng.chance(70):
      let i = rng.below(items.count)
      switch rng.below(5) {
      case 0: items.remove(at: i)
      case 1: items.append(random(words, 2, &rng))
      default: items[i] = mutated(items[i], words, &rng)
      }
      return .array(items)
    default:
      switch rng.below(6) {
      case 0: return .null
      case 1:
        if case .number(let n) = value { return .string(n.lexeme) }
        if case .string(let s) = value, let n = JSONNumber(lexeme: s) { return .number(n) }
        return random(words, 2, &rng)
      case 2:
        if case .string(let s) = value { return .string(s.uppercased()) }
        return random(words, 0, &rng)
      default: return random(words, 2, &rng)
      }
    }
  }

  /// Compares `count` values derived from `seeds` (as they are, mutated once or more, or
  /// random) against `node`; the differences found.
  static func compare(_ program: SchemaProgram, _ node: Int, seeds: [JSONValue], count: Int, coercions: CoercionSet,
                      assertFormats: Bool, _ rng: inout SplitMix64, _ label: String) -> [String]
  {
    let words = words(program)
    var failures: [String] = []
    let height = Int(program.direct[node])
    for round in 0..<count {
      var value: JSONValue
      if seeds.isEmpty || rng.chance(20) {
        value = random(words, 4, &rng)
      } else {
        value = rng.pick(seeds)
        for _ in 0..<rng.below(4) { value = mutated(value, words, &rng) }
      }
      var options = rng.pick(modes)
      // Depth limits around the node's direct height (the walk takes over below it).
      if rng.chance(25) { options.maxDepth = max(1, height + rng.within(-2...1)) }
      let useCoercions: CoercionSet = rng.chance(80) ? coercions : CoercionSet(Coercion.allCases)
      if let difference = difference(program, node, value, options, useCoercions, assertFormats) {
        failures.append("\(label) round \(round) \(value.canonicalString) \(options): \(difference)")
        if failures.count > 5 { break }
      }
    }
    return failures
  }

  static func suiteFiles() -> [URL] {
    let format = SharedFixtures.projectRoot.appendingPathComponent("Tests/Conformance/json-schema-format")
    let formatFiles = ((try? FileManager.default.contentsOfDirectory(at: format, includingPropertiesForKeys: nil)) ?? [])
      .filter { $0.pathExtension == "json" }
    return JSONSchemaTestSuiteTests.files + JSONSchemaExtraSuiteTests.files + formatFiles.sorted { $0.path < $1.path }
  }

  @Test func conformanceSchemasDirectAndWalkedAgree() throws {
    let parser = SimdjsonParser()
    var rng = SplitMix64(seed: 0xD1EC_7001)
    var failures: [String] = []
    var (schemas, direct) = (0, 0)
    for url in Self.suiteFiles() {
      let suite = try parser.parse([UInt8](Data(contentsOf: url)))
      for testCase in suite.arrayValue ?? [] {
        guard let schema = try? CompiledSchema(schema: testCase["schema"] ?? .null) else { continue }
        schemas += 1
        if schema.program.direct[schema.root] > 0 { direct += 1 }
        let seeds = (testCase["tests"]?.arrayValue ?? []).map { $0["data"] ?? .null }
        let label = "\(url.lastPathComponent) «\(testCase["description"]?.stringValue ?? "?")»"
        failures += Self.compare(schema.program, schema.root, seeds: seeds, count: 60, coercions: [],
                                 assertFormats: rng.chance(50), &rng, label)
      }
    }
    print("direct evaluation: \(schemas) conformance schemas, \(direct) of them direct at the root")
    #expect(failures.isEmpty, "\(failures.prefix(20).joined(separator: "\n"))")
    if SharedFixtures.shared != nil { #expect(schemas > 300 && direct > 100) }
  }

  @Test func packsDirectAndWalkedAgree() throws {
    let examples = try FilmPackTests.examples()
    var rng = SplitMix64(seed: 0xF11A_D1EC)
    var failures: [String] = []
    for url in try FilmPackTests.packFiles() {
      let folder = url.deletingLastPathComponent()
      let pack = try CompiledPack(bytes: [UInt8](Data(contentsOf: url)), defaultName: String(url.lastPathComponent.prefix { $0 != "." }),
                                  loadFile: { file in (try? Data(contentsOf: folder.appendingPathComponent(file))).map { [UInt8]($0) } })
      for (type, entry) in pack.entries.sorted(by: { $0.key.string < $1.key.string }) {
        let seeds = examples.filter { $0["type"]?.stringValue == type.string }
        failures += Self.compare(pack.program, entry.node, seeds: seeds, count: 1500,
                                 coercions: entry.declaration.coercions, assertFormats: entry.declaration.assertFormats,
                                 &rng, "\(url.lastPathComponent) \(type.string)")
      }
    }
    #expect(failures.isEmpty, "\(failures.prefix(20).joined(separator: "\n"))")
  }

  /// The film pack's actions are evaluated directly (what the turn pipeline validates).
  @Test func theFilmActionsAreDirect() throws {
    let film = try filmPack()
    for (type, entry) in film.entries {
      #expect(film.program.direct[entry.node] > 0, "\(type.string)")
    }
  }

  /// A property lookup compares signatures (length and first seven bytes) first: names
  /// that share them are told apart by their bytes, and a key matches only its own name.
  @Test func propertyLookupBySignature() throws {
    let names = ["generate_image", "generate_video", "generate_imagf", "gen", "gen\u{0}", "é", "e\u{301}", "x", ""]
    var properties = ""
    for (i, name) in names.enumerated() { properties += (i > 0 ? ", " : "") + "\"\(name.unicodeScalars.map { $0.value < 0x80 && $0.value >= 0x20 ? String($0) : String(format: "\\u%04x", $0.value) }.joined())\": {\"const\": \(i)}" }
    let compiled = try schema("{\"properties\": {\(properties)}}")
    let shape = try #require(compiled.program.objects.first)
    for (i, name) in names.enumerated() { #expect(shape.index(of: name) == i, "\(name)") }
    for other in ["generate_imagE", "generate_imag", "generate_image ", "gen\u{1}", "ge", "E"] { #expect(shape.index(of: other) == nil, "\(other)") }
  }

  /// Eligibility: branches, trials and annotations keep a node on the walk, and so do its
  /// ancestors; a recursive schema is never direct; heights count nested evaluations.
  @Test func eligibilityAndHeights() throws {
    let plain = try schema(##"{"type": "object", "properties": {"a": {"$ref": "#/$defs/s"}}, "$defs": {"s": {"type": "string"}}}"##)
    #expect(plain.program.direct[plain.root] == 3)  // the object, the property's $ref, its target
    let keywords = [##""anyOf": [{}]"##, ##""oneOf": [{}]"##, ##""not": {}"##, ##""if": {}, "then": {}"##,
                    ##""contains": {}"##, ##""propertyNames": {}"##, ##""dependentSchemas": {"a": {}}"##,
                    ##""unevaluatedProperties": false"##]
    for keyword in keywords {
      let inner = try schema(##"{"properties": {"a": {"## + keyword + "}}}")
      #expect(inner.program.direct[inner.root] == 0, "\(keyword)")
    }
    let tree = try schema(##"{"type": "object", "properties": {"children": {"type": "array", "items": {"$ref": "#"}}}}"##)
    #expect(tree.program.direct[tree.root] == 0)
    var nested = ##"{"type": "string"}"##
    for _ in 0..<Int(SchemaProgram.directLimit) { nested = ##"{"properties": {"a": "## + nested + "}}" }
    let tall = try schema(nested)
    #expect(tall.program.direct[tall.root] == 0)
  }

  /// Objects past the 32 members the stack scratch holds find their duplicate names by
  /// comparing pairs: direct and walk agree on objects of 30 to 45 members (both sides of
  /// the limit), with repeated, missing, unknown and mistyped members, with and without
  /// coercions, in both error modes.
  @Test func wideObjectsDirectAndWalkedAgree() throws {
    var properties: [String] = []
    for i in 0..<40 { properties.append("\"m\(i)\": {\"type\": \(i % 2 == 0 ? "\"integer\"" : "\"string\"")}") }
    let compiled = try schema("{\"type\": \"object\", \"properties\": {\(properties.joined(separator: ", "))}, "
      + "\"required\": [\"m0\", \"m39\"], \"additionalProperties\": false}")
    #expect(compiled.program.direct[compiled.root] > 0)
    var rng = SplitMix64(seed: 0x3233_3334)
    var failures: [String] = []
    var wide = 0
    for round in 0..<300 {
      var object = JSONObject()
      for _ in 0..<rng.within(30...45) {
        let i = rng.within(0...44)  // m40 … m44: names the schema does not have
        let value: JSONValue = rng.chance(80) ? (i % 2 == 0 ? .number(JSONNumber(i)) : .string("v\(i)"))
          : rng.chance(50) ? .string("\(i)") : .null
        object.append(key: "m\(i)", value: value)
      }
      if object.count > 32 { wide += 1 }
      for options in Self.modes {
        for coercions in [CoercionSet(), CoercionSet(Coercion.allCases)] {
          if let difference = Self.difference(compiled.program, compiled.root, .object(object), options, coercions, false) {
            failures.append("round \(round) \(object.count) members: \(difference)")
          }
        }
      }
    }
    #expect(wide > 150)
    #expect(failures.isEmpty, "\(failures.prefix(10).joined(separator: "\n"))")
  }
}
