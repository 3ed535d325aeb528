import Foundation
import PostgresNIO
import SlateCore
import SlateJSON
import SlateTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Worker processes on one PostgreSQL ledger, in one run: four turn workers
/// (`slate-test-host run`: a live turn over PostgreSQL whose handler appends each call, with
/// the worker's name, to a log file) on one turn, and four outbox workers (`slate worker
/// --handler log`) draining one outbox (the turn's effects and 20 queued by four film
/// replays). Every lease and claim lasts 600 s, far longer than the run may take (a
/// survivor that waited a dead worker's lease out would time the test out).
///
/// During the run:
/// - turn worker `w0` SIGKILLs itself right after its k-th handler call is logged, before
///   the call's outcome is recorded, holding that action's lease (k, 1 to 3, from the seed;
///   w0 runs alone until then, and the other three start as it dies);
/// - outbox worker `o0` is SIGKILLed by the test after it has logged j jobs (j from the seed);
/// - the backends of turn worker `w1` and outbox worker `o1` are terminated
///   (`pg_terminate_backend`) in the middle of a write transaction: the test holds
///   `LOCK TABLE events IN EXCLUSIVE MODE`, so every write transaction stops at its event
///   append, after its other statements, and terminates the backends it finds waiting
///   there (`pg_stat_activity`, by `application_name`). w1 and o1 start first, alone, and
///   the other workers only after their backends are gone.
///
/// What must hold:
/// - the turn ends `completed`, each of its ten actions applied once (one `action.applied`
///   event per key) and each effect queued once;
/// - handler calls: every key called once, except w0's k-th call's key, called exactly
///   twice, first by w0: the call went out, the outcome was never recorded, so a survivor
///   re-calls it with the same key (the handler is idempotent by key). That is the
///   documented window of an action; it is required here, not merely allowed;
/// - outbox: every entry `done`, every job run at least once, and only a job o0 ran but
///   never acknowledged may run twice (at most one, first run by o0): the outbox's
///   at-least-once window, which the effect's key makes harmless;
/// - w1 and o1 survive the loss of their backend (the ledger ran the transaction again on
///   a new connection) and every survivor exits 0;
/// - nothing waits out a lease: w0's action and o0's claims are taken over as soon as their
///   holder's session is gone (`HolderLiveness`), so the run ends within 120 s.
@Suite(.serialized, .enabled(if: TestServer.available, TestServer.skipReason))
struct PostgresWorkerProcessTests {
  static let host = SlateCLI.locate("slate-test-host")
  static let turnKeys = 10
  static let filmTurns = 4

  /// `(key, worker)` per line of a log whose lines are `key\tworker` (the host's calls).
  static func calls(_ path: String) -> [(key: String, worker: String)] {
    let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    return text.split(separator: "\n").map { line in
      let parts = line.split(separator: "\t", maxSplits: 1)
      return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
    }
  }

  /// `(effect, holder)` per line of a `slate worker --handler log` file.
  static func runs(_ path: String) -> [(key: String, holder: String)] {
    let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    return text.split(separator: "\n").compactMap { line in
      guard let value = try? SimdjsonParser().parse(Array(line.utf8)), let key = value["effect"]?.stringValue,
            let holder = value["holder"]?.stringValue else { return nil }
      return (key, holder)
    }
  }

  static func query(_ connection: PostgresConnection, _ sql: String) async throws -> [PostgresRow] {
    Array(try await connection.query(PostgresQuery(unsafeSQL: sql), logger: connection.logger).get().rows)
  }

  /// The backends of worker `name` waiting for a lock inside a transaction at an event
  /// append (not, say, at the migrations' advisory lock), with their current statement.
  static func blockedBackends(_ connection: PostgresConnection, _ name: String) async throws -> [(pid: Int32, query: String)] {
    try await query(connection, """
      SELECT pid, query FROM pg_stat_activity WHERE datname = current_database() AND application_name = '\(name)' \
      AND state = 'active' AND wait_event_type = 'Lock' AND xact_start IS NOT NULL AND query LIKE 'INSERT INTO events%'
      """).map { row -> (pid: Int32, query: String) in
      let (pid, query) = try row.decode((Int32, String).self)
      return (pid, query)
    }
  }

