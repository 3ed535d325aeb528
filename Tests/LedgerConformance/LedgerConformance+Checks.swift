import SlateDispatch
import SlateJSON

extension LedgerConformance {
  static func turnUniqueID(_ ledger: any DispatchLedger) async throws {
    try await ledger.write { tx throws(LedgerError) in
      var record = Fixture.turn("t1")
      record.revision = 7
      try tx.insertTurn(record)
    }
    let stored = try await ledger.read { tx throws(LedgerError) in try tx.turn("t1") }
    try expect(stored?.revision == 0, "a new turn is stored with revision 0, got \(String(describing: stored?.revision))")
    try expect(stored?.project == Fixture.project && stored?.status == .running, "the turn reads back as written")
    try await expectError("ledger.duplicate_key") {
      try await ledger.write { tx throws(LedgerError) in try tx.insertTurn(Fixture.turn("t1")) }
    }
    let missing = try await ledger.read { tx throws(LedgerError) in try tx.turn("t2") }
    try expect(missing == nil, "an unknown turn reads as nil")
  }

  static func turnRevision(_ ledger: any DispatchLedger) async throws {
    try await ledger.write { tx throws(LedgerError) in try tx.insertTurn(Fixture.turn("t1")) }
    let first = try await ledger.read { tx throws(LedgerError) in try tx.turn("t1")! }
    var changed = first
    changed.status = .completed
    let updated = try await ledger.write { [changed] tx throws(LedgerError) in try tx.updateTurn(changed) }
    try expect(updated.revision == 1, "updateTurn returns revision 1, got \(updated.revision)")
    // A writer that read revision 0 and writes after the update is refused.
    var stale = first
    stale.reason = "late"
    try await expectError("ledger.stale_revision") {
      try await ledger.write { [stale] tx throws(LedgerError) in try tx.updateTurn(stale) }
    }
    let stored = try await ledger.read { tx throws(LedgerError) in try tx.turn("t1")! }
    try expect(stored.status == .completed && stored.reason == nil && stored.revision == 1,
               "the stale update wrote nothing: \(stored)")
    try await expectError("ledger.not_found") {
      try await ledger.write { tx throws(LedgerError) in try tx.updateTurn(Fixture.turn("nope")) }
    }
  }

  static func rollback(_ ledger: any DispatchLedger) async throws {
    try await expectError(forcedRollback.code) {
      try await ledger.write { tx throws(LedgerError) in
        try tx.insertTurn(Fixture.turn("t1"))
        try tx.insertAction(Fixture.action("s1", turn: "t1"))
        try tx.insertEffect(Fixture.effect("s1", turn: "t1"))
        try tx.upsertEntity(EntityRecord(project: Fixture.project, table: "scene", key: "k", readable: "scene:s1",
                                         value: ["a": 1], turn: "t1", updatedAt: Fixture.t0))
        try tx.appendEvent(LedgerEvent(turn: "t1", at: Fixture.t0, kind: "turn.started"))
        // Reads inside the body see the body's writes.
        guard try tx.action(scope: .turn("t1"), key: Fixture.key("s1").hex) != nil else {
          throw .invalidRecord(what: "check", reason: "a body does not see its own write")
        }
        throw forcedRollback
      }
    }
    let left = try await ledger.read { tx throws(LedgerError) in
      (try tx.turn("t1"), try tx.action(scope: .turn("t1"), key: Fixture.key("s1").hex),
       try tx.effect(key: Fixture.effect("s1", turn: "t1").key),
       try tx.entities(project: Fixture.project, table: nil).count, try tx.events(turn: "t1", after: 0).count)
    }
    try expect(left.0 == nil && left.1 == nil && left.2 == nil && left.3 == 0 && left.4 == 0,
               "a rolled-back body left \(left)")
  }

