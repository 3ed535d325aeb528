import Foundation
import SlateJSON
import SlateTestSupport
import Testing

/// `slate turn show` shows the per-action counts the run that finalised the turn stored:
/// `actions = applied + duplicates + conflicts + rejected + failed + ambiguous + planned`.
@Suite struct TurnShowCountsTests {
  @Test(arguments: [["Corpus/text/clean.sse", "--dialect", "text", "--turn", "clean"],
                    ["Corpus/turns/heist-cut", "--turn", "heist-cut"]])
  func theFinalisingRunsCountsAreShown(_ replay: [String]) throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slate-counts-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let ledger = directory.appendingPathComponent("ledger.sqlite").path
    guard let written = try SlateCLI.run(["replay"] + replay + ["--ledger", ledger, "--json"]) else { return }
    let summary = try SimdjsonParser().parse(try #require(written.lines.last))
    let turn = replay[replay.firstIndex(of: "--turn")! + 1]

    let shown = try #require(try SlateCLI.run(["turn", "show", turn, "--ledger", ledger, "--json"]))
    #expect(shown.status == 0, "\(shown.errorOutput)")
    let object = try SimdjsonParser().parse(try #require(shown.lines.first))
    let counts = try #require(object["counts"]?.objectValue, "\(shown.lines)")
    let names = ["applied", "duplicates", "conflicts", "rejected", "failed", "ambiguous", "planned"]
    let parts = names.map { counts[$0]?.numberValue?.int64Value ?? -1 }
    #expect(counts["actions"]?.numberValue?.int64Value == parts.reduce(0, +) && parts.allSatisfy { $0 >= 0 })
    for name in ["actions"] + names {
      #expect(counts[name] == summary[name], "\(name): turn show \(String(describing: counts[name])), replay \(String(describing: summary[name]))")
    }
    let applied = (object["actions"]?.arrayValue ?? []).filter { $0["status"] == "applied" }.count
    #expect(counts["applied"]?.numberValue?.int64Value == Int64(applied) && applied > 0)

    let text = try #require(try SlateCLI.run(["turn", "show", turn, "--ledger", ledger]))
    let line = text.lines.first { $0.hasPrefix("actions ") }
    #expect(line == "actions \(parts.reduce(0, +)): " + zip(names, parts).map { "\($0) \($1)" }.joined(separator: ", "),
            "\(text.lines)")

    // A second replay finds the turn ended: it stores nothing, the counts stay the first run's.
    _ = try SlateCLI.run(["replay"] + replay + ["--ledger", ledger])
    let again = try #require(try SlateCLI.run(["turn", "show", turn, "--ledger", ledger, "--json"]))
    #expect(try SimdjsonParser().parse(try #require(again.lines.first))["counts"] == object["counts"])
  }
}
