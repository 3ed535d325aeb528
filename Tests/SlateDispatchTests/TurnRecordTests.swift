import SlateDispatch
import SlateJSON
import SlateSchema
import Testing

/// The turn state machine, stale-run finalisation and recoverability.
@Suite struct TurnRecordTests {
  static let allPairs: [(TurnStatus, TurnStatus)] = TurnStatus.allCases.flatMap { from in
    TurnStatus.allCases.map { (from, $0) }
  }

  static let valid: Set<String> = [
    "running>completed", "running>partially_completed", "running>failed", "running>timed_out", "running>stopped",
    "partially_completed>running", "partially_completed>completed", "partially_completed>stopped",
    "failed>running", "failed>stopped", "timed_out>running", "timed_out>stopped", "stopped>running",
  ]

  @Test(arguments: allPairs)
  func everyTransitionFollowsTheTable(_ from: TurnStatus, _ to: TurnStatus) throws {
    let t0 = Timestamp(milliseconds: 1000)
    var record = TurnRecord(id: "t1", project: "p", status: from, createdAt: t0)
    let before = record
    if Self.valid.contains(from.rawValue + ">" + to.rawValue) {
      try record.transition(to: to, at: t0 + .seconds(5), reason: "r")
      #expect(record.status == to && record.reason == "r")
      #expect(record.finishedAt == (to == .running ? nil : t0 + .seconds(5)))
      #expect(record.updatedAt == t0 + .seconds(5))
    } else {
      #expect(throws: DispatchError.invalidTransition(turn: "t1", from: from, to: to)) {
        try record.transition(to: to, at: t0 + .seconds(5))
      }
      #expect(record == before, "an invalid transition changes nothing")
      #expect(DispatchError.invalidTransition(turn: "t1", from: from, to: to).code == "turn.invalid_transition")
    }
  }

  @Test func theTableIsTheOnlySourceOfTransitions() {
    var count = 0
    for (from, targets) in TurnStatus.transitions {
      for to in targets {
        #expect(Self.valid.contains(from.rawValue + ">" + to.rawValue))
        count += 1
      }
    }
    #expect(count == Self.valid.count)
    #expect(TurnStatus.allCases.filter(\.isTerminal) == [.completed])
  }

  @Test func staleRunningTurnsAreFinalisedByWhatLanded() async throws {
    let ledger = InMemoryLedger()
    let clock = TestClock()
    let dispatcher = makeDispatcher(ledger: ledger, clock: clock)
    // t1: the plan and the cast landed, then the stream stopped.
    let batches = try sampleBatches()
    _ = try await dispatchAll(dispatcher, Array(batches.prefix(2)), turn: "t1")
    // t2: nothing but the plan landed.
    _ = try await dispatchAll(dispatcher, Array(batches.prefix(1)), turn: "t2")
    clock.wall.advance(by: .seconds(300))
    // t3: recent progress.
    _ = try await dispatchAll(dispatcher, Array(batches.prefix(2)), turn: "t3")
    clock.wall.advance(by: .seconds(60))

    let ended = try await dispatcher.finalizeStale(olderThan: .seconds(300))
    #expect(ended.map(\.id) == ["t1", "t2"])
    #expect(ended[0].status == .partiallyCompleted && ended[0].reason == "turn.stale")
    #expect(ended[0].recoverability == .resumeFromPhase("design"))
    #expect(ended[1].status == .failed && ended[1].recoverability == .retryFromStart)
    let t3 = try await read(ledger) { tx throws(LedgerError) in try tx.turn("t3")! }
    #expect(t3.status == .running)
    // Ending a turn appends a transition event.
    let events = try await read(ledger) { tx throws(LedgerError) in try tx.events(turn: "t1", after: 0).map(\.kind) }
    #expect(events.last == "turn.transition")
    // Finalising a finished turn to the status it has is not an error (a racing process
    // did it first): it changes nothing; to another status it is.
    let again = try await dispatcher.finalize(turn: "t1")
    #expect(again.status == .partiallyCompleted && again.revision == ended[0].revision)
    #expect(try await read(ledger) { tx throws(LedgerError) in try tx.events(turn: "t1", after: 0).map(\.kind) } == events)
    await #expect(throws: DispatchError.invalidTransition(turn: "t1", from: .partiallyCompleted, to: .failed)) {
      try await dispatcher.finalize(turn: "t1", as: .failed)
    }
    // In live mode a batch into the ended turn applies nothing …
    let live = try await dispatcher.dispatch(batches[2], turn: "t1")
    #expect(live.entries.count == 4)
    #expect(live.orderedEntries.allSatisfy { $0.outcome.code == "dispatch.turn_not_running" && $0.outcome.retryable })
    let declared = try await read(ledger) { tx throws(LedgerError) in try tx.actions(turn: "t1").count }
    #expect(declared == 4, "the plan and the cast only: nothing was declared into the ended turn")
    // … in recover mode the turn goes back to running, and the batches complete it.
    let resumer = makeDispatcher(ledger: ledger, clock: clock, mode: .recover)
    _ = try await dispatchAll(resumer, batches, turn: "t1")
    let resumedEvents = try await read(ledger) { tx throws(LedgerError) in try tx.events(turn: "t1", after: 0) }
    #expect(resumedEvents.contains { $0.kind == "turn.transition" && $0.detail["to"] == "running" })
    #expect(try await resumer.finalize(turn: "t1").status == .completed)
  }

  @Test func recoverabilityOfAPartialTurn() throws {
    let t0 = Timestamp(milliseconds: 0)
    let plan = [PlannedPhase(name: "cast"), PlannedPhase(name: "scenes"), PlannedPhase(name: "media")]
    let turn = TurnRecord(id: "t", project: "p", createdAt: t0, plan: plan)
    func action(_ name: String, _ phase: String, _ status: ActionStatus, effects: [String] = [],
                outcome: Outcome? = nil, ordinal: Int) -> ActionRecord
    {
      ActionRecord(scope: .turn("t"), key: ActionKey(hex: name, namespace: "q", readable: name, canonicalBytes: []),
                   turn: "t", phase: phase, ordinal: ordinal, type: "x", queue: "q", payload: nil, effects: effects,
                   status: status, outcome: outcome, declaredAt: t0)
    }
    let phases = plan.enumerated().map { PhaseRecord(turn: "t", name: $0.element.name, ordinal: $0.offset, planned: true,
                                                     updatedAt: t0) }
    // Only media remains: continue media routing.
    let mediaLeft = TurnAssessment(turn: turn, actions: [
      action("a", "cast", .applied, ordinal: 0), action("b", "scenes", .applied, ordinal: 1),
      action("c", "media", .applied, effects: ["image"], ordinal: 2),
      action("d", "media", .declared, effects: ["video"], ordinal: 3),
    ], phases: phases, effects: [])
    #expect(mediaLeft.status == .partiallyCompleted && mediaLeft.recoverability == .continueEffects)
    // A scene failed for now: resume from its phase.
    let sceneLeft = TurnAssessment(turn: turn, actions: [
      action("a", "cast", .applied, ordinal: 0),
      action("b", "scenes", .failed, outcome: .failed(code: "x", message: "", retryable: true, attempts: 3), ordinal: 1),
      action("c", "media", .applied, effects: ["image"], ordinal: 2),
    ], phases: phases, effects: [])
    #expect(sceneLeft.recoverability == .resumeFromPhase("scenes"))
    // A planned phase never landed: resume from it.
    let notLanded = TurnAssessment(turn: turn, actions: [action("a", "cast", .applied, ordinal: 0)], phases: phases,
                                   effects: [])
    #expect(notLanded.phasesNotLanded == ["scenes", "media"] && notLanded.recoverability == .resumeFromPhase("scenes"))
    // Only an operator can settle what is left.
    let stuck = TurnAssessment(turn: TurnRecord(id: "t", project: "p", createdAt: t0), actions: [
      action("a", "cast", .applied, ordinal: 0),
      action("b", "cast", .ambiguous, outcome: .ambiguous(code: "x", message: "", retryable: false, attempts: 1),
             ordinal: 1),
    ], phases: [], effects: [])
    #expect(stuck.status == .partiallyCompleted && stuck.recoverability == Recoverability.none)
    #expect(stuck.stuck.count == 1)
    // Nothing landed.
    let nothing = TurnAssessment(turn: turn, actions: [action("a", "cast", .declared, ordinal: 0)], phases: phases,
                                 effects: [])
    #expect(nothing.status == .failed && nothing.recoverability == .retryFromStart)
  }

  @Test func recoverabilityCodesRoundTrip() {
    for value in [Recoverability.retryFromStart, .resumeFromPhase("scenes"), .continueEffects, .none] {
      #expect(Recoverability(code: value.code) == value)
    }
    // Ledgers written before the generic wording stored this code.
    #expect(Recoverability(code: "continue_media_routing") == .continueEffects)
    #expect(Recoverability(code: "bogus") == nil)
  }
}
