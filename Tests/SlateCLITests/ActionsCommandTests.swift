import Foundation
import SlateJSON
import SlateTestSupport
import Testing

/// `slate actions`, run as a process: the JSON lines, the summary, the exit codes.
@Suite struct ActionsCommandTests {
  static func objects(_ result: SlateCLI.Result) throws -> [JSONValue] {
    let parser = SimdjsonParser()
    return try result.lines.map { try parser.parse($0) }
  }

  @Test func aToolCallStreamListsValuesWithChannelOffsetsTypeAndCallId() throws {
    guard let recording = SharedFixtures.files(in: "corpus-real/openai-chat", suffix: ".sse")?
      .first(where: { $0.lastPathComponent.contains("two-parallel") })
    else { return }
    guard let result = try SlateCLI.run(["actions", "--json", "--dialect", "openai-chat", recording.path]) else { return }
    #expect(result.status == 0)
    let lines = try Self.objects(result)
    let values = lines.filter { $0["kind"] == "value" }
    #expect(values.map { $0["type"] } == ["GetWeatherArgs", "get_stock_price"])
    #expect(values.map { $0["channel"] } == ["call:0.0", "call:0.1"])
    #expect(values.allSatisfy { $0["callId"]?.stringValue?.hasPrefix("call_") == true && $0["streamOffset"] != nil })
    let summary = try #require(lines.last)
    #expect(summary["kind"] == "summary" && summary["status"] == "complete" && summary["finishReason"] == "tool_calls")
    #expect(summary["dialect"] == "openai-chat" && summary["values"] == 2)
  }

  @Test func withASchemaValuesBecomeActionsOrRejectionsAndTheSummaryCountsBoth() throws {
    guard let result = try SlateCLI.run(["actions", "--json", "--schema", "Corpus/schemas/film.json", "--chunk-size", "7",
                                         "Corpus/text/film-turn-array.sse"])
    else { return }
    #expect(result.status == 1, "rejections make the exit code 1")
    let lines = try Self.objects(result)
    let actions = lines.filter { $0["kind"] == "action" }
    let rejected = lines.filter { $0["kind"] == "rejected" }
    #expect(!actions.isEmpty && !rejected.isEmpty)
    #expect(lines.filter { $0["kind"] == "value" }.isEmpty)
    for action in actions {
      #expect(action["key"]?.stringValue?.contains(":") == true)
      #expect(action["queue"] != nil && action["effects"]?.arrayValue != nil && action["payload"] != nil)
    }
    for rejection in rejected {
      #expect(rejection["errors"]?.arrayValue?.isEmpty == false)
      #expect(rejection["text"]?.stringValue != nil)
    }
    let summary = try #require(lines.last)
    #expect(summary["actions"] == .number(JSONNumber(actions.count)))
    #expect(summary["rejected"] == .number(JSONNumber(rejected.count)))
  }

  @Test func theOutputDoesNotDependOnChunking() throws {
    guard let recording = SharedFixtures.files(in: "corpus-real/anthropic", suffix: ".sse")?.first else { return }
    guard let whole = try SlateCLI.run(["actions", "--json", recording.path]),
      let chunked = try SlateCLI.run(["actions", "--json", "--chunk-size", "5", "--chunk-seed", "9", recording.path])
    else { return }
    #expect(whole.lines == chunked.lines)
    #expect(whole.status == chunked.status)
  }

  @Test func usageAndIOErrorsExitWithTwo() throws {
    #expect(try SlateCLI.run(["actions", "--dialect", "klingon", "Corpus/text/film-turn-array.sse"])?.status == 2)
    #expect(try SlateCLI.run(["actions", "--framing", "zigzag", "Corpus/text/film-turn-array.sse"])?.status == 2)
    #expect(try SlateCLI.run(["actions", "/nonexistent/stream.sse"])?.status == 2)
    #expect(try SlateCLI.run(["actions", "--schema", "/nonexistent/pack.json", "Corpus/text/film-turn-array.sse"])?.status == 2)
  }

  @Test func aTruncatedStreamExitsWithOneAndSaysWhy() throws {
    let cut = Array(#"[{"type":"create_scene","scene_id":"s1"}, {"type":"cre"#.utf8)
    guard let result = try SlateCLI.run(["actions", "--json", "--dialect", "text", "-"], stdin: cut) else { return }
    #expect(result.status == 1)
    let summary = try #require(try Self.objects(result).last)
    #expect(summary["status"] == "truncated")
    #expect(summary["reason"] == "cut inside a value on answer")
  }
}
