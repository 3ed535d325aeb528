import Foundation
import SlateDispatch
import SlateJSON
import SlateSQLite
import Synchronization
import Testing

/// Several ``SQLiteLedger`` instances on one file, as several processes would have: unique
/// keys, serialisability and fencing hold across them, and lock waits are bounded.
@Suite struct SQLiteConcurrencyTests {
  /// Opens `count` ledgers on one new file.
  static func ledgers(_ count: Int, in directory: TemporaryDirectory, options: SQLiteLedger.Options = .init())
    throws -> [SQLiteLedger]
  {
    try (0..<count).map { _ in try SQLiteLedger(path: directory.path(), options: options) }
  }

  @Test func instancesOpeningANewFileAtOnceAllMigrate() async throws {
    let directory = try TemporaryDirectory()
    let opened = try await withThrowingTaskGroup(of: [String].self) { group in
      for _ in 0..<4 {
        group.addTask { try await SQLiteLedger(path: directory.path()).appliedMigrations() }
      }
      return try await group.reduce(into: [[String]]()) { $0.append($1) }
    }
    #expect(opened == Array(repeating: SQLiteLedger.schemaVersions, count: 4))
  }

  /// Many tasks over two instances insert one action key and one effect key: exactly one
  /// insert of each wins, every other gets `ledger.duplicate_key`, one row of each is stored.
  @Test func racingInsertsOfOneKeyAcrossInstances() async throws {
    let directory = try TemporaryDirectory()
    let ledgers = try Self.ledgers(2, in: directory)
    try await ledgers[0].write { tx throws(LedgerError) in
      try tx.insertTurn(Sample.turn("t1"))
      try tx.insertTurn(Sample.turn("t2"))
    }
    let racers = 16
    let results = try await withThrowingTaskGroup(of: (action: String, effect: String).self) { group in
      for i in 0..<racers {
        let ledger = ledgers[i % 2]
        let turn: TurnID = i % 3 == 0 ? "t1" : "t2"
        group.addTask {
          let action = await ledgerError {
            try await ledger.write { tx throws(LedgerError) in
              try tx.insertAction(Sample.action("s1", turn: turn, scope: .project(Sample.project),
                                                payload: ["racer": .number(JSONNumber(i))]))
            }
          }
          let effect = await ledgerError {
            try await ledger.write { tx throws(LedgerError) in try tx.insertEffect(Sample.effect("s1", turn: turn)) }
          }
          return (action?.code ?? "won", effect?.code ?? "won")
        }
      }
      return try await group.reduce(into: [(action: String, effect: String)]()) { $0.append($1) }
    }
    #expect(results.filter { $0.action == "won" }.count == 1)
    #expect(results.filter { $0.action == "ledger.duplicate_key" }.count == racers - 1)
    #expect(results.filter { $0.effect == "won" }.count == 1)
    #expect(results.filter { $0.effect == "ledger.duplicate_key" }.count == racers - 1)
    let (t1, t2, e1, e2) = try await ledgers[1].read { tx throws(LedgerError) in
      (try tx.actions(turn: "t1").count, try tx.actions(turn: "t2").count, try tx.effects(turn: "t1").count,
       try tx.effects(turn: "t2").count)
    }
    #expect(t1 + t2 == 1 && e1 + e2 == 1)
  }

  /// Read-modify-write bodies spread over three instances lose no update.
  @Test func writesAreSerialisableAcrossInstances() async throws {
    let directory = try TemporaryDirectory()
    let ledgers = try Self.ledgers(3, in: directory)
    try await ledgers[0].write { tx throws(LedgerError) in try tx.insertTurn(Sample.turn("t1")) }
    let writers = 30
    try await withThrowingTaskGroup(of: Void.self) { group in
      for i in 0..<writers {
        let ledger = ledgers[i % ledgers.count]
        group.addTask {
          try await ledger.write { tx throws(LedgerError) in
            var turn = try tx.turn("t1")!
            turn.updatedAt = turn.updatedAt + .milliseconds(1)
            try tx.updateTurn(turn)
          }
        }
      }
      try await group.waitForAll()
    }
    let turn = try await ledgers[2].read { tx throws(LedgerError) in try tx.turn("t1")! }
    #expect(turn.revision == writers && turn.updatedAt == Sample.t0 + .milliseconds(Int64(writers)))
  }

