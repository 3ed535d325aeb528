@testable import LedgerConformance
import SlateDispatch
import SlateJSON
import Testing

/// ``InMemoryLedger`` writes in place and undoes a throwing body from its log: a body that
/// changes records that existed before it (not only new ones) leaves them as they were.
@Suite struct InMemoryLedgerRollbackTests {
  struct Snapshot: Equatable {
    var turn: TurnRecord?
    var phases: [PhaseRecord]
    var actions: [ActionRecord]
    var effects: [EffectRecord]
    var pending: [EffectRecord]
    var entities: [EntityRecord]
    var events: [LedgerEvent]
  }

  static func snapshot(_ ledger: InMemoryLedger) async throws -> Snapshot {
    try await ledger.read { tx throws(LedgerError) in
      Snapshot(turn: try tx.turn("t1"), phases: try tx.phases(turn: "t1"), actions: try tx.actions(turn: "t1"),
               effects: try tx.effects(turn: "t1"), pending: try tx.effects(status: .pending, limit: 100),
               entities: try tx.entities(project: Fixture.project, table: nil),
               events: try tx.events(turn: "t1", after: 0))
    }
  }

  static func entity(_ key: String, _ value: JSONValue) -> EntityRecord {
    EntityRecord(project: Fixture.project, table: "scene", key: key, readable: "scene:\(key)", value: value, turn: "t1",
                 updatedAt: Fixture.t0)
  }

  /// Writes that change turn t1 (completed) and its phases (scenes moved, shots added):
  /// what each rolled-back body below starts with.
  static func finishTurnAndMovePhases(_ tx: any LedgerTransaction) throws(LedgerError) {
    var turn = try tx.turn("t1")!
    turn.status = .completed
    _ = try tx.updateTurn(turn)
    try tx.putPhase(PhaseRecord(turn: "t1", name: "scenes", ordinal: 3, updatedAt: Fixture.t0))
    try tx.putPhase(PhaseRecord(turn: "t1", name: "shots", ordinal: 4, updatedAt: Fixture.t0))
  }

  @Test func aThrowingBodyRestoresTheRecordsItChanged() async throws {
    let ledger = InMemoryLedger()
    try await ledger.write { tx throws(LedgerError) in
      try tx.insertTurn(Fixture.turn("t1"))
      try tx.putPhase(PhaseRecord(turn: "t1", name: "scenes", ordinal: 0, updatedAt: Fixture.t0))
      try tx.insertAction(Fixture.action("s1", turn: "t1"))
      try tx.insertEffect(Fixture.effect("s1", turn: "t1"))
      try tx.putEntity(Self.entity("k1", ["a": 1]))
      _ = try tx.appendEvent(LedgerEvent(turn: "t1", at: Fixture.t0, kind: "turn.started"))
    }
    let before = try await Self.snapshot(ledger)
    let counts = await ledger.counts

    await #expect(throws: LedgerError.self) {
      try await ledger.write { tx throws(LedgerError) in
        try Self.finishTurnAndMovePhases(tx)
        try tx.putPhase(PhaseRecord(turn: "t2-absent-ok", name: "x", ordinal: 0, updatedAt: Fixture.t0))
      }
    }
    await #expect(throws: LedgerError.self) {
      try await ledger.write { tx throws(LedgerError) in
        try Self.finishTurnAndMovePhases(tx)
        var action = try tx.action(scope: .turn("t1"), key: Fixture.key("s1").hex)!
        action.fencingToken += 1
        try tx.updateAction(action, expectedToken: 0)
        try tx.insertAction(Fixture.action("s2", turn: "t1", ordinal: 1))
        var effect = try tx.effect(key: Fixture.effect("s1", turn: "t1").key)!
        effect.status = .done
        _ = try tx.updateEffect(effect)
        try tx.insertEffect(Fixture.effect("s2", turn: "t1"))
        try tx.putEntity(Self.entity("k1", ["a": 2]))
        try tx.putEntity(Self.entity("k2", ["b": 1]))
        _ = try tx.appendEvent(LedgerEvent(turn: "t1", at: Fixture.t0, kind: "turn.finished"))
        throw forcedRollback
      }
    }
    #expect(try await Self.snapshot(ledger) == before)
    #expect(await ledger.counts == counts)
    // The event sequence goes on from the last committed one.
    let sequence = try await ledger.write { tx throws(LedgerError) in
      try tx.appendEvent(LedgerEvent(turn: "t1", at: Fixture.t0, kind: "turn.finished"))
    }
    #expect(sequence == 2)
  }
}
