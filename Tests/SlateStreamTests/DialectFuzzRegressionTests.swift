import FuzzChecks
import Foundation
import SlateStream
import SlateTestSupport
import Testing

/// fuzz-dialect's properties (see ``DialectFuzzer``) over the real recordings, read by
/// their own dialect and by `auto`, whole and in chunks of several seeds, flushing at the
/// end of the stream or not, and over every input saved under Fuzz/regressions/fuzz-dialect.
@Suite struct DialectFuzzRegressionTests {
  static let dialects: [(folder: String, kind: DialectKind)] = [
    ("openai-chat", .openaiChat), ("openai-responses", .openaiResponses), ("anthropic", .anthropic), ("gemini", .gemini),
  ]

  @Test func propertiesHoldOnTheRecordings() throws {
    let fuzzer = DialectFuzzer()
    var checked = 0
    for (folder, kind) in Self.dialects {
      for url in SharedFixtures.files(in: "corpus-real/\(folder)", suffix: ".sse") ?? [] {
        let sse = try [UInt8](Data(contentsOf: url))
        for dialect in [DialectFuzzInput.control(kind), DialectFuzzInput.control(.auto)] {
          // Flushing (+0) or not (+5), chunk seeds 0 and 7 (+70).
          for variant: UInt8 in [0, 5, 70, 75] {
            ([dialect + variant] + sse).withUnsafeBytes { fuzzer.check($0) }
            checked += 1
          }
        }
      }
    }
    if SharedFixtures.shared != nil { #expect(checked == 30 * 8) }
  }

  @Test func propertiesHoldOnSavedInputs() throws {
    let fuzzer = DialectFuzzer()
    let dir = SharedFixtures.projectRoot.appendingPathComponent("Fuzz/regressions/fuzz-dialect")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
    for name in names.sorted() where !name.hasPrefix(".") {
      try [UInt8](Data(contentsOf: dir.appendingPathComponent(name))).withUnsafeBytes { fuzzer.check($0) }
    }
  }

  @Test func controlByteDecodesAsDocumented() {
    #expect(DialectFuzzInput.kinds.indices.map { DialectFuzzInput(control: UInt8($0)).kind } == DialectFuzzInput.kinds)
    let plain = DialectFuzzInput(control: DialectFuzzInput.control(.gemini))
    #expect(plain.kind == .gemini && plain.flushOnEOF && plain.seed == 0)
    let other = DialectFuzzInput(control: 3 + 5 + 70)
    #expect(other.kind == .gemini && !other.flushOnEOF && other.seed == 7)
  }
}
