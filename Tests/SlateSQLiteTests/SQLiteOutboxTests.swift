import Foundation
import GRDB
import SlateDispatch
import SlateJSON
import Synchronization
import Testing

@testable import SlateSQLite

/// The outbox on SQLite: a ledger written before the claim columns existed opens and
/// drains, and workers on separate connections to one file run every entry once.
@Suite struct SQLiteOutboxTests {
  /// Makes a file as a build before migration `v3-outbox` left it (the claim columns
  /// dropped, the migration unrecorded), with one queued entry; opening it migrates it, and
  /// the entry is claimable from its creation with no claim and no attempts.
  @Test func aLedgerFromBeforeTheClaimColumnsOpensAndDrains() async throws {
    let directory = try TemporaryDirectory()
    let entry = Sample.effect("s1", turn: "t1")
    let first = try SQLiteLedger(path: directory.path())
    try await first.write { tx throws(LedgerError) in
      try tx.insertTurn(Sample.turn("t1"))
      try tx.insertEffect(entry)
    }
    try first.close()
    let raw = try DatabaseQueue(path: directory.path())
    try await raw.write { db in
      for column in ["attempts", "fencing_token", "lease_holder", "lease_token", "lease_expires_at", "available_at",
                     "last_error"]
      {
        try db.execute(sql: "ALTER TABLE effects DROP COLUMN \(column)")
      }
      try SQLitePhaseBatchesTests.undoPhaseBatches(db)  // the later migrations too
      try db.execute(sql: "DROP INDEX effects_claimable")
      try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier IN ('v3-outbox', 'v4-outbox-claimable')")
    }
    let before = try await raw.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
    #expect(before == ["v1", "v2-stream-chunks"])
    try raw.close()

    let ledger = try SQLiteLedger(path: directory.path())
    #expect(try await ledger.appliedMigrations() == SQLiteLedger.schemaVersions)
    let stored = try await ledger.read { tx throws(LedgerError) in try tx.effect(key: entry.key) }
    #expect(stored == entry, "the old entry reads back as queued: \(String(describing: stored))")
    let outbox = Outbox(ledger: ledger, holder: "w", clock: ManualWallClock(Sample.t0))
    let claims = try await outbox.claim(limit: 5)
    #expect(claims.map(\.key) == [entry.key] && claims.first?.fencingToken == 1)
    let done = try await outbox.complete(key: entry.key, token: 1)
    #expect(done.status == .done)
  }

  /// The claim statements walk the `effects_claimable` partial index (migration
  /// `v4-outbox-claimable`) in id order: no scan of the whole table, no sort of the
  /// outstanding entries (`USE TEMP B-TREE FOR ORDER BY`), with or without kinds. Checked on
  /// a ledger holding done, dead and outstanding entries, after `ANALYZE`, so the planner
  /// weighs real statistics rather than defaults.
  @Test func theClaimWalksTheClaimableIndexWithoutSorting() async throws {
    let directory = try TemporaryDirectory()
    let ledger = try SQLiteLedger(path: directory.path())
    try await ledger.write { tx throws(LedgerError) in
      try tx.insertTurn(Sample.turn("t1"))
      for index in 0..<300 {
        try tx.insertEffect(Sample.effect("e\(index)", turn: "t1", kind: index % 2 == 0 ? "image" : "video"))
      }
    }
    try ledger.close()
    let raw = try DatabaseQueue(path: directory.path())
    defer { try? raw.close() }
    try await raw.write { db in
      try db.execute(sql: "UPDATE effects SET status = 'done' WHERE id <= 250")
      try db.execute(sql: "UPDATE effects SET status = 'dead' WHERE id > 250 AND id <= 260")
    }
    let indexes = try await raw.read { db in
      try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'effects'")
    }
    #expect(indexes.contains("effects_claimable"), "\(indexes)")
    try await raw.write { db in try db.execute(sql: "ANALYZE") }
    let now = Sample.t0.milliseconds
    let statements: [(String, StatementArguments)] = [
      (SQL.claimableEffects, StatementArguments([now, 8] as [(any DatabaseValueConvertible)?])),
      (SQL.claimableEffectsOfKinds, StatementArguments([now, 8, #"["video"]"#] as [(any DatabaseValueConvertible)?])),
    ]
    for (sql, arguments) in statements {
      let plan = try await raw.read { db in
        try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
      }
      #expect(plan.contains { $0.contains("effects USING INDEX effects_claimable") }, "\(plan)")
      #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "no sort: \(plan)")
    }
  }

  /// Four workers, each with its own ``SQLiteLedger`` (its own connections, as four
  /// processes would have) on one file, drain 60 entries in claims of 3: every entry runs
  /// exactly once and ends done.
  @Test func workersOnSeparateConnectionsRunEachEntryOnce() async throws {
    let directory = try TemporaryDirectory()
    let setup = try SQLiteLedger(path: directory.path())
    let entries = (0..<60).map { Sample.effect("e\($0)", turn: "t1", kind: $0 % 2 == 0 ? "image" : "video") }
    try await setup.write { tx throws(LedgerError) in
      try tx.insertTurn(Sample.turn("t1"))
      for entry in entries { try tx.insertEffect(entry) }
    }
    let handler = CountingHandler()
    let summaries = try await withThrowingTaskGroup(of: OutboxWorker.Summary.self) { group in
      for index in 0..<4 {
        let ledger = try SQLiteLedger(path: directory.path(), options: .init(durability: .normal))
        group.addTask {
          let outbox = Outbox(ledger: ledger, holder: "worker-\(index)")
          return try await OutboxWorker(outbox: outbox, handler: handler,
                                        configuration: .init(batch: 3, untilEmpty: true)).run()
        }
      }
      var all: [OutboxWorker.Summary] = []
      for try await summary in group { all.append(summary) }
      return all
    }
    let runs = handler.runs.withLock { $0 }
    #expect(runs.count == entries.count && runs.values.allSatisfy { $0 == 1 }, "\(runs.filter { $0.value != 1 })")
    #expect(summaries.map(\.completed).reduce(0, +) == entries.count && summaries.allSatisfy { $0.fenced == 0 })
    let statuses = try await setup.read { tx throws(LedgerError) in try tx.effects(turn: "t1").map(\.status) }
    #expect(statuses == Array(repeating: .done, count: entries.count))
  }

  final class CountingHandler: EffectHandler {
    let runs = Mutex<[String: Int]>([:])

    func run(_ effect: EffectRecord) async throws {
      runs.withLock { $0[effect.key, default: 0] += 1 }
      await Task.yield()
    }
  }
}
