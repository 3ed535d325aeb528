import Foundation
import Logging
import PostgresNIO
import SlateDispatch
import Testing
@testable import SlatePostgres

/// What the conformance checks cannot see: migrations, a refused newer schema, a
/// connection lost in the middle of a transaction, conflicts retried inside the ledger.
@Suite(.enabled(if: TestServer.available, TestServer.skipReason))
struct PostgresLedgerTests {
  static let t0 = Timestamp(milliseconds: 1_700_000_000_000)

  @Test func migratesOnceAndKeepsData() async throws {
    try await TestServer.withFreshSchema { url in
      let first = try await PostgresLedger(url: url)
      #expect(try await first.appliedMigrations() == PostgresLedger.schemaVersions)
      try await first.write { tx throws(LedgerError) in
        try tx.insertTurn(TurnRecord(id: "t1", project: "p", createdAt: Self.t0))
      }
      await first.close()
      let again = try await PostgresLedger(url: url)
      #expect(try await again.appliedMigrations() == PostgresLedger.schemaVersions, "nothing applied twice")
      #expect(try await again.read { tx throws(LedgerError) in try tx.turn("t1")?.project } == "p")
      await again.close()
    }
  }

  @Test func concurrentOpeningsMigrateOnce() async throws {
    try await TestServer.withFreshSchema { url in
      let ledgers = try await withThrowingTaskGroup(of: PostgresLedger.self) { group in
        for _ in 0..<4 { group.addTask { try await PostgresLedger(url: url, options: .init(poolSize: 1)) } }
        return try await group.reduce(into: []) { $0.append($1) }
      }
      #expect(try await ledgers[0].appliedMigrations() == PostgresLedger.schemaVersions)
      for ledger in ledgers { await ledger.close() }
    }
  }

  @Test func refusesNewerSchema() async throws {
    try await TestServer.withFreshSchema { url in
      await (try await PostgresLedger(url: url)).close()
      let raw = try await TestServer.connect(url)
      _ = try await raw.query("INSERT INTO slate_migrations (version) VALUES ('v99')", logger: raw.logger).get()
      try await raw.close()
      do {
        _ = try await PostgresLedger(url: url)
        Issue.record("a schema with a newer migration was opened")
      } catch {
        #expect((error as? LedgerError)?.code == "ledger.storage")
        guard case .storage(let code, let message)? = error as? LedgerError else { return }
        #expect(code == "SLATE_SCHEMA_NEWER" && message.contains("v99"), "\(error)")
      }
    }
  }

  /// With a backlog, the claim statements walk the `effects_claimable` partial index
  /// (migration v4) in id order and stop at the limit, with or without kinds: no sequential
  /// scan, no sort of the outstanding entries. 30,000 entries, 27,000 of them pending,
  /// analysed. (With few outstanding entries the planner may rather read them through
  /// `effects_by_status` and sort them: cheap then, and its choice.)
  @Test func theClaimWalksTheClaimableIndex() async throws {
    try await TestServer.withFreshSchema { url in
      let ledger = try await PostgresLedger(url: url)
      try await ledger.write { tx throws(LedgerError) in
        try tx.insertTurn(TurnRecord(id: "t1", project: "p", createdAt: Self.t0))
      }
      await ledger.close()
      let raw = try await TestServer.connect(url)
      _ = try await raw.query(PostgresQuery(unsafeSQL: """
        INSERT INTO effects (key, kind, turn, project, action_key, action_namespace, action_readable, action_canonical, \
        payload, status, revision, created_at, updated_at) \
        SELECT 'k' || g, CASE WHEN g % 2 = 0 THEN 'image' ELSE 'video' END, 't1', 'p', 'a' || g, 'scene', 'scene:' || g, \
        '\\x00'::bytea, '{}', CASE WHEN g <= 2000 THEN 'done' WHEN g <= 3000 THEN 'dead' ELSE 'pending' END, 0, 0, 0 \
        FROM generate_series(1, 30000) g
        """), logger: raw.logger).get()
      _ = try await raw.query("ANALYZE effects", logger: raw.logger).get()
      for kinds in [[], ["video"]] {
        var binds = Binds(capacity: 3)
        binds.time(Self.t0)
        binds.int(8)
        if !kinds.isEmpty { binds.strings(kinds) }
        let sql = "EXPLAIN " + (kinds.isEmpty ? SQL.claimableEffects : SQL.claimableEffectsOfKinds)
        let rows = try await raw.query(PostgresQuery(unsafeSQL: sql, binds: binds.bindings), logger: raw.logger).get().rows
        let plan = try rows.map { try $0.decode(String.self) }
        #expect(plan.contains { $0.contains("Index Scan using effects_claimable on effects") }, "\(plan.joined(separator: "\n"))")
        #expect(!plan.contains { $0.contains("Sort") || $0.contains("Seq Scan on effects") }, "\(plan.joined(separator: "\n"))")
      }
      try await raw.close()
    }
  }

