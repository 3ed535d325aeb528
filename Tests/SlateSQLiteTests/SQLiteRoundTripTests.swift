import Foundation
import GRDB
import SlateDispatch
import SlateJSON
import SlateSQLite
import Testing

/// Every field of every record goes into its column and comes back equal, with the
/// optional ones both set and absent; JSON columns hold canonical JSON text.
@Suite struct SQLiteRoundTripTests {
  /// A number beyond Int64 and a Double, kept exactly as written.
  static let big = JSONValue.number(JSONNumber(lexeme: "12345678901234567890")!)
  static let payload: JSONValue = [
    "title": "Night \"market\"\n", "n": big, "x": 1.5e-7, "tags": ["a", "é", "😀"],
    "nested": ["z": nil, "a": true, "m": [:]],
  ]

  @Test func turnsAndPhases() async throws {
    let directory = try TemporaryDirectory()
    let ledger = try SQLiteLedger(path: directory.path())
    let full = TurnRecord(id: "turn-ü", project: "p/1", scopeKind: .project, status: .partiallyCompleted,
                          createdAt: Sample.t0, updatedAt: Sample.t0 + .seconds(3),
                          finishedAt: Sample.t0 + .seconds(4),
                          plan: [PlannedPhase(name: "cast", actions: ["create_character"], expectedCount: 3),
                                 PlannedPhase(name: "scenes", actions: ["create_scene", "update_scene"]),
                                 PlannedPhase(name: "empty")],
                          reason: "turn.partial", recoverability: .resumeFromPhase("scenes"))
    let bare = TurnRecord(id: "t2", project: "p/1", createdAt: Timestamp(milliseconds: Sample.t0.milliseconds - 1000))
    let phases = [
      PhaseRecord(turn: "turn-ü", name: "cast", ordinal: 0, planned: true, expectedCount: 3, state: .dispatched,
                  batches: ["b1", "b2"], updatedAt: Sample.t0),
      PhaseRecord(turn: "turn-ü", name: "", ordinal: 1, updatedAt: Sample.t0 + .milliseconds(1)),
    ]
    try await ledger.write { tx throws(LedgerError) in
      try tx.insertTurn(full)
      try tx.insertTurn(bare)
      for phase in phases { try tx.putPhase(phase) }
    }
    let (turns, stored, storedPhases) = try await ledger.read { tx throws(LedgerError) in
      (try tx.turns(project: "p/1"), try tx.turn("turn-ü"), try tx.phases(turn: "turn-ü"))
    }
    #expect(stored == full)
    #expect(turns == [bare, full])
    #expect(storedPhases == phases)

    for recoverability in [Recoverability.retryFromStart, .continueEffects, .none] {
      let updated = try await ledger.write { tx throws(LedgerError) in
        var turn = try tx.turn("t2")!
        turn.recoverability = recoverability
        turn.status = .failed
        return try tx.updateTurn(turn)
      }
      let back = try await ledger.read { tx throws(LedgerError) in try tx.turn("t2") }
      #expect(back == updated)
    }
  }

