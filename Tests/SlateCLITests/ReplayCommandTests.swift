import Foundation
import SlateJSON
import SlateTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `slate replay`, `slate recover`, `slate turns`, `slate turn show`, run as processes on
/// SQLite ledgers: exactly once across replays, crashes (the drill's and real SIGKILLs) and
/// racing processes.
@Suite(.serialized) struct ReplayCommandTests {
  static var parser: SimdjsonParser { SimdjsonParser() }

  /// A fresh ledger path in a temporary directory.
  static func ledgerPath(_ name: String) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("slate-replay-\(getpid())-\(name)")
    try? FileManager.default.removeItem(at: dir)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.appendingPathComponent("ledger.sqlite").path
  }

  static func summary(_ result: SlateCLI.Result) throws -> JSONValue {
    try parser.parse(try #require(result.lines.last))
  }

  /// What the ledger holds for a turn: applied-event counts per key, outbox keys, statuses.
  struct Ledger {
    var status: String
    var appliedPerKey: [String: Int] = [:]
    var effectKeys: [String] = []
    var actionStatuses: [String] = []
  }

  static func ledger(_ path: String, turn: String) throws -> Ledger? {
    guard let shown = try SlateCLI.run(["turn", "show", turn, "--ledger", path, "--json"]) else { return nil }
    #expect(shown.status == 0, "turn show: \(shown.errorOutput)")
    let object = try parser.parse(try #require(shown.lines.first))
    var ledger = Ledger(status: object["turn"]?["status"]?.stringValue ?? "?")
    for event in object["events"]?.arrayValue ?? [] where event["kind"] == "action.applied" {
      ledger.appliedPerKey[event["key"]?.stringValue ?? "?", default: 0] += 1
    }
    ledger.effectKeys = (object["effects"]?.arrayValue ?? []).compactMap { $0["key"]?.stringValue }
    ledger.actionStatuses = (object["actions"]?.arrayValue ?? []).compactMap { $0["status"]?.stringValue }
    return ledger
  }

  /// Every action applied exactly once, every effect queued exactly once, as many as a
  /// clean run gives.
  static func expectExactlyOnce(_ ledger: Ledger, like clean: Ledger, _ context: String) {
    #expect(ledger.appliedPerKey == clean.appliedPerKey, "\(context): each action applied exactly once")
    #expect(ledger.appliedPerKey.values.allSatisfy { $0 == 1 }, "\(context)")
    #expect(Set(ledger.effectKeys).count == ledger.effectKeys.count, "\(context): an effect queued twice")
    #expect(Set(ledger.effectKeys) == Set(clean.effectKeys), "\(context): the outbox differs from a clean run's")
    #expect(ledger.actionStatuses.allSatisfy { $0 == "applied" }, "\(context): \(ledger.actionStatuses)")
  }

  @Test func replayingATurnTwiceAppliesNothingTheSecondTime() throws {
    let path = try Self.ledgerPath("twice")
    guard let first = try SlateCLI.run(["replay", "Corpus/turns/heist", "--ledger", path, "--json"]) else { return }
    #expect(first.status == 0, "\(first.errorOutput)")
    let one = try Self.summary(first)
    #expect(one["status"] == "completed")
    #expect(one["applied"] == 31 && one["duplicates"] == 0)
    #expect(one["queues"]?["scene"]?.arrayValue?.count == 6)
    #expect(one["effects"]?.arrayValue?.count == 15)

    let second = try #require(try SlateCLI.run(["replay", "Corpus/turns/heist", "--ledger", path, "--json"]))
    let two = try Self.summary(second)
    #expect(two["applied"] == 0 && two["duplicates"] == 31, "the second run applies nothing")
    #expect(two["effects"]?.arrayValue?.count == 15)

    let turns = try #require(try SlateCLI.run(["turns", "--ledger", path]))
    #expect(turns.lines.count == 1 && turns.lines[0].hasPrefix("heist\tdefault\tcompleted"))
  }

  /// A replay runs on a live turn: each batch is declared just before it is dispatched and
  /// the phase's stream is `open` in the ledger until its last batch is. A process killed
  /// mid-stream leaves it open, so recovery finishes what the ledger knows and never calls
  /// the turn `completed` with actions missing: it ends `partially_completed` with its
  /// resume point (the LiveTurn contract), unless the ledger kept what recovery needs to
  /// apply the rest, and then the turn is exactly the clean run's. Either way no action is
  /// applied twice and no effect queued twice.
  @Test func crashAfterEveryHandlerCallThenRecoverIsExactlyOnce() throws {
    let stream = "Corpus/openai-chat/clean.sse"
    let cleanPath = try Self.ledgerPath("crash-clean")
    guard let run = try SlateCLI.run(["replay", stream, "--ledger", cleanPath, "--json"]) else { return }
    // The dispatcher applies the plan itself; every other action is one handler call.
    let calls = try #require(try Self.summary(run)["applied"]?.numberValue?.int64Value) - 1
    let clean = try #require(try Self.ledger(cleanPath, turn: "clean"))
    #expect(calls > 5 && clean.effectKeys.count > 0)
    let unharmed = try #require(try SlateCLI.run(["replay", stream, "--ledger", try Self.ledgerPath("crash-none"),
                                                  "--fault", "crash-after=\(calls + 1)"]))
    #expect(unharmed.status == 0, "there are exactly \(calls) handler calls")
    for n in 1...Int(calls) {
      let path = try Self.ledgerPath("crash-\(n)")
      let crashed = try #require(try SlateCLI.run(["replay", stream, "--ledger", path, "--fault", "crash-after=\(n)", "--lease", "0.05"]))
      #expect(crashed.status == SIGKILL, "crash-after=\(n) kills the process (status \(crashed.status))")
      let recovered = try #require(try SlateCLI.run(["recover", "clean", "--ledger", path, "--lease", "0.05", "--json"]))
      let summary = try Self.summary(recovered)
      let ledger = try #require(try Self.ledger(path, turn: "clean"))
      if ledger.status == "completed" {
        #expect(recovered.status == 0, "recover after crash-after=\(n): \(recovered.lines.last ?? "")")
        Self.expectExactlyOnce(ledger, like: clean, "crash-after=\(n)")
        continue
      }
      #expect(recovered.status == 1, "recover after crash-after=\(n) left the stream open: \(recovered.lines.last ?? "")")
      #expect(ledger.status == "partially_completed", "crash-after=\(n): \(ledger.status)")
      #expect(summary["recoverability"]?.stringValue?.hasPrefix("resume_from_phase:") == true,
              "crash-after=\(n): \(summary["recoverability"] ?? .null)")
      #expect(ledger.appliedPerKey.values.allSatisfy { $0 == 1 }, "crash-after=\(n): an action applied twice")
      #expect(Set(ledger.appliedPerKey.keys).isSubset(of: Set(clean.appliedPerKey.keys)), "crash-after=\(n)")
      #expect(ledger.appliedPerKey.count >= n && ledger.appliedPerKey.count <= clean.appliedPerKey.count,
              "crash-after=\(n): \(ledger.appliedPerKey.count) of \(clean.appliedPerKey.count) applied")
      #expect(Set(ledger.effectKeys).count == ledger.effectKeys.count, "crash-after=\(n): an effect queued twice")
      #expect(Set(ledger.effectKeys).isSubset(of: Set(clean.effectKeys)), "crash-after=\(n)")
    }
  }

  /// The turn's action budget is 1,000 new keys by default: a bigger stream's later actions
  /// fail `dispatch.budget_actions`, unless `--max-actions N` raises it.
  @Test func maxActionsRaisesTheTurnsActionBudget() throws {
    guard let generated = try SlateCLI.run(["corpus", "generate", "--dialect", "text", "--actions", "1500", "--ndjson"])
    else { return }
    #expect(generated.status == 0, "\(generated.errorOutput)")
    let stream = try Self.ledgerPath("budget-stream").replacingOccurrences(of: "ledger.sqlite", with: "big.sse")
    #expect(FileManager.default.createFile(atPath: stream, contents: Data((generated.lines.joined(separator: "\n") + "\n").utf8)))

    let limited = try #require(try SlateCLI.run(["replay", stream, "--dialect", "text", "--ledger", "memory", "--json"]))
    let capped = try Self.summary(limited)
    let keys = try #require(capped["keys"]?["applied"]?.numberValue?.int64Value)
    #expect(limited.status == 1)
    #expect(keys == 1000, "the default budget declares 1,000 keys: \(capped["keys"] ?? .null)")
    #expect((capped["failed"]?.numberValue?.int64Value ?? 0) > 0)
    #expect(capped["audit"]?.arrayValue?.contains { $0["code"] == "audit.budget" } == true,
            "\(capped["audit"] ?? .null)")

    let raised = try #require(try SlateCLI.run(["replay", stream, "--dialect", "text", "--ledger", "memory", "--json",
                                                "--max-actions", "1500"]))
    let whole = try Self.summary(raised)
    #expect(whole["failed"] == 0, "\(raised.lines.last ?? "")")
    #expect((whole["keys"]?["applied"]?.numberValue?.int64Value ?? 0) > 1000, "\(whole["keys"] ?? .null)")
    #expect(whole["audit"]?.arrayValue?.contains { $0["code"] == "audit.budget" } == false)
    #expect(whole["actions"] == capped["actions"], "the same actions reached the dispatcher")
  }

  @Test func realKillsAtRandomMomentsThenReplayAgainIsExactlyOnce() throws {
    guard let binary = SlateCLI.binary else { return }
    let cleanPath = try Self.ledgerPath("kill-clean")
    _ = try SlateCLI.run(["replay", "Corpus/turns/heist", "--ledger", cleanPath])
    let clean = try #require(try Self.ledger(cleanPath, turn: "heist"))
    var generator = SplitMix64(seed: 2026)
    for round in 0..<6 {
      let path = try Self.ledgerPath("kill-\(round)")
      let process = Process()
      process.executableURL = binary
      process.arguments = ["replay", "Corpus/turns/heist", "--ledger", path, "--lease", "0.05"]
      process.currentDirectoryURL = SharedFixtures.projectRoot
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      try process.run()
      usleep(UInt32.random(in: 20_000...400_000, using: &generator))
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      // Whatever the kill interrupted, running the turn again finishes it exactly once.
      let again = try #require(try SlateCLI.run(["replay", "Corpus/turns/heist", "--ledger", path, "--lease", "0.05"]))
      #expect(again.status == 0, "round \(round): \(again.lines.suffix(3))")
      Self.expectExactlyOnce(try #require(try Self.ledger(path, turn: "heist")), like: clean, "kill round \(round)")
    }
  }

  @Test func fourProcessesRacingOnOneTurnApplyEachActionOnce() throws {
    guard let binary = SlateCLI.binary else { return }
    let cleanPath = try Self.ledgerPath("race-clean")
    _ = try SlateCLI.run(["replay", "Corpus/turns/heist", "--ledger", cleanPath])
    let clean = try #require(try Self.ledger(cleanPath, turn: "heist"))
    let path = try Self.ledgerPath("race")
    // Each racer's standard error goes to a file beside the ledger (a pipe read only after
    // the standard output could fill and stall it), shown when the racer fails.
    let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
    let errorFiles = (0..<4).map { directory.appendingPathComponent("racer-\($0).err") }
    let racers = try errorFiles.map { errorFile in
      let process = Process()
      process.executableURL = binary
      process.arguments = ["replay", "Corpus/turns/heist", "--ledger", path, "--json"]
      process.currentDirectoryURL = SharedFixtures.projectRoot
      process.standardOutput = Pipe()
      _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
      process.standardError = try FileHandle(forWritingTo: errorFile)
      return process
    }
    for racer in racers { try racer.run() }
    // Each racer prints the turn's summary, and none fails for losing the race to finalise.
    for (racer, errorFile) in zip(racers, errorFiles) {
      let output = (racer.standardOutput as! Pipe).fileHandleForReading.readDataToEndOfFile()
      racer.waitUntilExit()
      try (racer.standardError as! FileHandle).close()
      let errors = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? "(unreadable)"
      #expect(racer.terminationStatus == 0, "a racer exits 0; its standard error: \(errors)")
      #expect(String(decoding: output, as: UTF8.self).contains(#""status":"completed""#),
              "a racer prints the summary; its standard error: \(errors)")
    }
    Self.expectExactlyOnce(try #require(try Self.ledger(path, turn: "heist")), like: clean, "four racers")
  }

  @Test func aCutStreamLeavesAPartiallyCompletedTurnThatSaysWhereToResume() throws {
    let path = try Self.ledgerPath("cut")
    guard let result = try SlateCLI.run(["replay", "Corpus/turns/heist-cut", "--ledger", path, "--json"]) else { return }
    #expect(result.status == 1)
    let summary = try Self.summary(result)
    #expect(summary["status"] == "partially_completed")
    #expect(summary["recoverability"] == "resume_from_phase:scenes")
    let audit = summary["audit"]?.arrayValue ?? []
    // The scenes stream was cut after 4 of its 6 actions: the phase landed, short.
    #expect(audit.contains { $0["message"]?.stringValue?.hasPrefix("4 phases planned, 3 landed") == true })
    #expect(audit.contains { $0["message"] == "Phase scenes expected 6 actions; 4 landed." })
  }

  @Test func dryRunCallsNothingAndQueuesNothing() throws {
    let path = try Self.ledgerPath("dry")
    guard let result = try SlateCLI.run(["replay", "Corpus/turns/heist", "--ledger", path, "--dry-run", "--json"]) else { return }
    let summary = try Self.summary(result)
    #expect(summary["applied"] == 0 && summary["planned"] == 31)
    #expect(summary["effects"]?.arrayValue?.isEmpty == true)
    let live = try #require(try SlateCLI.run(["replay", "Corpus/turns/heist", "--ledger", path, "--json"]))
    #expect(try Self.summary(live)["applied"] == 31, "a dry run applies nothing, so a live run applies everything")
  }

  @Test func aBundleReplaysWithNoDifferenceUntilOneByteChanges() throws {
    let path = try Self.ledgerPath("bundle")
    let bundle = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("bundle").path
    guard let written = try SlateCLI.run(["replay", "Corpus/turns/heist-cut", "--ledger", path, "--bundle", bundle]) else { return }
    #expect(written.status == 1, "the cut turn is partially completed")
    let files = try FileManager.default.subpathsOfDirectory(atPath: bundle)
    for expected in ["manifest.json", "pack.json", "plan.json", "events.jsonl", "deltas.jsonl", "actions.jsonl", "intent.json",
                     "dispatch.json", "audit.json", "turn.json", "streams/01-cast.sse", "streams/03-scenes.sse"]
    {
      #expect(files.contains(expected), "\(expected)")
    }
    let same = try #require(try SlateCLI.run(["replay", bundle, "--json"]))
    #expect(same.status == 0)
    #expect(try Self.parser.parse(try #require(same.lines.first))["differences"]?.arrayValue?.isEmpty == true)

    // One byte of a stream changed: its hash and what it reads differ.
    let stream = bundle + "/streams/02-design.sse"
    var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: stream)))
    bytes[500] = UInt8(ascii: "X")
    try Data(bytes).write(to: URL(fileURLWithPath: stream))
    let changed = try #require(try SlateCLI.run(["replay", bundle, "--json"]))
    #expect(changed.status == 1)
    let differences = try Self.parser.parse(try #require(changed.lines.first))["differences"]?.arrayValue ?? []
    #expect(differences.first?["file"] == "streams/02-design.sse")
    #expect(differences.contains { $0["file"] == "actions.jsonl" })

    // A bundle whose manifest is not one: exit 2.
    try Data("not a manifest".utf8).write(to: URL(fileURLWithPath: bundle + "/manifest.json"))
    #expect(try SlateCLI.run(["replay", bundle])?.status == 2)
  }

  @Test func snapshotsOfTheReadableAndJSONReports() throws {
    for (arguments, name, status) in [
      (["replay", "Corpus/turns/heist-cut"], "replay/heist-cut.txt", Int32(1)),
      (["replay", "Corpus/turns/heist-cut", "--json"], "replay/heist-cut.json", 1),
      (["replay", "Corpus/turns/heist", "--dry-run"], "replay/heist-dry-run.txt", 0),
    ] {
      try InspectCommandTests.expectSnapshot(arguments, name, status: status)
    }
  }

  @Test func snapshotsOfTurnsAndTurnShow() throws {
    let path = try Self.ledgerPath("snapshots")
    guard try SlateCLI.run(["replay", "Corpus/turns/heist-cut", "--ledger", path]) != nil else { return }
    try InspectCommandTests.expectSnapshot(["turns", "--ledger", path], "replay/turns.txt", status: 0)
    try InspectCommandTests.expectSnapshot(["turn", "show", "heist-cut", "--ledger", path], "replay/turn-show.txt", status: 0)
  }

  @Test func usageAndMissingThings() throws {
    let path = try Self.ledgerPath("usage")
    #expect(try SlateCLI.run(["replay", "/nonexistent/turn", "--ledger", path])?.status == 2)
    #expect(try SlateCLI.run(["replay", "Corpus/turns/heist", "--fault", "explode=1"])?.status == 2)
    #expect(try SlateCLI.run(["replay", "Corpus/turns/heist", "--dialect", "klingon"])?.status == 2)
    #expect(try SlateCLI.run(["recover", "nope", "--ledger", path])?.status == 1)
    #expect(try SlateCLI.run(["turn", "show", "nope", "--ledger", path])?.status == 1)
    // A stream from standard input has no default turn id.
    #expect(try SlateCLI.run(["replay", "-", "--ledger", path], stdin: Array("[]".utf8))?.status == 2)
    #expect(try SlateCLI.run(["replay", "Corpus/turns/heist", "--handler", "magic"])?.status == 2)
  }

  /// Another pack than film: the generic record handler by default (rows and declared
  /// effects), a conflict exits 1, and `slate recover` uses the same handler.
  @Test func anyPackReplaysAndRecoversWithTheRecordHandler() throws {
    let path = try Self.ledgerPath("record")
    let pack = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("support.json").path
    let schema = """
      {"name":"support","version":"1","x-slate-discriminator":"type","x-slate-actions":{
        "create_ticket":{"type":"object","required":["id","title"],
          "properties":{"id":{"type":"string"},"title":{"type":"string"}},
          "x-slate-key":{"fields":["/id"]},"x-slate-queue":"ticket","x-slate-effects":["notify"]}}}
      """
    try schema.write(toFile: pack, atomically: true, encoding: .utf8)
    let clean = #"[{"type":"create_ticket","id":"T-1","title":"Printer on fire"},{"type":"create_ticket","id":"T-2","title":"VPN"}]"#
    guard let first = try SlateCLI.run(["replay", "-", "--turn", "t1", "--schema", pack, "--dialect", "text",
                                        "--ledger", path, "--json"], stdin: Array(clean.utf8)) else { return }
    #expect(first.status == 0, "\(first.errorOutput)")
    let summary = try Self.summary(first)
    #expect(summary["status"] == "completed" && summary["applied"] == 2 && summary["actions"] == 2)
    #expect(summary["effects"]?.arrayValue?.compactMap { $0["kind"]?.stringValue } == ["notify", "notify"])
    #expect(summary["effects"]?.arrayValue?.compactMap { $0["action"]?.stringValue } == ["ticket:T-1", "ticket:T-2"])

    let conflicting = #"[{"type":"create_ticket","id":"T-3","title":"A"},{"type":"create_ticket","id":"T-3","title":"B"}]"#
    let second = try #require(try SlateCLI.run(["replay", "-", "--turn", "t2", "--schema", pack, "--dialect", "text",
                                                "--ledger", path, "--json"], stdin: Array(conflicting.utf8)))
    let conflicted = try Self.summary(second)
    #expect(second.status == 1, "a conflict exits 1")
    #expect(conflicted["status"] == "completed" && conflicted["applied"] == 1 && conflicted["conflicts"] == 1)

    let recovered = try #require(try SlateCLI.run(["recover", "t1", "--ledger", path, "--json"]))
    #expect(recovered.status == 0, "\(recovered.errorOutput)")
    #expect(try Self.summary(recovered)["duplicates"] == 2)
  }
}