  static func catchDuplicate(_ ledger: any DispatchLedger) async throws {
    try await ledger.write { tx throws(LedgerError) in
      try tx.insertTurn(Fixture.turn("t1"))
      try tx.insertAction(Fixture.action("s1", turn: "t1"))
    }
    let outcome = try await ledger.write { tx throws(LedgerError) -> String in
      var code = "none"
      do throws(LedgerError) {
        try tx.insertAction(Fixture.action("s1", turn: "t1", payload: ["title": "other"]))
      } catch {
        code = error.code
      }
      try tx.insertAction(Fixture.action("s2", turn: "t1", ordinal: 1))
      return code
    }
    try expect(outcome == "ledger.duplicate_key", "a second insert of (scope, key) throws duplicate_key, got \(outcome)")
    let actions = try await ledger.read { tx throws(LedgerError) in try tx.actions(turn: "t1") }
    try expect(actions.map(\.key.readable) == ["scene:s1", "scene:s2"],
               "the transaction went on after the caught violation: \(actions.map(\.key.readable))")
    try expect(actions[0].payload == ["title": "x"], "the duplicate did not overwrite the first payload")
  }

  static func actionUniquePerScope(_ ledger: any DispatchLedger) async throws {
    try await ledger.write { tx throws(LedgerError) in
      try tx.insertTurn(Fixture.turn("t1"))
      try tx.insertTurn(Fixture.turn("t2"))
      // The same key in two turn scopes: two records.
      try tx.insertAction(Fixture.action("s1", turn: "t1"))
      try tx.insertAction(Fixture.action("s1", turn: "t2"))
      // In the project scope, the first turn's record is the only one.
      try tx.insertAction(Fixture.action("s9", turn: "t1", scope: .project(Fixture.project)))
    }
    try await expectError("ledger.duplicate_key") {
      try await ledger.write { tx throws(LedgerError) in
        try tx.insertAction(Fixture.action("s9", turn: "t2", scope: .project(Fixture.project)))
      }
    }
    let found = try await ledger.read { tx throws(LedgerError) in
      (try tx.action(scope: .turn("t1"), key: Fixture.key("s1").hex)?.turn,
       try tx.action(scope: .turn("t2"), key: Fixture.key("s1").hex)?.turn,
       try tx.action(scope: .project(Fixture.project), key: Fixture.key("s9").hex)?.turn,
       try tx.action(scope: .project("other"), key: Fixture.key("s9").hex))
    }
    try expect(found.0 == "t1" && found.1 == "t2" && found.2 == "t1" && found.3 == nil, "scopes are apart: \(found)")
  }

  static func actionInsertRules(_ ledger: any DispatchLedger) async throws {
    try await expectError("ledger.not_found") {
      try await ledger.write { tx throws(LedgerError) in try tx.insertAction(Fixture.action("s1", turn: "ghost")) }
    }
    try await ledger.write { tx throws(LedgerError) in try tx.insertTurn(Fixture.turn("t1")) }
    var tokened = Fixture.action("s1", turn: "t1")
    tokened.fencingToken = 3
    try await expectError("ledger.invalid_record") {
      try await ledger.write { [tokened] tx throws(LedgerError) in try tx.insertAction(tokened) }
    }
    try await expectError("ledger.not_found") {
      try await ledger.write { tx throws(LedgerError) in
        try tx.updateAction(Fixture.action("s1", turn: "t1"), expectedToken: 0)
      }
    }
    try await expectError("ledger.not_found") {
      try await ledger.write { tx throws(LedgerError) in
        try tx.putPhase(PhaseRecord(turn: "ghost", name: "p", ordinal: 0, updatedAt: Fixture.t0))
      }
    }
    try await expectError("ledger.not_found") {
      try await ledger.write { tx throws(LedgerError) in try tx.insertEffect(Fixture.effect("s1", turn: "ghost")) }
    }
  }