  @Test func actionsWithAndWithoutLeaseAndOutcome() async throws {
    let directory = try TemporaryDirectory()
    let ledger = try SQLiteLedger(path: directory.path())
    let declared = ActionRecord(scope: .turn("t1"), key: Sample.key("s1"), turn: "t1", type: "create_scene",
                                queue: "scene", payload: Self.payload, declaredAt: Sample.t0)
    var full = ActionRecord(scope: .project(Sample.project), key: Sample.key("s2"), turn: "t1", phase: "scenes",
                            batch: "batch-1", ordinal: 7, type: "update_scene", queue: "scene",
                            payload: ["title": "v1"], effects: ["image", "video"], upsert: true, declaredAt: Sample.t0)
    try await ledger.write { [full] tx throws(LedgerError) in
      try tx.insertTurn(Sample.turn("t1"))
      try tx.insertAction(declared)
      try tx.insertAction(full)
    }
    full.status = .ambiguous
    full.outcome = Outcome.ambiguous(code: "handler.timeout", message: "no answer in 30s", retryable: true, attempts: 2)
    full.attempts = 2
    full.fencingToken = 3
    full.lease = Lease(holder: "host-1/pid-2/task-3", token: 3, expiresAt: Sample.t0 + .seconds(30))
    full.payload = ["title": "v2"]
    full.payloadRevision = 1
    full.versions.append(ActionRecord.version(type: full.type, payload: full.payload))
    full.updatedAt = Sample.t0 + .seconds(5)
    try await ledger.write { [full] tx throws(LedgerError) in try tx.updateAction(full, expectedToken: 0) }
    let (a, b, list) = try await ledger.read { tx throws(LedgerError) in
      (try tx.action(scope: .turn("t1"), key: Sample.key("s1").hex),
       try tx.action(scope: .project(Sample.project), key: Sample.key("s2").hex), try tx.actions(turn: "t1"))
    }
    #expect(a == declared)
    #expect(a?.key.readable == "scene:s1" && a?.key.canonicalBytes == declared.key.canonicalBytes)
    #expect(a?.payload == Self.payload)
    #expect(b == full)
    #expect(b?.lease == full.lease && b?.outcome == full.outcome && b?.versions == full.versions)
    #expect(list.map(\.key) == [declared.key, full.key])

    let applied = Outcome.applied(["id": "scene-9", "ok": true], attempts: 1)
    let done = try await ledger.write { tx throws(LedgerError) in
      try tx.recordOutcome(scope: .project(Sample.project), key: Sample.key("s2").hex, token: 3, status: .applied,
                           outcome: applied, attempts: 1, now: Sample.t0 + .seconds(6))
    }
    let back = try await ledger.read { tx throws(LedgerError) in
      try tx.action(scope: .project(Sample.project), key: Sample.key("s2").hex)
    }
    #expect(back == done && back?.lease == nil && back?.outcome == applied && back?.attempts == 3)
  }

  @Test func effectsEntitiesAndEvents() async throws {
    let directory = try TemporaryDirectory()
    let ledger = try SQLiteLedger(path: directory.path())
    let effect = {
      var effect = Sample.effect("s1", turn: "t1", kind: "video")
      effect.payload = Self.payload
      return effect
    }()
    let entity = EntityRecord(project: Sample.project, table: "scene", key: Sample.key("s1").hex,
                              readable: "scene:s1", value: Self.payload, revision: 4, turn: "t1",
                              updatedAt: Sample.t0 + .seconds(2))
    let event = LedgerEvent(turn: "t1", at: Sample.t0, kind: "action.declared", key: Sample.key("s1").hex,
                            detail: ["readable": "scene:s1", "token": 3])
    let bareEvent = LedgerEvent(turn: "t1", at: Sample.t0 + .seconds(1), kind: "turn.transition")
    let sequences = try await ledger.write { tx throws(LedgerError) -> [Int64] in
      try tx.insertTurn(Sample.turn("t1"))
      try tx.insertEffect(effect)
      try tx.putEntity(entity)
      return [try tx.appendEvent(event), try tx.appendEvent(bareEvent)]
    }
    let (storedEffect, storedEntity, events) = try await ledger.read { tx throws(LedgerError) in
      (try tx.effect(key: effect.key), try tx.entity(project: Sample.project, table: "scene", key: entity.key),
       try tx.events(turn: "t1", after: 0))
    }
    #expect(storedEffect == effect)
    #expect(storedEffect?.action.readable == "scene:s1" && storedEffect?.action.canonicalBytes == effect.action.canonicalBytes)
    #expect(storedEntity == entity)
    var expected = [event, bareEvent]
    expected[0].sequence = sequences[0]
    expected[1].sequence = sequences[1]
    #expect(events == expected)
  }

  /// JSON columns are canonical text: sorted members, no whitespace, numbers as written.
  @Test func jsonColumnsAreCanonical() async throws {
    let directory = try TemporaryDirectory()
    let ledger = try SQLiteLedger(path: directory.path())
    try await ledger.write { tx throws(LedgerError) in
      try tx.insertTurn(Sample.turn("t1"))
      try tx.insertAction(Sample.action("s1", turn: "t1", payload: ["b": [1, 2], "a": "x", "n": Self.big]))
    }
    let raw = try DatabaseQueue(path: directory.path())
    let text = try await raw.read { db in try String.fetchOne(db, sql: "SELECT payload FROM actions") }
    #expect(text == #"{"a":"x","b":[1,2],"n":12345678901234567890}"#)
  }
}
