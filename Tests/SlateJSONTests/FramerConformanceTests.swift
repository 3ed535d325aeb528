import Foundation
import SlateTestSupport
import Testing

@testable import SlateJSON

/// JSONTestSuite (nst/JSONTestSuite) through the framer in `value` framing, against the
/// one-shot simdjson parser on the same bytes.
@Suite struct FramerConformanceTests {
  static let cases: [(name: String, bytes: [UInt8])] =
    (SharedFixtures.files(in: "conformance/json/test_parsing", suffix: ".json") ?? []).map {
      ($0.lastPathComponent, [UInt8]((try? Data(contentsOf: $0)) ?? Data()))
    }

  @Test func suiteIsPresentOrSkipped() {
    if SharedFixtures.shared != nil { #expect(Self.cases.count > 300) }
  }

  /// Same verdict as simdjson for every y_ and n_ case; the same value for every y_ case,
  /// framed with the range of the document's non-whitespace bytes.
  @Test func verdictsAndValuesMatchTheOneShotParser() {
    let parser = SimdjsonParser()
    var failures: [String] = []
    var checked = 0
    for (name, bytes) in Self.cases where !name.hasPrefix("i_") {
      let expected = oneShot(bytes, parser)
      let run = frame(bytes, .value, parser: parser)
      checked += 1
      if let difference = syntaxOnlyDifference(bytes, .value, withParser: run) { failures.append("\(name): \(difference)") }
      switch expected {
      case .success(let value):
        guard run.status == .complete, run.values.count == 1, let framed = run.values.first else {
          failures.append("\(name): \(run.transcript)")
          continue
        }
        if framed.value != value || framed.value?.canonicalString != value.canonicalString {
          failures.append("\(name): framed \(String(describing: framed.value)), one-shot \(value)")
        }
        let first = bytes.firstIndex { !JSONFramer.isWhitespace($0) }!
        let last = bytes.lastIndex { !JSONFramer.isWhitespace($0) }!
        if framed.range != first..<(last + 1) || framed.index != 0 {
          failures.append("\(name): range \(framed.range), index \(framed.index)")
        }
      case .failure(let error):
        guard run.status != .complete, let diagnostic = run.diagnostic, run.diagnostics.count == 1 else {
          failures.append("\(name): accepted (\(run.transcript)), one-shot says \(error)")
          continue
        }
        if !agrees(diagnostic, with: error) {
          failures.append("\(name): framer \(diagnostic), one-shot \(error)")
        }
        if diagnostic.message.isEmpty { failures.append("\(name): no message") }
      }
    }
    #expect(failures.isEmpty, "\(failures)")
    if SharedFixtures.shared != nil { #expect(checked > 280) }
  }

  /// The codes and offsets are exactly the one-shot locator's wherever the document holds
  /// no invalid UTF-8 past the first error; counted so that a drift shows.
  @Test func diagnosticsAreTheLocatorsExceptForLaterInvalidUTF8() {
    let parser = SimdjsonParser()
    var exact = 0
    var earlierThanLaterInvalidUTF8: [String] = []
    for (name, bytes) in Self.cases where name.hasPrefix("n_") {
      guard case .failure(let error) = oneShot(bytes, parser), let diagnostic = frame(bytes, .value).diagnostic
      else { continue }
      if diagnostic.code == error.code && diagnostic.offset == error.offset {
        exact += 1
      } else {
        #expect(error.code == .jsonInvalidUTF8 && diagnostic.offset < error.offset, "\(name): \(diagnostic) vs \(error)")
        earlierThanLaterInvalidUTF8.append(name)
      }
    }
    print("framer diagnostics equal to the one-shot locator's: \(exact); earlier than a later invalid UTF-8 byte: \(earlierThanLaterInvalidUTF8)")
    if SharedFixtures.shared != nil { #expect(exact >= 180) }
  }

  /// The same transcript (values, ranges, bytes, diagnostics with their offsets and
  /// messages) one byte at a time, at every split point (inputs up to 512 bytes) and
  /// under seeded random chunkings, for every case including i_.
  @Test func everyChunkingGivesTheSameTranscript() {
    let parser = SimdjsonParser()
    var failures: [String] = []
    for (name, bytes) in Self.cases {
      if let difference = firstChunkingDifference(bytes, .value, parser: parser) {
        failures.append("\(name): \(difference)")
      }
    }
    #expect(failures.isEmpty, "\(failures)")
  }

  /// i_ cases (implementation-defined): record the framer's agreement with simdjson.
  @Test func implementationDefinedCasesAgreeWithSimdjson() {
    let parser = SimdjsonParser()
    var agreements: [String] = []
    var disagreements: [String] = []
    for (name, bytes) in Self.cases where name.hasPrefix("i_") {
      let accepted = (try? oneShot(bytes, parser).get()) != nil
      let run = frame(bytes, .value, parser: parser)
      if accepted == (run.status == .complete) {
        agreements.append(name)
      } else {
        disagreements.append("\(name): simdjson \(accepted ? "accepts" : "rejects"), framer \(run.transcript)")
      }
    }
    print("i_ verdicts: \(agreements.count) agree with simdjson, \(disagreements.count) differ \(disagreements)")
    #expect(disagreements.isEmpty, "\(disagreements)")
  }

  /// Without a parser (lazy materialisation) the verdict is syntax only: every y_ case is
  /// framed, and parsing the framed bytes later gives the one-shot value.
  @Test func lazyMaterialisationGivesTheSameValues() throws {
    let parser = SimdjsonParser()
    for (name, bytes) in Self.cases where name.hasPrefix("y_") {
      let run = frame(bytes, .value)
      let framed = try #require(run.values.first, "\(name)")
      #expect(framed.value == nil)
      #expect(try framed.parse(with: parser) == parser.parse(bytes), "\(name)")
    }
  }
}