  static func fencing(_ ledger: any DispatchLedger) async throws {
    let key = Fixture.key("s1").hex
    let scope = DispatchScope.turn("t1")
    try await ledger.write { tx throws(LedgerError) in
      try tx.insertTurn(Fixture.turn("t1"))
      try tx.insertAction(Fixture.action("s1", turn: "t1"))
    }
    let a = try await ledger.write { tx throws(LedgerError) in
      try tx.acquireLease(scope: scope, key: key, holder: "A", now: Fixture.t0, duration: .seconds(30))
    }
    try expect(a.fencingToken == 1 && a.lease?.token == 1 && a.status == .inProgress,
               "the first lease has token 1: \(a)")
    try expect(a.lease?.expiresAt == Fixture.t0 + .seconds(30), "the lease expires after its duration")
    // B cannot take a live lease.
    try await expectError("ledger.lease_held") {
      try await ledger.write { tx throws(LedgerError) in
        try tx.acquireLease(scope: scope, key: key, holder: "B", now: Fixture.t0 + .seconds(29), duration: .seconds(30))
      }
    }
    // Once it expired, B takes it over with token 2.
    let b = try await ledger.write { tx throws(LedgerError) in
      try tx.acquireLease(scope: scope, key: key, holder: "B", now: Fixture.t0 + .seconds(30), duration: .seconds(30))
    }
    try expect(b.fencingToken == 2 && b.lease?.holder == "B", "a takeover issues token 2: \(b)")
    // A, late, cannot record its outcome nor overwrite the record.
    try await expectError("ledger.fenced") {
      try await ledger.write { tx throws(LedgerError) in
        try tx.recordOutcome(scope: scope, key: key, token: 1, status: .applied, outcome: .applied(), attempts: 1,
                             now: Fixture.t0 + .seconds(31))
      }
    }
    var late = a
    late.status = .failed
    try await expectError("ledger.fenced") {
      try await ledger.write { [late] tx throws(LedgerError) in try tx.updateAction(late, expectedToken: 1) }
    }
    // A token may not go backwards even with the right expected token.
    var backwards = b
    backwards.fencingToken = 1
    try await expectError("ledger.invalid_record") {
      try await ledger.write { [backwards] tx throws(LedgerError) in try tx.updateAction(backwards, expectedToken: 2) }
    }
    // B records its outcome; the lease is cleared.
    let done = try await ledger.write { tx throws(LedgerError) in
      try tx.recordOutcome(scope: scope, key: key, token: 2, status: .applied, outcome: .applied(["id": 1]),
                           attempts: 1, now: Fixture.t0 + .seconds(32))
    }
    try expect(done.status == .applied && done.lease == nil && done.attempts == 1 && done.fencingToken == 2,
               "the outcome is recorded under token 2: \(done)")
    try expect(done.outcome == .applied(["id": 1]), "the outcome reads back: \(String(describing: done.outcome))")
    // The same holder renewing gets a new token.
    let renewed = try await ledger.write { tx throws(LedgerError) -> (ActionRecord, ActionRecord) in
      let first = try tx.acquireLease(scope: scope, key: key, holder: "C", now: Fixture.t0 + .seconds(40),
                                      duration: .seconds(5))
      let second = try tx.acquireLease(scope: scope, key: key, holder: "C", now: Fixture.t0 + .seconds(41),
                                       duration: .seconds(5))
      return (first, second)
    }
    try expect(renewed.0.fencingToken == 3 && renewed.1.fencingToken == 4, "a renewal issues a new token: \(renewed)")
    try await expectError("ledger.not_found") {
      try await ledger.write { tx throws(LedgerError) in
        try tx.acquireLease(scope: scope, key: "ff", holder: "A", now: Fixture.t0, duration: .seconds(1))
      }
    }
  }

