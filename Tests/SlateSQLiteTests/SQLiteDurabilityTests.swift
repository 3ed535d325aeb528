import Foundation
import GRDB
import SlateDispatch
import SlateJSON
import SlateSQLite
import Testing

/// What survives, what does not, and what is on disk.
///
/// A killed process is safe because of SQLite's own atomic commit (the WAL's commit
/// frames); these tests check what can be checked in one process: a body that throws, a
/// close and reopen, and a copy of the file set taken *between* transactions (the state a
/// SIGKILL at that instant leaves on disk, since no write is in flight), whose WAL must be
/// replayed on open. Real kill drills go through the CLI.
@Suite struct SQLiteDurabilityTests {
  @Test func dataSurvivesCloseAndReopen() async throws {
    let directory = try TemporaryDirectory()
    let first = try SQLiteLedger(path: directory.path())
    let sequence = try await first.write { tx throws(LedgerError) in
      try tx.insertTurn(Sample.turn("t1"))
      try tx.insertAction(Sample.action("s1", turn: "t1"))
      try tx.insertEffect(Sample.effect("s1", turn: "t1"))
      try tx.putEntity(EntityRecord(project: Sample.project, table: "scene", key: "k", readable: "scene:k",
                                    value: ["a": 1], turn: "t1", updatedAt: Sample.t0))
      return try tx.appendEvent(LedgerEvent(turn: "t1", at: Sample.t0, kind: "turn.started"))
    }
    _ = try await first.write { tx throws(LedgerError) in
      try tx.acquireLease(scope: .turn("t1"), key: Sample.key("s1").hex, holder: "A", now: Sample.t0,
                          duration: .seconds(30))
    }
    try first.close()

    let second = try SQLiteLedger(path: directory.path())
    let (action, effect, entity, events) = try await second.read { tx throws(LedgerError) in
      (try tx.action(scope: .turn("t1"), key: Sample.key("s1").hex), try tx.effect(key: Sample.effect("s1", turn: "t1").key),
       try tx.entity(project: Sample.project, table: "scene", key: "k"), try tx.events(turn: "t1", after: 0))
    }
    #expect(action?.fencingToken == 1 && action?.lease?.holder == "A" && action?.status == .inProgress)
    #expect(effect?.status == .pending)
    #expect(entity?.value == ["a": 1])
    #expect(events.map(\.sequence) == [sequence])
    // The event sequence goes on from where it was, never reusing one.
    let next = try await second.write { tx throws(LedgerError) in
      try tx.appendEvent(LedgerEvent(turn: "t1", at: Sample.t0, kind: "turn.transition"))
    }
    #expect(next > sequence)
    // A closed ledger refuses work with a storage error instead of crashing.
    let closed = await ledgerError { try await first.read { tx throws(LedgerError) in try tx.turn("t1") } }
    #expect(closed?.code == "ledger.storage")
  }

  @Test func aThrowingBodyLeavesNothingEvenAfterACaughtViolation() async throws {
    let directory = try TemporaryDirectory()
    let ledger = try SQLiteLedger(path: directory.path())
    try await ledger.write { tx throws(LedgerError) in
      try tx.insertTurn(Sample.turn("t1"))
      try tx.insertAction(Sample.action("s1", turn: "t1"))
      try tx.insertEffect(Sample.effect("s1", turn: "t1"))
    }
    let stop = LedgerError.storage(code: "TEST_STOP", message: "the body gives up")
    let thrown = await ledgerError {
      try await ledger.write { tx throws(LedgerError) in
        try tx.insertTurn(Sample.turn("t2"))
        // Violations caught inside the body: the transaction goes on.
        var caught: [String] = []
        do throws(LedgerError) { try tx.insertTurn(Sample.turn("t1")) } catch { caught.append(error.code) }
        do throws(LedgerError) { try tx.insertAction(Sample.action("s1", turn: "t1")) } catch { caught.append(error.code) }
        do throws(LedgerError) { try tx.insertEffect(Sample.effect("s1", turn: "t2")) } catch { caught.append(error.code) }
        guard caught == Array(repeating: "ledger.duplicate_key", count: 3) else {
          throw LedgerError.invalidRecord(what: "test", reason: "duplicate inserts gave \(caught)")
        }
        try tx.insertAction(Sample.action("s2", turn: "t2"))
        try tx.insertEffect(Sample.effect("s2", turn: "t2"))
        var turn = try tx.turn("t1")!
        turn.status = .stopped
        try tx.updateTurn(turn)
        try tx.appendEvent(LedgerEvent(turn: "t2", at: Sample.t0, kind: "lost"))
        try tx.putEntity(EntityRecord(project: Sample.project, table: "scene", key: "k", readable: "scene:k",
                                      value: ["a": 1], turn: "t2", updatedAt: Sample.t0))
        // The body sees its own writes before it throws.
        guard try tx.action(scope: .turn("t2"), key: Sample.key("s2").hex) != nil else {
          throw LedgerError.invalidRecord(what: "test", reason: "a body does not see its own write")
        }
        throw stop
      }
    }
    #expect(thrown == stop)
    for reopened in [ledger, try SQLiteLedger(path: directory.path())] {
      let left = try await reopened.read { tx throws(LedgerError) in
        (try tx.turns(project: nil).map(\.id), try tx.turn("t1")?.status, try tx.actions(turn: "t2").count,
         try tx.effects(status: .pending, limit: 10).count, try tx.events(turn: "t2", after: 0).count,
         try tx.entities(project: Sample.project, table: nil).count)
      }
      #expect(left.0 == ["t1"] && left.1 == .running, "\(left)")
      #expect(left.2 == 0 && left.3 == 1 && left.4 == 0 && left.5 == 0, "\(left)")
    }
  }