  @Test func unreachableServerIsAConnectionError() async throws {
    do {
      _ = try await PostgresLedger(url: "postgres://nobody@127.0.0.1:1/none", options: .init(attempts: 1))
      Issue.record("connected to port 1")
    } catch {
      guard case .storage(let code, _)? = error as? LedgerError else { Issue.record("\(error)"); return }
      #expect(code == "PG_CONNECTION")
    }
  }

  /// The backend serving a write is terminated (`pg_terminate_backend`) in the middle of
  /// its body: the first attempt's writes vanish, the body runs again on a new connection,
  /// and exactly one attempt's writes are kept.
  @Test func connectionLostMidTransactionIsRetriedWhole() async throws {
    try await TestServer.withFreshSchema { url in
      let ledger = try await PostgresLedger(url: url, options: .init(poolSize: 2))
      let killer = try await TestServer.connect(url)
      let attempts = Counter()
      try await ledger.write { tx throws(LedgerError) in
        try tx.insertTurn(TurnRecord(id: "t1", project: "p", createdAt: Self.t0))
        try tx.appendEvent(LedgerEvent(turn: "t1", at: Self.t0, kind: "started"))
        let attempt = attempts.next()
        if attempt == 1 { Self.terminate(tx, using: killer) }
        try tx.putPhase(PhaseRecord(turn: "t1", name: "scenes", ordinal: 0, updatedAt: Self.t0))
      }
      #expect(attempts.value == 2, "the body ran again after its backend was terminated")
      let (events, phases) = try await ledger.read { tx throws(LedgerError) in
        (try tx.events(turn: "t1", after: 0).count, try tx.phases(turn: "t1").count)
      }
      #expect(events == 1 && phases == 1, "one attempt's writes, whole: \(events) events, \(phases) phases")
      try await killer.close()
      await ledger.close()
    }
  }

  /// The same loss with no second attempt allowed: the write fails, nothing is kept.
  @Test func connectionLostMidTransactionLeavesNothing() async throws {
    try await TestServer.withFreshSchema { url in
      let ledger = try await PostgresLedger(url: url, options: .init(poolSize: 1, attempts: 1))
      let killer = try await TestServer.connect(url)
      do {
        try await ledger.write { tx throws(LedgerError) in
          try tx.insertTurn(TurnRecord(id: "t1", project: "p", createdAt: Self.t0))
          Self.terminate(tx, using: killer)
          try tx.insertTurn(TurnRecord(id: "t2", project: "p", createdAt: Self.t0))
        }
        Issue.record("a write whose backend was terminated succeeded")
      } catch {
        #expect((error as? LedgerError)?.isPostgresConnectionLoss == true, "\(error)")
      }
      let turns = try await ledger.read { tx throws(LedgerError) in try tx.turns(project: nil).count }
      #expect(turns == 0, "nothing half-written: \(turns) turns")
      try await killer.close()
      await ledger.close()
    }
  }