  static func actionOrder(_ ledger: any DispatchLedger) async throws {
    try await ledger.write { tx throws(LedgerError) in
      try tx.insertTurn(Fixture.turn("t1"))
      try tx.insertAction(Fixture.action("c", turn: "t1", ordinal: 2))
      try tx.insertAction(Fixture.action("a", turn: "t1", ordinal: 0))
      try tx.insertAction(Fixture.action("b2", turn: "t1", ordinal: 1))
      try tx.insertAction(Fixture.action("b1", turn: "t1", ordinal: 1))
    }
    let order = try await ledger.read { tx throws(LedgerError) in try tx.actions(turn: "t1").map(\.key.readable) }
    try expect(order == ["scene:a", "scene:b2", "scene:b1", "scene:c"], "actions by ordinal then insertion: \(order)")
    let none = try await ledger.read { tx throws(LedgerError) in try tx.actions(turn: "t2") }
    try expect(none.isEmpty, "another turn has no actions")
    // The next ordinal: one past the largest, whatever the insertion order; 0 for none; a
    // rolled-back insert leaves it as it was.
    try await expectError(forcedRollback.code) {
      try await ledger.write { tx throws(LedgerError) in
        try tx.insertAction(Fixture.action("z", turn: "t1", ordinal: 9))
        throw forcedRollback
      }
    }
    let next = try await ledger.read { tx throws(LedgerError) in [try tx.nextOrdinal(turn: "t1"), try tx.nextOrdinal(turn: "t2")] }
    try expect(next == [3, 0], "nextOrdinal after ordinals 2, 0, 1, 1 (and a rolled-back 9), and for no action: \(next)")
  }

  static func outbox(_ ledger: any DispatchLedger) async throws {
    try await ledger.write { tx throws(LedgerError) in
      try tx.insertTurn(Fixture.turn("t1"))
      try tx.insertTurn(Fixture.turn("t2"))
      try tx.insertEffect(Fixture.effect("s2", turn: "t1", kind: "video"))
      try tx.insertEffect(Fixture.effect("s1", turn: "t1"))
      try tx.insertEffect(Fixture.effect("s3", turn: "t2"))
    }
    try await expectError("ledger.duplicate_key") {
      try await ledger.write { tx throws(LedgerError) in try tx.insertEffect(Fixture.effect("s1", turn: "t2")) }
    }
    let again = try await ledger.write { tx throws(LedgerError) in try tx.enqueue(Fixture.effect("s1", turn: "t1")) }
    try expect(!again, "enqueue of a queued key reports false")
    let (mine, pending) = try await ledger.read { tx throws(LedgerError) in
      (try tx.effects(turn: "t1").map(\.kind), try tx.effects(status: .pending, limit: 2).map(\.turn))
    }
    try expect(mine == ["video", "image"], "effects of a turn in insertion order: \(mine)")
    try expect(pending == ["t1", "t1"], "pending effects in insertion order, up to the limit: \(pending)")
    var claimed = try await ledger.read { tx throws(LedgerError) in try tx.effect(key: Fixture.effect("s1", turn: "t1").key)! }
    try expect(claimed.revision == 0, "a new effect has revision 0")
    claimed.status = .claimed
    let stored = try await ledger.write { [claimed] tx throws(LedgerError) in try tx.updateEffect(claimed) }
    try expect(stored.revision == 1 && stored.status == .claimed, "updateEffect increments the revision: \(stored)")
    try await expectError("ledger.stale_revision") {
      try await ledger.write { [claimed] tx throws(LedgerError) in try tx.updateEffect(claimed) }
    }
    var moved = stored
    moved.kind = "frame"
    try await expectError("ledger.invalid_record") {
      try await ledger.write { [moved] tx throws(LedgerError) in try tx.updateEffect(moved) }
    }
    let left = try await ledger.read { tx throws(LedgerError) in try tx.effects(status: .pending, limit: 10).count }
    try expect(left == 2, "one effect left pending: \(left)")
    try await expectError("ledger.not_found") {
      try await ledger.write { tx throws(LedgerError) in try tx.updateEffect(Fixture.effect("zz", turn: "t1")) }
    }
  }

