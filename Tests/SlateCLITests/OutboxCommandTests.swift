import Foundation
import SlateJSON
import SlateTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `slate outbox …`, `slate worker` and `slate turns --stale --finalize` as processes: the
/// README's exit codes, a worker stopped by SIGTERM, and worker processes on one outbox.
@Suite(.serialized) struct OutboxCommandTests {
  static let folder = FileManager.default.temporaryDirectory.appendingPathComponent("slate-outbox-\(getpid())").path

  /// A ledger holding `turns` replays of the clean film turn (5 effects each), or nil when
  /// there is no binary.
  static func ledger(_ name: String, turns: Int) throws -> String? {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let path = folder + "/" + name + ".sqlite"
    for suffix in ["", "-wal", "-shm", ".log"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    for turn in 0..<turns {
      guard let written = try SlateCLI.run(["replay", "Corpus/openai-chat/clean.sse", "--turn", "t\(turn)",
                                            "--ledger", path]) else { return nil }
      #expect(written.status == 0, "\(written.errorOutput)")
    }
    return path
  }

  /// `outbox list --json`: every entry's JSON object.
  static func entries(_ ledger: String, status: String? = nil) throws -> [JSONValue] {
    let result = try #require(try SlateCLI.run(["outbox", "list", "--ledger", ledger, "--json"]
      + (status.map { ["--status", $0] } ?? [])))
    #expect(result.status == 0, "\(result.errorOutput)")
    return try result.lines.map { try SimdjsonParser().parse(Array($0.utf8)) }
  }

  /// The effect keys a `--handler log` file names, in the order they were run.
  static func logged(_ path: String) -> [String] {
    let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    return text.split(separator: "\n").compactMap { line in
      (try? SimdjsonParser().parse(Array(line.utf8)))?["effect"]?.stringValue
    }
  }

  @Test func operatorCommandsAndTheirExitCodes() throws {
    guard let ledger = try Self.ledger("operator", turns: 1) else { return }
    #expect(try Self.entries(ledger).count == 5)
    let claimed = try #require(try SlateCLI.run(["outbox", "claim", "--ledger", ledger, "--kind", "image", "--kind", "video",
                                                 "--limit", "5", "--holder", "ops", "--json"]))
    #expect(claimed.status == 0, "\(claimed.errorOutput)")
    let claims = try claimed.lines.map { try SimdjsonParser().parse(Array($0.utf8)) }
    #expect(claims.compactMap { $0["kind"]?.stringValue }.sorted() == ["image", "video"])
    #expect(claims.allSatisfy { $0["lease"]?["holder"] == "ops" && $0["fencing_token"] == 1 && $0["status"] == "claimed" })
    let (first, second) = (claims[0]["key"]!.stringValue!, claims[1]["key"]!.stringValue!)

    let stale = try #require(try SlateCLI.run(["outbox", "complete", first, "--token", "2", "--ledger", ledger]))
    #expect(stale.status == 1 && stale.errorOutput.contains("token 2"), "\(stale.errorOutput)")
    for _ in 0..<2 {
      let done = try #require(try SlateCLI.run(["outbox", "complete", first, "--token", "1", "--ledger", ledger]))
      #expect(done.status == 0 && done.lines.first?.hasPrefix("done\t") == true, "\(done.lines) \(done.errorOutput)")
    }
    let failed = try #require(try SlateCLI.run(["outbox", "fail", second, "--token", "1", "--error", "svc.503: busy",
                                                "--base-delay", "1ms", "--ledger", ledger, "--json"]))
    #expect(failed.status == 0, "\(failed.errorOutput)")
    let failure = try SimdjsonParser().parse(Array(try #require(failed.lines.first).utf8))
    #expect(failure["status"] == "failed" && failure["last_error"] == "svc.503: busy", "\(failure)")
    usleep(5_000)
    let again = try #require(try SlateCLI.run(["outbox", "claim", "--ledger", ledger, "--kind", "image", "--kind", "video",
                                               "--holder", "ops", "--json"]))
    let retried = try SimdjsonParser().parse(Array(try #require(again.lines.first).utf8))
    #expect(retried["key"]?.stringValue == second && retried["attempts"] == 2 && retried["fencing_token"] == 2)
    let dead = try #require(try SlateCLI.run(["outbox", "fail", second, "--token", "2", "--error", "svc.400", "--permanent",
                                              "--ledger", ledger]))
    #expect(dead.status == 0 && dead.lines.first?.hasPrefix("dead\t") == true, "\(dead.lines)")
    #expect(try Self.entries(ledger, status: "dead").count == 1)
    let requeued = try #require(try SlateCLI.run(["outbox", "retry", second, "--ledger", ledger]))
    #expect(requeued.status == 0 && requeued.lines.first?.hasPrefix("pending\t") == true, "\(requeued.lines)")
    for arguments in [["outbox", "retry", second], ["outbox", "retry", "no-such-key"],
                      ["outbox", "fail", first, "--token", "1", "--error", "late"]]
    {
      let refused = try #require(try SlateCLI.run(arguments + ["--ledger", ledger]))
      #expect(refused.status == 1, "\(arguments): \(refused.errorOutput)")
    }
    for arguments in [["outbox", "claim", "--limit", "0"], ["outbox", "complete", first], ["worker", "--handler", "nope"],
                      ["worker", "--handler", "exec"], ["turns", "--finalize"]]
    {
      let usage = try #require(try SlateCLI.run(arguments + ["--ledger", ledger]))
      #expect(usage.status == 2, "\(arguments): \(usage.errorOutput)")
    }
    let statuses = try Self.entries(ledger).compactMap { $0["status"]?.stringValue }
    #expect(statuses.sorted() == ["done", "pending", "pending", "pending", "pending"], "\(statuses)")
  }

  /// A worker process stopped by SIGTERM while a job runs: the job finishes and is
  /// acknowledged, the rest of its claims are released, it exits 0; another worker then
  /// drains what is left, and every effect ran exactly once. The worker claims all 20 in
  /// one batch, a second per job, so the signal lands mid-batch unless this test is held
  /// back for 19 s.
  @Test func aWorkerStoppedBySIGTERMFinishesItsJobAndReleasesTheRest() throws {
    guard let ledger = try Self.ledger("sigterm", turns: 4), let binary = SlateCLI.binary else { return }
    let log = ledger + ".log"
    let worker = try WorkerProcess(binary: binary, arguments: ["worker", "--ledger", ledger, "--handler", "log", "--log", log,
                                                               "--delay", "1s", "--batch", "20", "--json"])
    var waited = 0
    while Self.logged(log).isEmpty && waited < 60_000 {
      usleep(10_000)
      waited += 10
    }
    #expect(kill(worker.pid, SIGTERM) == 0)
    let (status, output, errors) = worker.wait()
    #expect(status == 0, "\(errors)")
    let summary = try SimdjsonParser().parse(Array(try #require(output.last).utf8))
    let completed = Self.logged(log)
    #expect(summary["completed"] == .number(JSONNumber(completed.count)), "\(summary)")
    #expect(completed.count >= 1 && completed.count < 20, "\(completed.count)")
    #expect((summary["released"]?.canonicalString).map { Int($0)! >= 1 } == true, "stopped mid-batch: \(summary)")
    #expect(try Self.entries(ledger, status: "claimed").isEmpty, "no claim is left behind")
    #expect(Set(try Self.entries(ledger, status: "done").compactMap { $0["key"]?.stringValue }) == Set(completed))

    let rest = try #require(try SlateCLI.run(["worker", "--ledger", ledger, "--handler", "log", "--log", log,
                                              "--until-empty"]))
    #expect(rest.status == 0, "\(rest.errorOutput)")
    let all = Self.logged(log)
    #expect(all.count == 20 && Set(all).count == 20, "every effect ran exactly once: \(all.count) runs")
    #expect(try Self.entries(ledger, status: "done").count == 20)
  }

  /// Four worker processes drain one outbox into one log: every effect exactly once.
  @Test func fourWorkerProcessesRunEachEffectOnce() throws {
    guard let ledger = try Self.ledger("four", turns: 8), let binary = SlateCLI.binary else { return }
    let log = ledger + ".log"
    let workers = try (0..<4).map { index in
      try WorkerProcess(binary: binary, arguments: ["worker", "--ledger", ledger, "--handler", "log", "--log", log,
                                                    "--batch", "2", "--until-empty", "--holder", "w\(index)"])
    }
    for worker in workers {
      let (status, _, errors) = worker.wait()
      #expect(status == 0, "\(errors)")
    }
    let runs = Self.logged(log)
    #expect(runs.count == 40 && Set(runs).count == 40, "\(runs.count) runs of \(Set(runs).count) effects")
    #expect(try Self.entries(ledger, status: "done").count == 40)
  }

  /// A turn left running by a killed process is stale: `turns --stale` lists it and
  /// `--finalize` ends it (partially completed: actions landed), once.
  @Test func staleTurnsAreListedAndFinalized() throws {
    try FileManager.default.createDirectory(atPath: Self.folder, withIntermediateDirectories: true)
    let ledger = Self.folder + "/stale.sqlite"
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: ledger + suffix) }
    guard let crashed = try SlateCLI.run(["replay", "Corpus/openai-chat/clean.sse", "--turn", "cut", "--ledger", ledger,
                                          "--fault", "crash-after=3"]) else { return }
    #expect(crashed.signaled, "the drill kills the process: \(crashed.errorOutput)")
    let fresh = try #require(try SlateCLI.run(["turns", "--stale", "--ledger", ledger]))
    #expect(fresh.status == 0 && fresh.lines.isEmpty, "not stale before --older-than: \(fresh.lines)")
    usleep(20_000)
    let listed = try #require(try SlateCLI.run(["turns", "--stale", "--older-than", "10ms", "--ledger", ledger]))
    #expect(listed.lines.map { $0.split(separator: "\t").prefix(3).joined(separator: " ") } == ["cut default running"])
    let ended = try #require(try SlateCLI.run(["turns", "--stale", "--older-than", "10ms", "--finalize", "--ledger", ledger,
                                               "--json"]))
    #expect(ended.status == 0, "\(ended.errorOutput)")
    let record = try SimdjsonParser().parse(Array(try #require(ended.lines.first).utf8))
    #expect(record["status"] == "partially_completed" && record["reason"] == "turn.stale", "\(record)")
    let after = try #require(try SlateCLI.run(["turns", "--stale", "--older-than", "10ms", "--finalize", "--ledger", ledger]))
    #expect(after.status == 0 && after.lines.isEmpty, "nothing is stale any more: \(after.lines)")
  }
}
