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

  @Test func integersBeyondSixtyFourBitsAreOutOfRangeWithTheirOffset() {
    let parser = SimdjsonParser()
    for (text, offset) in [("[100000000000000000000]", 1), ("{\"a\": -9223372036854775809}", 6)] {
      do {
        _ = try parser.parse(text)
        Issue.record("accepted \(text)")
      } catch {
        #expect(error.code == .numberOutOfRange)
        #expect(error.offset == offset)
      }
    }
    #expect((try? parser.parse("[18446744073709551615,-9223372036854775808,1e308]")) != nil)
  }
}