  static func entityUpsert(_ ledger: any DispatchLedger) async throws {
    @Sendable func row(_ key: String, _ value: JSONValue, table: String = "scene", project: ProjectID = Fixture.project) -> EntityRecord {
      EntityRecord(project: project, table: table, key: key, readable: table + ":" + key, value: value, turn: "t1",
                   updatedAt: Fixture.t0)
    }
    let results = try await ledger.write { tx throws(LedgerError) -> [EntityUpsert] in
      [
        try tx.upsertEntity(row("a", ["title": "A"])),
        try tx.upsertEntity(row("b", ["title": "B"])),
        try tx.upsertEntity(row("a", ["title": "A"])),
        try tx.upsertEntity(row("a", ["title": "A2"])),
        try tx.upsertEntity(row("c", ["name": "Mara"], table: "character")),
        try tx.upsertEntity(row("a", ["title": "other project"], project: "p2")),
      ]
    }
    try expect(results == [.inserted, .inserted, .unchanged, .updated(revision: 1), .inserted, .inserted],
               "upsert results: \(results)")
    let (scenes, all, other) = try await ledger.read { tx throws(LedgerError) in
      (try tx.entities(project: Fixture.project, table: "scene"), try tx.entities(project: Fixture.project, table: nil),
       try tx.entity(project: "p2", table: "scene", key: "a"))
    }
    try expect(scenes.map(\.key) == ["a", "b"], "an updated row keeps its place: \(scenes.map(\.key))")
    try expect(scenes[0].value == ["title": "A2"] && scenes[0].revision == 1, "the update is stored: \(scenes[0])")
    try expect(all.map(\.key) == ["a", "b", "c"], "every table of the project: \(all.map(\.key))")
    try expect(other?.value == ["title": "other project"], "projects are apart")
  }

  static func eventSequence(_ ledger: any DispatchLedger) async throws {
    let first = try await ledger.write { tx throws(LedgerError) -> [Int64] in
      try tx.insertTurn(Fixture.turn("t1"))
      try tx.insertTurn(Fixture.turn("t2"))
      return [
        try tx.appendEvent(LedgerEvent(sequence: 99, turn: "t1", at: Fixture.t0, kind: "turn.started")),
        try tx.appendEvent(LedgerEvent(turn: "t2", at: Fixture.t0, kind: "turn.started")),
        try tx.appendEvent(LedgerEvent(turn: "t1", at: Fixture.t0, kind: "action.declared", key: "k",
                                       detail: ["readable": "scene:s1"])),
      ]
    }
    try expect(first[0] < first[1] && first[1] < first[2], "sequences increase: \(first)")
    try await expectError(forcedRollback.code) {
      try await ledger.write { tx throws(LedgerError) in
        try tx.appendEvent(LedgerEvent(turn: "t1", at: Fixture.t0, kind: "lost"))
        throw forcedRollback
      }
    }
    let next = try await ledger.write { tx throws(LedgerError) in
      try tx.appendEvent(LedgerEvent(turn: "t1", at: Fixture.t0, kind: "turn.transition"))
    }
    try expect(next > first[2], "a later event has a greater sequence: \(next) after \(first[2])")
    let events = try await ledger.read { tx throws(LedgerError) in try tx.events(turn: "t1", after: 0) }
    try expect(events.map(\.kind) == ["turn.started", "action.declared", "turn.transition"],
               "the turn's events in order, the rolled-back one absent: \(events.map(\.kind))")
    try expect(events[0].sequence == first[0] && events[1].detail == ["readable": "scene:s1"] && events[1].key == "k",
               "events read back as appended: \(events)")
    let after = try await ledger.read { tx throws(LedgerError) in try tx.events(turn: "t1", after: first[2]).map(\.kind) }
    try expect(after == ["turn.transition"], "events after a sequence: \(after)")
    let middle = try await ledger.read { tx throws(LedgerError) in try tx.events(turn: "t1", after: first[0]).map(\.kind) }
    try expect(middle == ["action.declared", "turn.transition"], "events after the first: \(middle)")
    let none = try await ledger.read { tx throws(LedgerError) in try tx.events(turn: "t1", after: next) }
    try expect(none.isEmpty, "no event after the last: \(none)")
  }