  /// A holder on one instance whose lease expired and was taken over on another cannot
  /// record its outcome or overwrite the record.
  @Test func fencingHoldsAcrossInstances() async throws {
    let directory = try TemporaryDirectory()
    let ledgers = try Self.ledgers(2, in: directory)
    let key = Sample.key("s1").hex
    try await ledgers[0].write { tx throws(LedgerError) in
      try tx.insertTurn(Sample.turn("t1"))
      try tx.insertAction(Sample.action("s1", turn: "t1"))
    }
    let a = try await ledgers[0].write { tx throws(LedgerError) in
      try tx.acquireLease(scope: .turn("t1"), key: key, holder: "A", now: Sample.t0, duration: .seconds(10))
    }
    let held = await ledgerError {
      try await ledgers[1].write { tx throws(LedgerError) in
        try tx.acquireLease(scope: .turn("t1"), key: key, holder: "B", now: Sample.t0 + .seconds(9), duration: .seconds(10))
      }
    }
    #expect(held?.code == "ledger.lease_held")
    let b = try await ledgers[1].write { tx throws(LedgerError) in
      try tx.acquireLease(scope: .turn("t1"), key: key, holder: "B", now: Sample.t0 + .seconds(10), duration: .seconds(10))
    }
    #expect(a.fencingToken == 1 && b.fencingToken == 2)
    let late = await ledgerError {
      try await ledgers[0].write { tx throws(LedgerError) in
        try tx.recordOutcome(scope: .turn("t1"), key: key, token: a.fencingToken, status: .applied,
                             outcome: .applied(["by": "A"]), attempts: 1, now: Sample.t0 + .seconds(11))
      }
    }
    #expect(late == .fenced(key: "scene:s1", presented: 1, current: 2))
    var overwrite = a
    overwrite.status = .failed
    let overwritten = await ledgerError {
      try await ledgers[0].write { [overwrite] tx throws(LedgerError) in try tx.updateAction(overwrite, expectedToken: 1) }
    }
    #expect(overwritten == .fenced(key: "scene:s1", presented: 1, current: 2))
    _ = try await ledgers[1].write { tx throws(LedgerError) in
      try tx.recordOutcome(scope: .turn("t1"), key: key, token: b.fencingToken, status: .applied,
                           outcome: .applied(["by": "B"]), attempts: 1, now: Sample.t0 + .seconds(12))
    }
    let stored = try await ledgers[0].read { tx throws(LedgerError) in try tx.action(scope: .turn("t1"), key: key)! }
    #expect(stored.outcome?.result == ["by": "B"] && stored.status == .applied && stored.lease == nil)
  }

  /// A reader sees one snapshot while another instance commits, and the next read sees the
  /// commit.
  @Test func readsAreSnapshotsConcurrentWithWrites() async throws {
    let directory = try TemporaryDirectory()
    let ledgers = try Self.ledgers(2, in: directory)
    try await ledgers[0].write { tx throws(LedgerError) in try tx.insertTurn(Sample.turn("t1")) }
    let writerInside = Gate()
    let readerDone = Gate()
    async let committed: Void = ledgers[0].write { tx throws(LedgerError) in
      try tx.insertTurn(Sample.turn("t2"))
      writerInside.open()
      // Hold the write transaction open until the reader has read (a test-only block).
      readerDone.wait(upTo: .seconds(600))
    }
    await writerInside.waitAsync(upTo: .seconds(600))
    let during = try await ledgers[1].read { tx throws(LedgerError) in try tx.turns(project: nil).map(\.id) }
    readerDone.open()
    try await committed
    let after = try await ledgers[1].read { tx throws(LedgerError) in try tx.turns(project: nil).map(\.id) }
    #expect(during == ["t1"])
    #expect(after == ["t1", "t2"])
  }

