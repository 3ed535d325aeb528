import FuzzChecks
import Foundation
import SlateTestSupport
import Testing

@testable import SlateJSON

/// The fuzz targets' properties, run over their seed inputs (JSONTestSuite, i_ cases
/// included; the corpus-real recordings) and every input saved under Fuzz/regressions/.
/// A violated property traps.
@Suite struct FuzzRegressionTests {
  static func saved(_ target: String) -> [URL] {
    let dir = SharedFixtures.projectRoot.appendingPathComponent("Fuzz/regressions/\(target)")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
    return names.filter { !$0.hasPrefix(".") }.sorted().map { dir.appendingPathComponent($0) }
  }

  @Test func ssePropertiesHoldOnSavedInputsAndRecordings() throws {
    var urls = Self.saved("fuzz-sse")
    for dialect in ["openai-chat", "openai-responses", "anthropic", "gemini"] {
      urls += SharedFixtures.files(in: "corpus-real/\(dialect)", suffix: ".sse") ?? []
    }
    for url in urls {
      let bytes = try [UInt8](Data(contentsOf: url))
      bytes.withUnsafeBytes { FuzzChecks.sseChunkInvariance($0) }
    }
  }

  @Test func oneShotPropertiesHoldOnSavedAndConformanceInputs() throws {
    let parser = SimdjsonParser(limits: JSONLimits(maxDepth: 256, maxBytes: 1 << 20))
    var urls = SharedFixtures.files(in: "conformance/json/test_parsing", suffix: ".json") ?? []
    urls += Self.saved("fuzz-json")
    for url in urls {
      let bytes = try [UInt8](Data(contentsOf: url))
      bytes.withUnsafeBytes { FuzzChecks.oneShotJSON($0, parser: parser) }
    }
  }

  static func bytes(_ url: URL) throws -> [UInt8] { try [UInt8](Data(contentsOf: url)) }

  /// fuzz-framer over its seeds (every JSONTestSuite file under `value` framing, the
  /// accepted ones under `auto` too, each cut in 3-byte and in 1-byte chunks; the film
  /// texts under every framing that reads them) and every saved input.
  @Test func framerPropertiesHoldOnSeedsAndSavedInputs() throws {
    let fuzzer = FramerFuzzer()
    var inputs = try Self.saved("fuzz-framer").map(Self.bytes)
    for url in SharedFixtures.files(in: "conformance/json/test_parsing", suffix: ".json") ?? [] {
      let text = try Self.bytes(url)
      for chunks: UInt8 in [0, 2] {
        inputs.append(FramerFuzzInput.header(.value, maxChunkIndex: chunks) + text)
        if url.lastPathComponent.hasPrefix("y_") { inputs.append(FramerFuzzInput.header(.auto, maxChunkIndex: chunks) + text) }
      }
    }
    let root = SharedFixtures.projectRoot.appendingPathComponent("Corpus")
    let turn = try Self.bytes(root.appendingPathComponent("text/film-turn-array.sse"))
    let actions = try Self.bytes(root.appendingPathComponent("schemas/film-actions.jsonl"))
    for chunks: UInt8 in 0..<8 {
      inputs.append(FramerFuzzInput.header(.array, maxChunkIndex: chunks, seed: chunks) + turn)
      inputs.append([FramerFuzzInput.header(.array, maxChunkIndex: chunks)[0] | 16, chunks] + turn)  // key rule
      inputs.append(FramerFuzzInput.header(.sequence, maxChunkIndex: chunks, seed: chunks) + actions)
      inputs.append(FramerFuzzInput.header(.field("actions"), maxChunkIndex: chunks) + Array(#"{"actions":"#.utf8) + turn + [0x7D])
      inputs.append([FramerFuzzInput.header(.sequence)[0] | 8, chunks &* 37] + actions)  // small limits
    }
    #expect(inputs.count > 40)
    for input in inputs { input.withUnsafeBytes { fuzzer.check($0) } }
  }

  @Test func framerHeaderDecodesAsDocumented() {
    let value = FramerFuzzInput(header: FramerFuzzInput.header(.value)[0], 0)
    #expect(value.framing == .value && value.maxChunk == 3 && !value.smallLimits && value.limits == .default)
    #expect(value.announcements == AnnouncementRule())
    let small = FramerFuzzInput(header: 0b1111_1110, 0b1001_1010)
    #expect(small.framing == .field("a") && small.maxChunk == 4096 && small.smallLimits)
    #expect(small.limits == FramerLimits(maxDepth: 3, maxValueBytes: 4 << 3, maxValues: 3))
    #expect(small.announcements == AnnouncementRule(discriminator: "type", keyFields: ["id", "type"]))
  }

  /// Issue 19: integers beyond 64 bits are valid RFC 8259 numbers, parsed and kept exactly
  /// (they used to be `json.number_out_of_range`).
  @Test func integersBeyondSixtyFourBitsAreKeptExactly() throws {
    let parser = SimdjsonParser()
    #expect(try parser.parse("[100000000000000000000]")[0]?.numberValue?.lexeme == "100000000000000000000")
    #expect(try parser.parse("{\"a\": -9223372036854775809}")["a"]?.numberValue?.lexeme == "-9223372036854775809")
    #expect((try? parser.parse("[18446744073709551615,-9223372036854775808,1e308]")) != nil)
  }
}