  static func turnAndPhaseOrder(_ ledger: any DispatchLedger) async throws {
    try await ledger.write { tx throws(LedgerError) in
      try tx.insertTurn(Fixture.turn("b", at: Fixture.t0))
      try tx.insertTurn(Fixture.turn("a", at: Fixture.t0))
      try tx.insertTurn(Fixture.turn("0", at: Fixture.t0 + .seconds(1)))
      try tx.insertTurn(Fixture.turn("x", project: "p2", at: Fixture.t0))
      for (name, ordinal) in [("media", 3), ("cast", 0), ("design", 1), ("scenes", 1)] {
        try tx.putPhase(PhaseRecord(turn: "a", name: name, ordinal: ordinal, updatedAt: Fixture.t0))
      }
      try tx.putPhase(PhaseRecord(turn: "a", name: "cast", ordinal: 0, planned: true, expectedCount: 3,
                                  state: .dispatched, batches: ["b1"], updatedAt: Fixture.t0))
    }
    let (mine, all, phases) = try await ledger.read { tx throws(LedgerError) in
      (try tx.turns(project: Fixture.project).map(\.id.rawValue), try tx.turns(project: nil).count,
       try tx.phases(turn: "a"))
    }
    try expect(mine == ["a", "b", "0"], "turns by creation then id: \(mine)")
    try expect(all == 4, "every turn without a project filter")
    try expect(phases.map(\.name) == ["cast", "design", "scenes", "media"], "phases by ordinal then name: \(phases.map(\.name))")
    try expect(phases[0].planned && phases[0].expectedCount == 3 && phases[0].batches == ["b1"] && phases[0].state == .dispatched,
               "putPhase replaces: \(phases[0])")
  }

  /// ``LedgerTransaction/addPhaseBatch(_:turn:phase:)`` appends each batch id once, in
  /// order; ``LedgerTransaction/phaseHead(turn:name:)`` counts them without the list;
  /// ``LedgerTransaction/putPhaseHead(_:)`` keeps them, ``LedgerTransaction/putPhase(_:)``
  /// replaces them; a rolled-back append leaves nothing; a missing phase is `not_found`.
  static func phaseBatches(_ ledger: any DispatchLedger) async throws {
    let ids = (0..<300).map { "batch-\($0 * 7919 % 300)" }  // not in sorted order
    try await ledger.write { tx throws(LedgerError) in
      try tx.insertTurn(Fixture.turn("a", at: Fixture.t0))
      try tx.putPhaseHead(PhaseRecord(turn: "a", name: "cast", ordinal: 0, batches: ["ignored"], updatedAt: Fixture.t0))
      try tx.putPhase(PhaseRecord(turn: "a", name: "media", ordinal: 1, batches: ["m1", "m2"], updatedAt: Fixture.t0))
      for id in ids { guard try tx.addPhaseBatch(id, turn: "a", phase: "cast") else { throw .invalidRecord(what: "check", reason: "not added") } }
      guard try !tx.addPhaseBatch(ids[7], turn: "a", phase: "cast") else {
        throw .invalidRecord(what: "check", reason: "a batch id added twice")
      }
      try tx.putPhaseHead(PhaseRecord(turn: "a", name: "cast", ordinal: 0, planned: true, state: .dispatched, updatedAt: Fixture.t0))
    }
    let (phases, head, none) = try await ledger.read { tx throws(LedgerError) in
      (try tx.phases(turn: "a"), try tx.phaseHead(turn: "a", name: "cast"), try tx.phaseHead(turn: "a", name: "nope"))
    }
    let heads = try await ledger.read { tx throws(LedgerError) in try tx.phaseHeads(turn: "a") }
    let stripped = phases.map { phase in
      var head = phase
      head.batches = []
      return head
    }
    try expect(heads == stripped, "phaseHeads: the phases without their batches: \(heads.map(\.name)), \(heads.map(\.batches.count))")
    try expect(phases.map(\.name) == ["cast", "media"], "phases: \(phases.map(\.name))")
    try expect(phases[0].batches == ids, "batches in the order added, each once: \(phases[0].batches.prefix(5))…")
    try expect(phases[0].planned && phases[0].state == .dispatched, "putPhaseHead replaces the fields: \(phases[0].state)")
    try expect(phases[1].batches == ["m1", "m2"], "putPhase stores its batches: \(phases[1].batches)")
    try expect(head?.batchCount == 300 && head?.phase.batches == [] && head?.phase.state == .dispatched && none == nil,
               "phaseHead: \(String(describing: head?.batchCount)), \(String(describing: none))")
    try await expectError("ledger.not_found") {
      try await ledger.write { tx throws(LedgerError) in try tx.addPhaseBatch("x", turn: "a", phase: "nope") }
    }
    try await expectError(forcedRollback.code) {
      try await ledger.write { tx throws(LedgerError) in
        try tx.addPhaseBatch("late", turn: "a", phase: "media")
        try tx.putPhase(PhaseRecord(turn: "a", name: "new", ordinal: 2, batches: ["n1"], updatedAt: Fixture.t0))
        throw forcedRollback
      }
    }
    try await ledger.write { tx throws(LedgerError) in
      try tx.putPhase(PhaseRecord(turn: "a", name: "media", ordinal: 1, batches: ["m3"], updatedAt: Fixture.t0))
      try tx.addPhaseBatch("m4", turn: "a", phase: "media")
    }
    let after = try await ledger.read { tx throws(LedgerError) in try tx.phases(turn: "a") }
    try expect(after.map(\.name) == ["cast", "media"] && after[1].batches == ["m3", "m4"],
               "putPhase replaces the batches; a rolled-back append is gone: \(after.map(\.batches))")
  }

