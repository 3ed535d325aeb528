import Foundation
import SlateJSON
import SlateTestSupport
import Testing

/// `slate inspect`: snapshots of its readable and JSON output on Corpus streams, and its
/// error paths.
@Suite struct InspectCommandTests {
  /// Runs `slate ARGS` and compares its output (with its exit status) with a snapshot.
  static func expectSnapshot(_ arguments: [String], _ name: String, status: Int32) throws {
    guard let result = try SlateCLI.run(arguments) else { return }
    #expect(result.status == status, "\(arguments)")
    let text = result.lines.joined(separator: "\n") + "\n"
    if let difference = Snapshot.check(text, named: name) { Issue.record("\(difference)") }
  }

  @Test func filmTurnWithThePackReadably() throws {
    try Self.expectSnapshot(["inspect", "--schema", "Corpus/schemas/film.json", "Corpus/text/film-turn-array.sse"],
                            "inspect/film-turn-array.txt", status: 1)
  }

  @Test func filmTurnWithThePackAsJSON() throws {
    try Self.expectSnapshot(["inspect", "--json", "--schema", "Corpus/schemas/film.json", "Corpus/text/film-turn-array.sse"],
                            "inspect/film-turn-array.jsonl", status: 1)
    guard let result = try SlateCLI.run(["inspect", "--json", "Corpus/text/film-turn-array.sse"]) else { return }
    let parser = SimdjsonParser()
    for line in result.lines { #expect((try? parser.parse(line)) != nil, "\(line)") }
  }

  @Test func recordingsReadably() throws {
    guard let shared = SharedFixtures.shared else { return }
    for file in ["anthropic/sonnet37-tool-use-cut-by-max-tokens.sse", "openai-chat/openai-gpt4o-two-parallel-tool-calls-usage.sse"] {
      let path = shared.appendingPathComponent("corpus-real/\(file)").path
      let name = "inspect/real-" + file.replacingOccurrences(of: "/", with: "-").replacingOccurrences(of: ".sse", with: ".txt")
      try Self.expectSnapshot(["inspect", path], name, status: file.contains("cut") ? 1 : 0)
    }
  }

  @Test func aroundShowsTheRawBytesAndOnlyNearbyEntries() throws {
    guard let result = try SlateCLI.run(["inspect", "--around", "155", "--window", "40", "Corpus/text/film-turn-array.sse"]) else { return }
    #expect(result.lines.first == "raw bytes at 155:")
    let offsets = result.lines.compactMap { line -> Int? in
      guard line.hasPrefix("@") else { return nil }
      return Int(line.dropFirst().prefix { $0 == " " || $0.isNumber }.trimmingCharacters(in: .whitespaces))
    }
    #expect(!offsets.isEmpty && offsets.allSatisfy { (115...195).contains($0) })
  }

  @Test func errorPathsExitWithTwo() throws {
    #expect(try SlateCLI.run(["inspect", "/nonexistent/stream.sse"])?.status == 2)
    #expect(try SlateCLI.run(["inspect", "--dialect", "klingon", "Corpus/text/film-turn-array.sse"])?.status == 2)
    #expect(try SlateCLI.run(["inspect", "--around", "-3", "Corpus/text/film-turn-array.sse"])?.status == 2)
  }
}