  @Test(arguments: [UInt64(0x17)])
  func fourTurnWorkersAndFourOutboxWorkersLoseNothing(seed: UInt64) async throws {
    guard let slate = SlateCLI.binary, let host = Self.host else {
      Issue.record("no slate or slate-test-host beside the tests or in .build/debug: build the package first")
      return
    }
    var random = SplitMix64(seed: seed)
    let killAtCall = 1 + Int(random.next() % 3)
    let killAfterJobs = 1 + Int(random.next() % 4)
    let url = TestServer.freshURL()
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("slate-pg-workers-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let callLog = folder.appendingPathComponent("calls.log").path
    let jobLog = folder.appendingPathComponent("jobs.log").path
    func named(_ name: String) -> String { url + "&application_name=" + name }

    // Twenty effects queued by four film turns, before any worker runs.
    for turn in 0..<Self.filmTurns {
      let replay = try #require(try SlateCLI.run(["replay", "Corpus/openai-chat/clean.sse", "--turn", "film\(turn)",
                                                  "--ledger", url]))
      #expect(replay.status == 0, "\(replay.errorOutput)")
    }
    let hostArguments = ["run", "", callLog, "--max-items", "1", "--lease-ms", "600000", "--tag", ""]
    func turnWorker(_ index: Int, _ extra: [String] = []) throws -> WorkerProcess {
      var arguments = hostArguments
      arguments[1] = named("w\(index)")
      arguments[arguments.count - 1] = "w\(index)"
      return try WorkerProcess(binary: host, arguments: arguments + extra)
    }

    // w0 alone until its k-th call is logged (it kills itself right after, holding that
    // action's 600 s lease): the others start once it is gone, so w0 surely makes its k calls.
    let w0 = try turnWorker(0, ["--kill-at-call", "\(killAtCall)"])
    #expect(try await waitUntil(300) { Self.calls(callLog).count >= killAtCall || !w0.process.isRunning })
    #expect(try await waitUntil(300) { !w0.process.isRunning }, "w0 killed itself")

    // Every write transaction stops at its event append while the test holds this lock. The
    // victims w1 and o1 start first, alone among the turn and the outbox workers, so that
    // neither waits behind another blocked worker's row locks before it reaches its append
    // (under load one did, and was never seen there). The watcher looks from outside any
    // transaction (inside one, pg_stat_activity would keep showing its first snapshot).
    let blocker = try await TestServer.connect(url)
    let watcher = try await TestServer.connect(url)
    _ = try await Self.query(blocker, "BEGIN")
    _ = try await Self.query(blocker, "LOCK TABLE events IN EXCLUSIVE MODE")
    func outboxWorker(_ index: Int) throws -> WorkerProcess {
      try WorkerProcess(binary: slate, arguments: ["worker", "--ledger", named("o\(index)"), "--handler", "log",
                                                   "--log", jobLog, "--delay", "50ms", "--batch", "2", "--lease", "600s",
                                                   "--poll", "50ms", "--holder", "o\(index)"])
    }
    let w1 = try turnWorker(1)
    let o1 = try outboxWorker(1)
    for victim in ["w1", "o1"] {
      var found: [(pid: Int32, query: String)] = []
      let deadline = Date().addingTimeInterval(300)  // a hang guard: processes start slowly on a loaded machine
      while found.isEmpty && Date() < deadline {
        found = try await Self.blockedBackends(watcher, victim)
        if found.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
      }
      #expect(!found.isEmpty, "\(victim) never waited inside a transaction")
      for backend in found {
        #expect(backend.query.contains("INSERT INTO events"), "\(victim) waits at its event append: \(backend.query)")
        let terminated = try await Self.query(watcher, "SELECT pg_terminate_backend(\(backend.pid), 5000)")
        #expect(try terminated.first?.decode(Bool.self) == true, "\(victim)'s backend \(backend.pid) terminated")
      }
    }
    let outboxWorkers = [try outboxWorker(0), o1, try outboxWorker(2), try outboxWorker(3)]
    let turnWorkers = [w0, w1] + (try (2..<4).map { try turnWorker($0) })
    _ = try await Self.query(blocker, "COMMIT")
    try await blocker.close()
    try await watcher.close()

    // o0 dies after its j-th job (in a job, or between a job and its acknowledgement).
    #expect(try await waitUntil(300) { Self.runs(jobLog).filter { $0.holder == "o0" }.count >= killAfterJobs },
            "o0 ran \(killAfterJobs) jobs")
    #expect(kill(outboxWorkers[0].pid, SIGKILL) == 0)
    #expect(outboxWorkers[0].wait().status == SIGKILL, "o0 died of SIGKILL")

    // The turn workers end: w0 killed at its k-th call, the others finish the turn.
    let killed = turnWorkers[0].wait()
    #expect(killed.status == SIGKILL, "w0 killed itself at call \(killAtCall): \(killed.status) \(killed.errors)")
    for (index, worker) in turnWorkers.enumerated().dropFirst() {
      let (status, output, errors) = worker.wait()
      #expect(status == 0 && output.last?.contains(#""status":"completed""#) == true,
              "w\(index): \(status) \(output) \(errors)")
    }

    // The outbox drains without waiting out o0's claims (600 s; the guards here are hang
    // guards, generous for a loaded machine, and all below the lease).
    let total = 5 * Self.filmTurns + Self.turnKeys
    var done = 0
    let drained = try await waitUntil(300, every: 250) {
      done = try Self.entries(slate, url, status: "done")
      return done == total
    }
    #expect(drained, "every entry done within 300 s: \(done) of \(total)")
    for (index, worker) in outboxWorkers.enumerated().dropFirst() {
      kill(worker.pid, SIGTERM)
      let (status, _, errors) = worker.wait()
      #expect(status == 0, "o\(index): \(errors)")
    }

    // The turn: completed, each action applied once, each effect queued once.
    let shown = try #require(try SlateCLI.run(["turn", "show", "t1", "--ledger", url, "--json"]))
    let turn = try SimdjsonParser().parse(try #require(shown.lines.first, "\(shown.errorOutput)"))
    #expect(turn["turn"]?["status"] == "completed", "\(turn["turn"] ?? .null)")
    var applied: [String: Int] = [:]
    for event in turn["events"]?.arrayValue ?? [] where event["kind"] == "action.applied" {
      applied[event["key"]?.stringValue ?? "?", default: 0] += 1
    }
    #expect(applied.count == Self.turnKeys && applied.values.allSatisfy { $0 == 1 }, "applied once each: \(applied)")
    let effectKeys = (turn["effects"]?.arrayValue ?? []).compactMap { $0["key"]?.stringValue }
    #expect(effectKeys.count == Self.turnKeys && Set(effectKeys).count == Self.turnKeys, "\(effectKeys)")

    // Handler calls: once per key, but w0's last call's key, called again by a survivor.
    let calls = Self.calls(callLog)
    let byKey = Dictionary(grouping: calls, by: \.key)
    let w0Calls = calls.filter { $0.worker == "w0" }
    #expect(byKey.count == Self.turnKeys, "every action was called: \(byKey.keys.sorted())")
    #expect(w0Calls.count == killAtCall, "w0 made \(killAtCall) calls: \(w0Calls.map(\.key))")
    let repeated = byKey.filter { $0.value.count > 1 }
    #expect(repeated.count == 1 && repeated[w0Calls.last?.key ?? "-"].map { $0.count == 2 && $0[0].worker == "w0" } == true,
            "only w0's unrecorded call is made again, once, by another worker: \(repeated)")

    // Effect runs: each ran; only a job o0 ran but never acknowledged runs twice.
    let runs = Dictionary(grouping: Self.runs(jobLog), by: \.key)
    #expect(runs.count == total, "every job ran: \(runs.count) of \(total)")
    let again = runs.filter { $0.value.count > 1 }
    #expect(again.count <= 1 && again.values.allSatisfy { $0.count == 2 && $0[0].holder == "o0" },
            "only o0's unacknowledged job may run again: \(again)")
    try await TestServer.drop(url)
  }

  /// How many outbox entries have `status` (`slate outbox list --json`).
  static func entries(_ slate: URL, _ url: String, status: String) throws -> Int {
    guard let listed = try SlateCLI.run(["outbox", "list", "--ledger", url, "--status", status, "--json"], executable: slate)
    else { return 0 }
    return listed.status == 0 ? listed.lines.count : 0
  }
}
