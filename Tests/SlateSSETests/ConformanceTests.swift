import Foundation
import SlateSSE
import SlateTestSupport
import Testing

/// The shared WHATWG conformance vectors (`../shared/conformance/sse/cases.json`), each
/// under many chunkings: every chunking must give the same outputs, offsets included.
@Suite struct ConformanceTests {
  struct Case: Decodable, CustomTestStringConvertible, Sendable {
    struct Event: Decodable, Sendable {
      var type: String
      var data: String
      var id: String
      var retry: Int?
    }
    struct Limits: Decodable, Sendable {
      var lineBytes: Int
      var eventDataBytes: Int
    }
    var name: String
    var input: String?
    var inputBase64: String?
    var events: [Event]
    var lastEventId: String
    var retry: Int?
    var splitAt: [Int]?
    var requiresLimits: Limits?

    var bytes: [UInt8] {
      if let input { return Array(input.utf8) }
      return [UInt8](Data(base64Encoded: inputBase64 ?? "") ?? Data())
    }
    var options: SSEParser.Options {
      guard let requiresLimits else { return .default }
      return SSEParser.Options(limits: SSELimits(maxLineBytes: requiresLimits.lineBytes,
                                                 maxEventDataBytes: requiresLimits.eventDataBytes))
    }
    var testDescription: String { name }
  }

  struct File: Decodable { var cases: [Case] }

  static let cases: [Case] = {
    guard let shared = SharedFixtures.shared else {
      print("skipping: ../shared is absent, so the SSE conformance cases cannot be read")
      return []
    }
    let url = shared.appendingPathComponent("conformance/sse/cases.json")
    do {
      return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases
    } catch {
      print("cannot read \(url.path): \(error)")
      return []
    }
  }()

  @Test func casesArePresentOrSkipped() {
    if SharedFixtures.shared != nil {
      #expect(Self.cases.count >= 122)
      #expect(Self.cases.contains { $0.inputBase64 != nil })
      #expect(Self.cases.contains { $0.requiresLimits != nil })
    }
  }

  /// The expected events, last event ID and reconnection time.
  static func check(_ run: ParserRun, against c: Case, chunking: String) -> [String] {
    var failures: [String] = []
    let got = run.events.map { "\($0.type)|\($0.data)|\($0.lastEventId)|\($0.retry.map(String.init) ?? "nil")" }
    let want = c.events.map { "\($0.type)|\($0.data)|\($0.id)|\($0.retry.map(String.init) ?? "nil")" }
    if got != want { failures.append("\(chunking): events \(got.debugDescription), expected \(want.debugDescription)") }
    if run.lastEventId != c.lastEventId {
      failures.append("\(chunking): lastEventId \(run.lastEventId.debugDescription), expected \(c.lastEventId.debugDescription)")
    }
    if run.retry != c.retry { failures.append("\(chunking): retry \(String(describing: run.retry)), expected \(String(describing: c.retry))") }
    // Data that decodes with U+FFFD comes with its `sse.invalid_utf8` warning (issue 19).
    let replaced = c.events.contains { $0.data.unicodeScalars.contains("\u{FFFD}") }
    let unexpected = run.diagnostics.filter { $0.code != .sseUnterminatedEvent && !(replaced && $0.code == .sseInvalidUTF8) }
    if !unexpected.isEmpty { failures.append("\(chunking): diagnostics \(unexpected)") }
    return failures
  }

  @Test(arguments: cases)
  func wholeInputGivesTheExpectedEvents(_ c: Case) {
    let run = ParserRun(c.bytes, options: c.options)
    let failures = Self.check(run, against: c, chunking: "whole")
    #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
  }

  /// One byte at a time, every two-chunk split (inputs up to 2 KB), the case's own
  /// `splitAt`, and 20 seeded random chunkings: the same outputs as the whole input, with
  /// the same offsets, comments and diagnostics.
  @Test(arguments: cases)
  func everyChunkingGivesTheSameOutputs(_ c: Case) {
    let bytes = c.bytes
    let whole = ParserRun(bytes, options: c.options)
    // Small chunks for half of the seeds, chunks up to half the input for the rest.
    var chunkings = PushParserVerifier.chunkings(
      count: bytes.count, exhaustiveUpTo: 2048,
      random: (UInt64(1)...20).map { seed in (seed, seed <= 10 ? Int(seed) + 1 : max(2, bytes.count / 2)) }
    ).dropFirst()
    if let splitAt = c.splitAt { chunkings.append(PushParserVerifier.Chunking("splitAt", cuts: splitAt)) }
    var failures: [String] = []
    for chunking in chunkings {
      let run = ParserRun(bytes, cuts: chunking.cuts, options: c.options)
      if let difference = whole.firstDifference(from: run) {
        failures.append("\(chunking): \(difference)")
        break
      }
    }
    #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
  }

  /// The limits the case states are exact: at them nothing is reported, one byte below
  /// them the parser reports the violation.
  @Test(arguments: cases.filter { $0.requiresLimits != nil })
  func requiredLimitsAreExact(_ c: Case) throws {
    let limits = try #require(c.requiresLimits)
    let atLimits = ParserRun(c.bytes, options: c.options)
    #expect(atLimits.diagnostics.isEmpty, "\(atLimits.diagnostics)")

    let shortLines = ParserRun(c.bytes, options: SSEParser.Options(
      limits: SSELimits(maxLineBytes: limits.lineBytes - 1, maxEventDataBytes: limits.eventDataBytes)))
    #expect(shortLines.diagnostics.map(\.code) == [.sseLineTooLong], "\(shortLines.diagnostics)")

    let smallEvents = ParserRun(c.bytes, options: SSEParser.Options(
      limits: SSELimits(maxLineBytes: limits.lineBytes, maxEventDataBytes: limits.eventDataBytes - 1)))
    #expect(smallEvents.diagnostics.map(\.code) == [.sseEventTooLarge], "\(smallEvents.diagnostics)")
    #expect(smallEvents.events.count < atLimits.events.count)
  }
}