  @Test func walModeAndFileLayout() async throws {
    let directory = try TemporaryDirectory()
    let ledger = try SQLiteLedger(path: directory.path())
    #expect(try await ledger.journalMode() == "wal")
    #expect(try await ledger.appliedMigrations() == SQLiteLedger.schemaVersions)
    try await ledger.write { tx throws(LedgerError) in try tx.insertTurn(Sample.turn("t1")) }
    let files = Set(try FileManager.default.contentsOfDirectory(atPath: directory.url.path))
    #expect(files == ["ledger.sqlite", "ledger.sqlite-wal", "ledger.sqlite-shm"])
    let memory = try SQLiteLedger.inMemory()
    #expect(try await memory.journalMode() == "memory")
    #expect(memory.path == nil)
  }

  /// A commit that only the WAL holds (not yet checkpointed into the database file) is
  /// there when the file set is opened again: the state a process killed right after the
  /// commit leaves. The database file alone has only what was checkpointed.
  @Test func aCommitOnlyInTheWALIsReplayedOnOpen() async throws {
    let directory = try TemporaryDirectory()
    let ledger = try SQLiteLedger(path: directory.path())
    try await ledger.write { tx throws(LedgerError) in try tx.insertTurn(Sample.turn("checkpointed")) }
    let raw = try DatabaseQueue(path: directory.path())
    try await raw.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
    try raw.close()
    try await ledger.write { tx throws(LedgerError) in
      try tx.insertTurn(Sample.turn("in-wal"))
      try tx.insertAction(Sample.action("s1", turn: "in-wal"))
    }
    let walSize = try FileManager.default.attributesOfItem(atPath: directory.path("ledger.sqlite-wal"))[.size] as? Int
    #expect((walSize ?? 0) > 0, "the second commit is in the WAL")

    // Copy the file set while the ledger is open and idle; leave the -shm behind, as a
    // reboot would, so the copy's first connection rebuilds the WAL index from the WAL.
    let withWAL = try TemporaryDirectory()
    let databaseOnly = try TemporaryDirectory()
    for (target, names) in [(withWAL, ["ledger.sqlite", "ledger.sqlite-wal"]), (databaseOnly, ["ledger.sqlite"])] {
      for name in names { try FileManager.default.copyItem(atPath: directory.path(name), toPath: target.path(name)) }
    }
    let replayed = try SQLiteLedger(path: withWAL.path())
    let (turns, action) = try await replayed.read { tx throws(LedgerError) in
      (try tx.turns(project: nil).map(\.id.rawValue), try tx.action(scope: .turn("in-wal"), key: Sample.key("s1").hex))
    }
    #expect(Set(turns) == ["checkpointed", "in-wal"])
    #expect(action?.payload == ["title": "x"])
    let bare = try SQLiteLedger(path: databaseOnly.path())
    let bareTurns = try await bare.read { tx throws(LedgerError) in try tx.turns(project: nil).map(\.id.rawValue) }
    #expect(bareTurns == ["checkpointed"])
  }

  @Test func aNewerSchemaIsRefused() async throws {
    let directory = try TemporaryDirectory()
    _ = try SQLiteLedger(path: directory.path())
    let raw = try DatabaseQueue(path: directory.path())
    try await raw.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v999-future')") }
    try raw.close()
    let error = await ledgerError { try SQLiteLedger(path: directory.path()) }
    #expect(error.map { if case .storage("SLATE_SCHEMA_NEWER", _) = $0 { true } else { false } } == true, "\(String(describing: error))")
  }

  @Test func aFileThatIsNotADatabaseIsAStorageError() async throws {
    let directory = try TemporaryDirectory()
    try Data(repeating: 0x5A, count: 8192).write(to: directory.url.appendingPathComponent("ledger.sqlite"))
    let error = await ledgerError { try SQLiteLedger(path: directory.path()) }
    #expect(error.map { if case .storage("SQLITE_NOTADB", _) = $0 { true } else { false } } == true, "\(String(describing: error))")
    let missing = await ledgerError { try SQLiteLedger(path: directory.path("no/such/dir/ledger.sqlite")) }
    #expect(missing.map { if case .storage("SQLITE_CANTOPEN", _) = $0 { true } else { false } } == true, "\(String(describing: missing))")
  }
}