  /// Two writers read one row, meet, then both update it: the server lets the first
  /// commit and aborts the second with a serialization failure (40001), which the ledger
  /// runs again (three runs in all) on the committed row, so no update is lost.
  ///
  /// The retry runs serialized (it holds the ledger's write lock on `events` from its
  /// start), and so do the ledger's writes for `serializedAfterConflict` after it (with
  /// zero, only the retry); the first writes, before any conflict, do not.
  @Test(arguments: [Duration.seconds(600), .zero])
  func serializationFailureIsRetried(serializedAfterConflict: Duration) async throws {
    try await TestServer.withFreshSchema { url in
      let logs = CapturedLogs()
      let ledger = try await PostgresLedger(url: url, options: .init(poolSize: 2,
                                                                      serializedAfterConflict: serializedAfterConflict,
                                                                      logger: logs.logger))
      let before = try await ledger.write { tx throws(LedgerError) in
        try tx.insertTurn(TurnRecord(id: "t1", project: "p", createdAt: Self.t0))
        return try Self.holdsWriteLock(tx)
      }
      #expect(!before, "a write before any conflict is optimistic")
      let runs = Counter()
      let arrived = Counter()
      let serializedRuns = Counter()
      try await withThrowingTaskGroup(of: Void.self) { group in
        for _ in 0..<2 {
          group.addTask {
            try await ledger.write { tx throws(LedgerError) in
              let run = runs.next()
              var turn = try tx.turn("t1")!
              if run <= 2 {
                // Both first runs have read before either writes (bounded: 10 minutes).
                arrived.next()
                for _ in 0..<600_000 where arrived.value < 2 { usleep(1000) }
              }
              turn.updatedAt = turn.updatedAt + .milliseconds(1)
              try tx.updateTurn(turn)
              if try Self.holdsWriteLock(tx) { serializedRuns.next() }
            }
          }
        }
        try await group.waitForAll()
      }
      let turn = try await ledger.read { tx throws(LedgerError) in try tx.turn("t1")! }
      #expect(turn.revision == 2 && turn.updatedAt == Self.t0 + .milliseconds(2), "no lost update: \(turn)")
      #expect(runs.value == 3, "one conflict, run once more")
      #expect(serializedRuns.value == 1, "the retry, and only it, ran serialized")
      #expect(logs.messages == ["ledger transaction retried attempt=1 serialized=true"], "the retry logged at debug")
      let after = try await ledger.write { tx throws(LedgerError) in try Self.holdsWriteLock(tx) }
      #expect(after == (serializedAfterConflict > .zero), "a write soon after a conflict runs serialized")
      await ledger.close()
    }
  }

  /// A lease whose holder's ledger is gone (its session, and so its liveness lock, ended)
  /// is taken over at once, long before it expires; while the holder's ledger lives, its
  /// lease holds.
  @Test func deadHoldersLeaseIsTakenOverAtOnce() async throws {
    try await TestServer.withFreshSchema { url in
      let first = try await PostgresLedger(url: url)
      let second = try await PostgresLedger(url: url)
      let key = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
      let action = ActionRecord(scope: .turn("t1"), key: ActionKey(hex: key, namespace: "scene", readable: "scene:s1",
                                                                    canonicalBytes: Array("[\"s1\"]".utf8)),
                                turn: "t1", ordinal: 0, type: "create_scene", queue: "scene", payload: ["title": "x"],
                                declaredAt: Self.t0)
      try await first.write { tx throws(LedgerError) in
        try tx.insertTurn(TurnRecord(id: "t1", project: "p", createdAt: Self.t0))
        try tx.insertAction(action)
        try tx.acquireLease(scope: .turn("t1"), key: key, holder: "worker-1", now: Self.t0, duration: .seconds(3600))
      }
      do {
        _ = try await second.write { tx throws(LedgerError) in
          try tx.acquireLease(scope: .turn("t1"), key: key, holder: "worker-2", now: Self.t0 + .seconds(1),
                              duration: .seconds(60))
        }
        Issue.record("a live holder's lease was taken over")
      } catch {
        #expect((error as? LedgerError)?.code == "ledger.lease_held", "\(error)")
      }
      await first.close()
      let taken = try await second.write { tx throws(LedgerError) in
        try tx.acquireLease(scope: .turn("t1"), key: key, holder: "worker-2", now: Self.t0 + .seconds(2),
                            duration: .seconds(60))
      }
      #expect(taken.lease?.holder == "worker-2" && taken.fencingToken == 2, "taken over at once: \(taken)")
      do {
        _ = try await second.write { tx throws(LedgerError) in
          try tx.recordOutcome(scope: .turn("t1"), key: key, token: 1, status: .applied, outcome: .applied(nil),
                               attempts: 1, now: Self.t0 + .seconds(3))
        }
        Issue.record("the dead holder's token was accepted")
      } catch {
        #expect((error as? LedgerError)?.code == "ledger.fenced", "\(error)")
      }
      await second.close()
    }
  }

