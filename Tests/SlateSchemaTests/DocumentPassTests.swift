import Foundation
import SlateCore
import SlateJSON
import SlateTestSupport
import Testing

@testable import SlateSchema

/// Values validated, keyed and batched from their documents (``Validator/passes(_:_:)``,
/// ``CompiledPack/Classifier/classify(document:metadata:options:)``) give what the built
/// values give: a pass is only ever given to a value the walk finds valid, with no warning
/// and unchanged; an action classified from a document equals the one classified from the
/// built value (type, payload, key bytes and digest, queue, effects, phase, offsets,
/// warnings), and so does a rejection; a batch's digest is the same. Over the conformance
/// suites' schemas, the Corpus packs and the film pack, on their own values and seeded
/// random and mutated ones written as they are (member order, repeated names, lexemes).
@Suite struct DocumentPassTests {
  /// `value` written as it is (members in order, repeated names kept, numbers by lexeme).
  static func written(_ value: JSONValue, into out: inout [UInt8]) {
    switch value {
    case .null: out += Array("null".utf8)
    case .bool(let b): out += Array((b ? "true" : "false").utf8)
    case .number(let n): out += Array(n.lexeme.utf8)
    case .string(let s): JSONValue.writeCanonicalString(s, into: &out)
    case .array(let items):
      out.append(UInt8(ascii: "["))
      for (i, item) in items.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        written(item, into: &out)
      }
      out.append(UInt8(ascii: "]"))
    case .object(let object):
      out.append(UInt8(ascii: "{"))
      for (i, member) in object.members.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        JSONValue.writeCanonicalString(member.key, into: &out)
        out.append(UInt8(ascii: ":"))
        written(member.value, into: &out)
      }
      out.append(UInt8(ascii: "}"))
    }
  }

  /// The document of `value` as written, and the value simdjson reads back (nil when
  /// simdjson refuses it, e.g. a number beyond a double).
  static func document(_ value: JSONValue, _ parser: SimdjsonParser) -> (JSONDocumentCopy, JSONValue)? {
    var bytes: [UInt8] = []
    written(value, into: &bytes)
    guard let copy = try? parser.parseCopy(PaddedBytes(bytes)) else { return nil }
    return (copy, copy.value)
  }

  struct Tally {
    var values = 0
    var passed = 0
    var validUnchanged = 0
    var failures: [String] = []
  }

  /// Checks the pass on `count` values derived from `seeds` against `node`.
  static func check(_ program: SchemaProgram, _ node: Int, seeds: [JSONValue], count: Int, coercions: CoercionSet,
                    assertFormats: Bool, _ rng: inout SplitMix64, _ parser: SimdjsonParser, _ label: String,
                    into tally: inout Tally)
  {
    let words = DirectEvaluationTests.words(program)
    let height = Int(program.direct[node])
    var validator = Validator(program: program, options: .default, coercions: coercions, locator: nil, wholeRange: nil,
                              assertFormats: assertFormats)
    for round in 0..<count {
      var value: JSONValue
      if seeds.isEmpty || rng.chance(20) {
        value = DirectEvaluationTests.random(words, 4, &rng)
      } else {
        value = rng.pick(seeds)
        for _ in 0..<rng.below(4) { value = DirectEvaluationTests.mutated(value, words, &rng) }
      }
      guard let (copy, read) = document(value, parser) else { continue }
      var options = rng.pick(DirectEvaluationTests.modes)
      if rng.chance(25) { options.maxDepth = max(1, height + rng.within(-2...1)) }
      let useCoercions: CoercionSet = rng.chance(80) ? coercions : CoercionSet(Coercion.allCases)
      validator.reset(options: options, coercions: useCoercions, locator: nil, wholeRange: nil, assertFormats: assertFormats)
      let passed = copy.withRoot { validator.passes(node, $0) }
      validator.reset(options: options, coercions: useCoercions, locator: nil, wholeRange: nil, assertFormats: assertFormats)
      let result = validator.run(node, read)
      let clean = result.isValid && result.warnings.isEmpty && DirectEvaluationTests.identical(result.value, read)
      tally.values += 1
      if passed { tally.passed += 1 }
      if clean { tally.validUnchanged += 1 }
      if passed && !clean, tally.failures.count < 20 {
        tally.failures.append("\(label) round \(round) \(read.canonicalString) \(options): passed; the walk: \(result.errors) \(result.warnings)")
      }
    }
  }

  @Test func conformanceSchemasPassOnlyWhatTheWalkPasses() throws {
    let parser = SimdjsonParser()
    var rng = SplitMix64(seed: 0xD0C_7001)
    var tally = Tally()
    for url in DirectEvaluationTests.suiteFiles() {
      let suite = try parser.parse([UInt8](Data(contentsOf: url)))
      for testCase in suite.arrayValue ?? [] {
        guard let schema = try? CompiledSchema(schema: testCase["schema"] ?? .null) else { continue }
        let seeds = (testCase["tests"]?.arrayValue ?? []).map { $0["data"] ?? .null }
        Self.check(schema.program, schema.root, seeds: seeds, count: 60, coercions: [], assertFormats: rng.chance(50),
                   &rng, parser, "\(url.lastPathComponent) «\(testCase["description"]?.stringValue ?? "?")»", into: &tally)
      }
    }
    print("document pass: \(tally.values) conformance values, \(tally.passed) passed, \(tally.validUnchanged) valid unchanged")
    #expect(tally.failures.isEmpty, "\(tally.failures.joined(separator: "\n"))")
    if SharedFixtures.shared != nil { #expect(tally.passed > tally.validUnchanged / 3) }
  }

  @Test func packsPassOnlyWhatTheWalkPasses() throws {
    let parser = SimdjsonParser()
    let examples = try FilmPackTests.examples()
    var rng = SplitMix64(seed: 0xF11A_D0C5)
    var tally = Tally()
    for url in try FilmPackTests.packFiles() {
      let pack = try Self.pack(url)
      for (type, entry) in pack.entries.sorted(by: { $0.key.string < $1.key.string }) {
        let seeds = examples.filter { $0["type"]?.stringValue == type.string }
        Self.check(pack.program, entry.node, seeds: seeds, count: 800, coercions: entry.declaration.coercions,
                   assertFormats: entry.declaration.assertFormats, &rng, parser, "\(url.lastPathComponent) \(type.string)",
                   into: &tally)
      }
    }
    #expect(tally.failures.isEmpty, "\(tally.failures.joined(separator: "\n"))")
    // Most valid, uncoerced values are shown (not those under a depth limit below the
    // schema's height, nor a tool pack's schemas that are not evaluated directly).
    #expect(tally.passed > tally.validUnchanged * 3 / 4, "\(tally.passed) of \(tally.validUnchanged)")
  }

  static func pack(_ url: URL) throws -> CompiledPack {
    let folder = url.deletingLastPathComponent()
    return try CompiledPack(bytes: [UInt8](Data(contentsOf: url)), defaultName: String(url.lastPathComponent.prefix { $0 != "." }),
                            loadFile: { file in (try? Data(contentsOf: folder.appendingPathComponent(file))).map { [UInt8]($0) } })
  }

  /// The film pack's examples and their mutations, as text actions and as tool calls (the
  /// type as the tool name, with and without the discriminator member): the document's
  /// classification equals the built value's, and a batch of them has the same id.
  @Test func classifiedFromDocumentsAsFromValues() throws {
    let parser = SimdjsonParser()
    let film = try filmPack()
    let examples = try FilmPackTests.examples()
    let words = DirectEvaluationTests.words(film.program)
    var rng = SplitMix64(seed: 0xC1A5_51F7)
    var fromDocuments = CompiledPack.Classifier(film)
    var fromValues = CompiledPack.Classifier(film)
    var failures: [String] = []
    var (actions, held, rejections) = (0, 0, 0)
    var documentBatcher = Batcher(limits: .default)
    var valueBatcher = Batcher(limits: .default)
    var documentBatches: [ActionBatch] = []
    var valueBatches: [ActionBatch] = []
    for round in 0..<4000 {
      var value = rng.pick(examples)
      if rng.chance(40) { for _ in 0..<rng.below(3) + 1 { value = DirectEvaluationTests.mutated(value, words, &rng) } }
      var toolName: String?
      if rng.chance(30), case .object(var object) = value, let type = object["type"]?.stringValue {
        toolName = rng.chance(80) ? type : rng.pick(words)
        if rng.chance(50) { object.members.removeAll { $0.key == "type" } }
        value = .object(object)
      }
      guard let (copy, read) = Self.document(value, parser) else { continue }
      let metadata = ActionMetadata(toolName: toolName, phase: rng.chance(20) ? "p" : nil, index: round, rawOffset: round * 7,
                                    textRange: round..<(round + 5))
      let options = rng.chance(80) ? ValidationOptions.default : rng.pick(DirectEvaluationTests.modes)
      let a = fromDocuments.classify(document: copy, metadata: metadata, options: options)
      let b = fromValues.classify(read, metadata: metadata, options: options)
      switch (a, b) {
      case (.success(let x), .success(let y)):
        actions += 1
        if x.payloadDocument != nil { held += 1 }
        if x != y || x.key.canonicalBytes != y.key.canonicalBytes || x.key.readable != y.key.readable
          || x.payload.canonicalBytes != y.payload.canonicalBytes
        {
          failures.append("round \(round) \(read.canonicalString): document \(x) value \(y)")
        }
        documentBatches += documentBatcher.add(x)
        valueBatches += valueBatcher.add(y)
      case (.failure(let x), .failure(let y)):
        rejections += 1
        if x != y { failures.append("round \(round) \(read.canonicalString): document \(x) value \(y)") }
      default:
        failures.append("round \(round) \(read.canonicalString): document \(a) value \(b)")
      }
      if failures.count > 10 { break }
    }
    documentBatches += documentBatcher.finish()
    valueBatches += valueBatcher.finish()
    #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    #expect(documentBatches.map(\.id) == valueBatches.map(\.id))
    #expect(actions > 1000 && rejections > 100, "\(actions) actions, \(rejections) rejections")
    // Most actions are held as documents (not every one falls back to the built path).
    #expect(held > actions / 2, "\(held) of \(actions) actions held as documents")
  }
}
