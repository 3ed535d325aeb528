import FuzzChecks
import Foundation
import SlateTestSupport
import Testing

@testable import SlateJSON

/// The fuzz targets' properties, run over every JSONTestSuite file (i_ cases included) and
/// every input saved under Fuzz/regressions/fuzz-json. A violated property traps.
@Suite struct FuzzRegressionTests {
  @Test func oneShotPropertiesHoldOnSavedAndConformanceInputs() throws {
    let parser = SimdjsonParser(limits: JSONLimits(maxDepth: 256, maxBytes: 1 << 20))
    var urls = SharedFixtures.files(in: "conformance/json/test_parsing", suffix: ".json") ?? []
    let regressions = SharedFixtures.projectRoot.appendingPathComponent("Fuzz/regressions/fuzz-json")
    if let names = try? FileManager.default.contentsOfDirectory(atPath: regressions.path) {
      urls += names.filter { !$0.hasPrefix(".") && $0 != "README.md" }.map { regressions.appendingPathComponent($0) }
    }
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