  /// The liveness lock goes with its connection; the next lease taken holds it again on a
  /// new connection (before, the ledger went on believing it held it, and every other
  /// worker could take its leases over for the rest of its life).
  @Test func aLostLivenessConnectionIsReplacedAtTheNextLease() async throws {
    try await TestServer.withFreshSchema { url in
      let ledger = try await PostgresLedger(url: url)
      let watcher = try await TestServer.connect(url)
      // worker-1's liveness lock in this test's schema (tests run in parallel on one server).
      let schema = try PostgresLocation(url: url).schema
      let holders = """
        SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1 \
        AND ((classid::bigint << 32) | objid::bigint) = hashtextextended('\(schema) worker-1', 0)
        """
      func lockHolders() async throws -> [Int32] {
        try await watcher.query(PostgresQuery(unsafeSQL: holders), logger: watcher.logger).get().rows
          .map { try $0.decode(Int32.self) }
      }
      func lease(_ key: String, _ at: Timestamp) async throws {
        let action = ActionRecord(scope: .turn("t1"), key: ActionKey(hex: key, namespace: "scene", readable: "scene:\(key.prefix(4))",
                                                                      canonicalBytes: Array("[\"s1\"]".utf8)),
                                  turn: "t1", ordinal: 0, type: "create_scene", queue: "scene", payload: ["title": "x"],
                                  declaredAt: at)
        try await ledger.write { tx throws(LedgerError) in
          if try tx.turn("t1") == nil { try tx.insertTurn(TurnRecord(id: "t1", project: "p", createdAt: at)) }
          try tx.insertAction(action)
          _ = try tx.acquireLease(scope: .turn("t1"), key: key, holder: "worker-1", now: at, duration: .seconds(3600))
        }
      }
      try await lease(String(repeating: "a", count: 64), Self.t0)
      let first = try await lockHolders()
      #expect(first.count == 1, "one liveness lock: \(first)")
      for pid in first {
        _ = try await watcher.query(PostgresQuery(unsafeSQL: "SELECT pg_terminate_backend(\(pid), 5000)"),
                                    logger: watcher.logger).get()
      }
      #expect(try await lockHolders().isEmpty, "the lock went with its connection")
      try await lease(String(repeating: "b", count: 64), Self.t0 + .seconds(1))
      let again = try await lockHolders()
      #expect(again.count == 1 && again != first, "held again on a new connection: \(again) after \(first)")
      try await watcher.close()
      await ledger.close()
    }
  }

  /// Whether `tx`'s backend holds the ledger's write lock (`SHARE ROW EXCLUSIVE` on `events`).
  static func holdsWriteLock(_ tx: any LedgerTransaction) throws(LedgerError) -> Bool {
    guard let tx = tx as? PostgresTransaction else { return false }
    let rows = try tx.execute("""
      SELECT 1 FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'relation' \
      AND relation = 'events'::regclass AND mode = 'ShareRowExclusiveLock' AND granted
      """)
    return rows.rows.first != nil
  }

  /// Terminates the backend serving `tx` from another connection, and waits until it is gone.
  static func terminate(_ tx: any LedgerTransaction, using killer: PostgresConnection) {
    guard let tx = tx as? PostgresTransaction, let pid = try? tx.execute("SELECT pg_backend_pid()").rows.first
    else { return }
    let backend = try! pid.decode(Int32.self)
    _ = try! killer.query(PostgresQuery(unsafeSQL: "SELECT pg_terminate_backend(\(backend), 5000)"), logger: killer.logger)
      .wait()
  }
}

/// A swift-log handler that keeps each record's message and its `slate.attempt` and
/// `slate.serialized` metadata, for the retry path's logs.
final class CapturedLogs: @unchecked Sendable {
  private let lock = NSLock()
  private var kept: [String] = []

  var messages: [String] { lock.withLock { kept } }

  var logger: Logger {
    var logger = Logger(label: "slate.test.captured") { _ in Handler(sink: self) }
    logger.logLevel = .trace
    return logger
  }

  fileprivate func keep(_ line: String) { lock.withLock { kept.append(line) } }

  struct Handler: LogHandler {
    let sink: CapturedLogs
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
      get { metadata[key] }
      set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
      let fields = event.metadata ?? [:]
      sink.keep("\(event.message) attempt=\(fields["slate.attempt"].map { "\($0)" } ?? "-") "
        + "serialized=\(fields["slate.serialized"].map { "\($0)" } ?? "-")")
    }
  }
}
