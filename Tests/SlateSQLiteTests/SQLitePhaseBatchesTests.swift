import Foundation
import GRDB
import SlateDispatch
import SlateSQLite
import Testing

/// Migration `v5-phase-batches`: a ledger whose phases hold their batch ids as a JSON list
/// opens, its lists move into `phase_batches` in order, and dispatch appends after them.
@Suite struct SQLitePhaseBatchesTests {
  /// Takes a file back to before `v5-phase-batches`: the lists back in a `batches` column
  /// of `phases`, the rows and the migration's record gone.
  static func undoPhaseBatches(_ db: Database) throws {
    try db.execute(sql: "ALTER TABLE phases ADD COLUMN batches TEXT NOT NULL DEFAULT '[]'")
    try db.execute(sql: """
      UPDATE phases SET batches = (SELECT json_group_array(batch) FROM (SELECT batch FROM phase_batches \
      WHERE phase_batches.turn = phases.turn AND phase_batches.phase = phases.name ORDER BY position))
      """)
    try db.execute(sql: "DROP TABLE phase_batches")
    try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v5-phase-batches'")
  }

  @Test func aLedgerWithBatchListsOpensWithTheListsAsRows() async throws {
    let directory = try TemporaryDirectory()
    let first = try SQLiteLedger(path: directory.path())
    try await first.write { tx throws(LedgerError) in
      try tx.insertTurn(Sample.turn("t1"))
      try tx.putPhase(PhaseRecord(turn: "t1", name: "cast", ordinal: 0, state: .dispatched, batches: ["b2", "b1", "b3"],
                                  updatedAt: Sample.t0))
      try tx.putPhase(PhaseRecord(turn: "t1", name: "media", ordinal: 1, updatedAt: Sample.t0))
    }
    try first.close()
    let raw = try DatabaseQueue(path: directory.path())
    try await raw.write { db in try Self.undoPhaseBatches(db) }
    let lists = try await raw.read { db in try String.fetchAll(db, sql: "SELECT batches FROM phases ORDER BY ordinal") }
    #expect(lists == [#"["b2","b1","b3"]"#, "[]"])
    try raw.close()

    let ledger = try SQLiteLedger(path: directory.path())
    #expect(try await ledger.appliedMigrations() == SQLiteLedger.schemaVersions)
    let phases = try await ledger.read { tx throws(LedgerError) in try tx.phases(turn: "t1") }
    #expect(phases.map(\.batches) == [["b2", "b1", "b3"], []])
    let added = try await ledger.write { tx throws(LedgerError) in
      (try tx.addPhaseBatch("b4", turn: "t1", phase: "cast"), try tx.addPhaseBatch("b1", turn: "t1", phase: "cast"),
       try tx.phaseHead(turn: "t1", name: "cast")?.batchCount)
    }
    #expect(added.0 && !added.1 && added.2 == 4, "added: \(added)")
    let after = try await ledger.read { tx throws(LedgerError) in try tx.phases(turn: "t1") }
    #expect(after.first?.batches == ["b2", "b1", "b3", "b4"])
  }
}