  static func serialisable(_ ledger: any DispatchLedger) async throws {
    try await ledger.write { tx throws(LedgerError) in try tx.insertTurn(Fixture.turn("t1")) }
    let writers = 24
    try await withThrowingTaskGroup(of: Void.self) { group in
      for i in 0..<writers {
        group.addTask {
          try await ledger.write { tx throws(LedgerError) in
            var turn = try tx.turn("t1")!
            turn.updatedAt = turn.updatedAt + .milliseconds(1)
            try tx.updateTurn(turn)
            try tx.appendEvent(LedgerEvent(turn: "t1", at: Fixture.t0, kind: "w\(i)"))
          }
        }
      }
      try await group.waitForAll()
    }
    let (turn, events) = try await ledger.read { tx throws(LedgerError) in
      (try tx.turn("t1")!, try tx.events(turn: "t1", after: 0))
    }
    try expect(turn.revision == writers && turn.updatedAt == Fixture.t0 + .milliseconds(Int64(writers)),
               "\(writers) read-modify-write bodies: revision \(turn.revision), \(turn.updatedAt)")
    try expect(Set(events.map(\.sequence)).count == writers, "every event has its own sequence")
  }

  static func insertRace(_ ledger: any DispatchLedger) async throws {
    try await ledger.write { tx throws(LedgerError) in
      try tx.insertTurn(Fixture.turn("t1"))
      try tx.insertTurn(Fixture.turn("t2"))
    }
    let racers = 8
    let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
      for i in 0..<racers {
        group.addTask {
          do {
            try await ledger.write { tx throws(LedgerError) in
              try tx.insertAction(Fixture.action("s1", turn: i % 2 == 0 ? "t1" : "t2",
                                                 scope: .project(Fixture.project), payload: ["racer": .number(JSONNumber(i))]))
            }
            return true
          } catch let error as LedgerError {
            guard case .duplicateKey = error else { throw error }
            return false
          }
        }
      }
      var wins = 0
      for try await won in group where won { wins += 1 }
      return wins
    }
    try expect(wins == 1, "exactly one of \(racers) concurrent inserts of one key wins: \(wins)")
  }
}
