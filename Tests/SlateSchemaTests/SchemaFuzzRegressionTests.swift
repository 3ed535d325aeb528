import FuzzChecks
import Foundation
import SlateJSON
import SlateTestSupport
import Testing

@testable import SlateSchema

/// fuzz-schema's properties (see ``SchemaFuzzer``) over its seeds: every test of the
/// JSON-Schema-Test-Suite as a schema and instance pair (in both validation depths), the
/// film actions alone and after the film pack, and every saved input.
@Suite struct SchemaFuzzRegressionTests {
  static func saved() throws -> [[UInt8]] {
    let dir = SharedFixtures.projectRoot.appendingPathComponent("Fuzz/regressions/fuzz-schema")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
    return try names.sorted().filter { !$0.hasPrefix(".") }.map { try [UInt8](Data(contentsOf: dir.appendingPathComponent($0))) }
  }

  @Test func propertiesHoldOnTheSchemaSuite() throws {
    let fuzzer = SchemaFuzzer(filmPack: try filmPack())
    let parser = SimdjsonParser()
    var checked = 0
    for url in SharedFixtures.files(in: "conformance/json-schema/draft2020-12", suffix: ".json") ?? [] {
      for testCase in try parser.parse([UInt8](Data(contentsOf: url))).arrayValue ?? [] {
        for test in testCase["tests"]?.arrayValue ?? [] {
          var input = SchemaFuzzInput.bytes(schema: testCase["schema"] ?? .null, instance: test["data"] ?? .null)
          input.withUnsafeBytes { fuzzer.check($0) }
          // One byte of whitespace more or less moves the length across a multiple of 3:
          // the other depth limit.
          input.append(0x20)
          input.withUnsafeBytes { fuzzer.check($0) }
          checked += 1
        }
      }
    }
    if SharedFixtures.shared != nil { #expect(checked > 600) }
  }

  @Test func propertiesHoldOnTheFilmActionsAndSavedInputs() throws {
    let fuzzer = SchemaFuzzer(filmPack: try filmPack())
    let corpus = SharedFixtures.projectRoot.appendingPathComponent("Corpus/schemas")
    let pack = try [UInt8](Data(contentsOf: corpus.appendingPathComponent("film.json")))
    let lines = try [UInt8](Data(contentsOf: corpus.appendingPathComponent("film-actions.jsonl"))).split(separator: 0x0A)
    #expect(lines.count == 20)
    for line in lines {
      Array(line).withUnsafeBytes { fuzzer.check($0) }
      (pack + [0] + line).withUnsafeBytes { fuzzer.check($0) }
    }
    for input in try Self.saved() { input.withUnsafeBytes { fuzzer.check($0) } }
  }

  @Test func inputSplitsAtTheFirstNul() {
    let input: [UInt8] = Array(#"{"type":"string"}"#.utf8) + [0] + Array(#""a""#.utf8) + [0]
    input.withUnsafeBytes { raw in
      let setup = SchemaFuzzInput(raw)
      #expect(Array(setup.schema) == Array(#"{"type":"string"}"#.utf8))
      #expect(Array(setup.instance) == Array(#""a""#.utf8) + [0])
      #expect(setup.options.maxDepth == ValidationOptions.default.maxDepth)  // 22 bytes
    }
    Array("true".utf8).withUnsafeBytes { raw in
      let setup = SchemaFuzzInput(raw)
      #expect(Array(setup.schema) == Array(setup.instance))
    }
    Array("[1]".utf8).withUnsafeBytes { #expect(SchemaFuzzInput($0).options.maxDepth == 4) }
  }
}