  /// A writer that cannot get the lock within its busy timeout gets `SQLITE_BUSY` as a
  /// `ledger.storage` error (after its attempts); a writer with a long enough timeout waits
  /// and commits.
  ///
  /// What is checked is the bound, not the speed of the machine: the holder keeps the lock
  /// until it is told to let go (after the impatient writer gave up), so the impatient
  /// writer can only have stopped because its own budget ran out, and it cannot have
  /// stopped before spending it (two attempts of at least 20 ms each: a lower bound, which
  /// load only lengthens). The patient writer's timeout (10 minutes) and the final read (by
  /// the patient ledger, not the 20 ms one) leave no room for a loaded machine's delays to
  /// fail the test; that it waited is certain, since it could not commit before the release.
  @Test func lockWaitsAreBoundedByTheBusyTimeout() async throws {
    let directory = try TemporaryDirectory()
    let holder = try SQLiteLedger(path: directory.path())
    let impatient = try SQLiteLedger(path: directory.path(),
                                     options: .init(busyTimeout: .milliseconds(20), attempts: 2))
    let patient = try SQLiteLedger(path: directory.path(), options: .init(busyTimeout: .seconds(600)))
    let inside = Gate()
    let release = Gate()
    let patientDone = Gate()
    async let held: Void = holder.write { tx throws(LedgerError) in
      try tx.insertTurn(Sample.turn("t1"))
      inside.open()
      release.wait(upTo: .seconds(600))
    }
    await inside.waitAsync(upTo: .seconds(600))
    let clock = ContinuousClock()
    let start = clock.now
    let busy = await ledgerError {
      try await impatient.write { tx throws(LedgerError) in try tx.insertTurn(Sample.turn("t2")) }
    }
    let spent = clock.now - start
    @Sendable func patientWrite() async throws {
      try await patient.write { tx throws(LedgerError) in try tx.insertTurn(Sample.turn("t3")) }
      patientDone.open()
    }
    async let waited: Void = patientWrite()
    // Give the patient writer time to meet the lock (if it has not yet, it meets it later
    // or not at all; either way it cannot commit before the release).
    try await Task.sleep(for: .milliseconds(200))
    let committedBeforeRelease = patientDone.isOpen
    release.open()
    try await held
    try await waited
    #expect(busy.map { if case .storage("SQLITE_BUSY", _) = $0 { true } else { false } } == true, "\(String(describing: busy))")
    #expect(spent >= .milliseconds(40), "gave up after \(spent)")
    #expect(!committedBeforeRelease)
    let turns = try await patient.read { tx throws(LedgerError) in try tx.turns(project: nil).map(\.id) }
    #expect(turns == ["t1", "t3"])
  }
}

/// A one-shot flag to wait on: from a ledger body (which runs on GRDB's own dispatch queue,
/// so blocking it holds the transaction open without starving Swift's cooperative pool), or
/// from a task.
final class Gate: Sendable {
  private let state = Mutex(false)

  func open() { state.withLock { $0 = true } }

  var isOpen: Bool { state.withLock { $0 } }

  /// Blocks the calling thread until the gate is open or `limit` passed.
  func wait(upTo limit: Duration) {
    let clock = ContinuousClock()
    let deadline = clock.now + limit
    while !isOpen, clock.now < deadline { usleep(1000) }
  }

  /// Suspends until the gate is open or `limit` passed.
  func waitAsync(upTo limit: Duration) async {
    let clock = ContinuousClock()
    let deadline = clock.now + limit
    while !isOpen, clock.now < deadline { try? await Task.sleep(for: .milliseconds(1)) }
  }
}
