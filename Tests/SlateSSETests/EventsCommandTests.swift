import Foundation
import SlateJSON
import SlateSSE
import SlateTestSupport
import Testing

/// `slate events`, run as a process from the build folder beside the test bundle (skipped
/// with a message when the binary is not there).
@Suite struct EventsCommandTests {
  typealias Result = SlateCLI.Result

  static func run(_ arguments: [String], stdin: [UInt8]? = nil) throws -> Result? {
    try SlateCLI.run(arguments, stdin: stdin)
  }

  /// The JSON lines say what the library reports for the same bytes, key by key.
  static func check(_ result: Result, against run: ParserRun, bytes: Int) throws {
    let parser = SimdjsonParser()
    let values = try result.lines.map { try parser.parse($0) }
    let expected: [JSONValue] = run.outputs.map { output in
      switch output {
      case .event(let e):
        ["kind": "event", "type": .string(e.type), "data": .string(e.data), "id": .string(e.lastEventId),
         "retry": e.retry.map { .number(JSONNumber(Int64($0))) } ?? .null,
         "offset": .number(JSONNumber(Int64(e.byteRange.lowerBound))), "end": .number(JSONNumber(Int64(e.byteRange.upperBound)))]
      case .comment(let c):
        ["kind": "comment", "text": .string(c.text), "offset": .number(JSONNumber(Int64(c.offset)))]
      case .diagnostic(let d):
        ["kind": "diagnostic", "code": .string(d.code.rawValue), "severity": .string(d.severity.rawValue),
         "offset": .number(JSONNumber(Int64(d.offset))), "message": .string(d.message)]
      }
    }
    let summary: JSONValue = [
      "kind": "summary", "events": .number(JSONNumber(Int64(run.events.count))), "lastEventId": .string(run.lastEventId),
      "retry": run.retry.map { .number(JSONNumber(Int64($0))) } ?? .null, "bytes": .number(JSONNumber(Int64(bytes))),
    ]
    #expect(values == expected + [summary])
    // Keys in the documented order (the literals above list them so).
    #expect(values.map { $0.objectValue?.keys ?? [] } == (expected + [summary]).map { $0.objectValue?.keys ?? [] })
  }

  @Test func jsonLinesMatchTheLibraryAndExitCodesFollowErrors() throws {
    guard let corpus = SharedFixtures.shared?.appendingPathComponent("corpus-real") else {
      print("skipping: ../shared is absent")
      return
    }
    let cut = corpus.appendingPathComponent("anthropic/sonnet4-text-then-tool-use.sse")
    let bytes = try [UInt8](Data(contentsOf: cut))
    // The command chunks randomly; any chunking reports the same, so compare with other cuts.
    let otherCuts = [7, 100, 101, 1500]
    guard let strict = try Self.run(["events", cut.path, "--json", "--chunk-size", "64", "--chunk-seed", "3"]) else { return }
    #expect(strict.status == 1)
    try Self.check(strict, against: ParserRun(bytes, cuts: otherCuts), bytes: bytes.count)

    let flushed = try #require(try Self.run(["events", "--flush-on-eof", "--json", "--chunk-size", "1", cut.path]))
    #expect(flushed.status == 0)
    try Self.check(flushed, against: ParserRun(bytes, options: SSEParser.Options(flushOnEOF: true)), bytes: bytes.count)

    let readable = try #require(try Self.run(["events", cut.path]))
    #expect(readable.status == 1)
    #expect(readable.lines.contains { $0.contains("sse.unterminated_event") })
  }

  @Test func readsStandardInputAndRejectsBadUsage() throws {
    let stream = "retry: 25\nid: 4\n: hi\ndata: a\r\n\r\n".bytes
    guard let piped = try Self.run(["events", "--json"], stdin: stream) else { return }
    #expect(piped.status == 0)
    try Self.check(piped, against: ParserRun(stream), bytes: stream.count)
    #expect(try Self.run(["events", "--chunk-seed", "1"], stdin: [])?.status == 2)
    #expect(try Self.run(["events", "--chunk-size", "0"], stdin: [])?.status == 2)
    #expect(try Self.run(["events", "/nonexistent/stream.sse"])?.status == 2)
  }
}
