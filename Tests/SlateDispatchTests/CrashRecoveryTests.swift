import SlateFilm
import SlateDispatch
import SlateJSON
import SlateSchema
import Testing

/// Exactly once across crashes and races: the ledger's outbox and project tables after a
/// crash at every handler call, after seeded fault drills, and after four dispatchers race
/// on one turn.
@Suite struct CrashRecoveryTests {
  /// The handler calls of the sample turn without faults (the plan is applied by the
  /// dispatcher, not by a handler).
  static let callsPerTurn = 19

  /// What exactly once means in the ledger, for the sample turn.
  static func expectExactlyOnce(_ ledger: any DispatchLedger, turn: TurnID, _ context: String) async throws {
    let (actions, effects, rows) = try await read(ledger) { tx throws(LedgerError) in
      (try tx.actions(turn: turn), try tx.effects(turn: turn), try tx.entities(project: "film", table: nil))
    }
    // Every valid action applied, each (key, version) exactly once.
    #expect(actions.count == 19, "\(context)")
    #expect(actions.allSatisfy { $0.status == .applied }, "\(context): \(actions.filter { $0.status != .applied }.map(\.key))")
    let applied = try await appliedCounts(ledger, turn: turn)
    #expect(applied.count == 20, "\(context): 19 keys, scene:s2 at two versions: \(applied.count)")
    #expect(applied.values.allSatisfy { $0 == 1 }, "\(context): \(applied.filter { $0.value != 1 })")
    // Every effect in the outbox exactly once: one job per (action, kind), eight in all.
    #expect(effects.count == 8, "\(context)")
    #expect(Set(effects.map(\.key)).count == 8, "\(context)")
    #expect(Set(effects.map { $0.action.hex + "/" + $0.kind }).count == 8, "\(context)")
    // One row per entity; the upserted scene at revision 1 with both versions' fields.
    #expect(rows.count == 11, "\(context)")
    let s2 = rows.first { $0.readable == "scene:s2" }
    #expect(s2?.revision == 1 && s2?.value["title"] == "Into the vault" && s2?.value["mood"] == "tense", "\(context)")
    #expect(rows.filter { $0.readable != "scene:s2" }.allSatisfy { $0.revision == 0 }, "\(context)")
  }

  @Test func theFaultFreeTurnMakesTheExpectedNumberOfCalls() async throws {
    let ledger = InMemoryLedger()
    let injector = FaultInjector(plan: FaultPlan())
    let dispatcher = makeDispatcher(ledger: ledger, handlers: injector.wrap(FilmHandler.table()), clock: TestClock())
    _ = try await dispatchAll(dispatcher, try sampleBatches(), turn: "t1")
    #expect(injector.calls == Self.callsPerTurn)
    try await Self.expectExactlyOnce(ledger, turn: "t1", "no crash")
  }

  /// For every N, the process dies right after handler call N (before it records the
  /// outcome); a new process recovers the turn from the ledger, then replays the batches.
  @Test(arguments: 1...callsPerTurn)
  func aCrashAfterAnyHandlerCallIsRecoveredExactlyOnce(_ n: Int) async throws {
    let ledger = InMemoryLedger()
    let clock = TestClock()
    let batches = try sampleBatches()
    let injector = FaultInjector(plan: FaultPlan(crashAfter: n))
    let doomed = makeDispatcher(ledger: ledger, handlers: injector.wrap(FilmHandler.table()), clock: clock,
                                configuration: .init(project: "film", holder: "doomed"))
    await #expect(throws: SimulatedCrash(afterCall: n)) {
      _ = try await dispatchAll(doomed, batches, turn: "t1")
    }
    let crashed = try await read(ledger) { tx throws(LedgerError) in try tx.actions(turn: "t1") }
    #expect(crashed.filter { $0.status == .inProgress }.count == 1, "the action in flight stays leased")

    // Time passes; another process starts and recovers.
    clock.wall.advance(by: RetryPolicy.default.leaseDuration)
    let rescuer = makeDispatcher(ledger: ledger, clock: clock, mode: .recover,
                                 configuration: .init(project: "film", holder: "rescuer"))
    let recovered = try await rescuer.recover(turn: "t1")
    let replayed = try await dispatchAll(rescuer, batches, turn: "t1")
    let merged = recovered.merging(replayed)
    #expect(merged.entries.count == 19)
    #expect(merged.entries.values.allSatisfy { $0.outcome.kind == .applied || $0.outcome.kind == .duplicate })
    try await Self.expectExactlyOnce(ledger, turn: "t1", "crash after call \(n)")
    let turn = try await rescuer.finalize(turn: "t1")
    #expect(turn.status == .completed)
  }

  /// Seeded drills: transient failures and lost answers on top of a crash; then recovery
  /// runs under the same faults (without the crash) until the turn completes.
  @Test(arguments: [(UInt64(1), 3), (2, 7), (3, 12), (4, 17), (5, 25)])
  func seededFaultDrillsEndExactlyOnce(_ seed: UInt64, _ crashAfter: Int) async throws {
    let ledger = InMemoryLedger()
    let clock = TestClock()
    let batches = try sampleBatches()
    let plan = FaultPlan(crashAfter: crashAfter, transientRate: 0.3, timeoutRate: 0.2, seed: seed)
    let injector = FaultInjector(plan: plan)
    let policy = RetryPolicy(maxAttempts: 3)
    let doomed = makeDispatcher(ledger: ledger, handlers: injector.wrap(FilmHandler.table()), clock: clock,
                                policy: policy, configuration: .init(project: "film", holder: "doomed"))
    do {
      _ = try await dispatchAll(doomed, batches, turn: "t1")
    } catch let crash as SimulatedCrash {
      #expect(crash.afterCall == crashAfter)
    }
    var faults = plan
    faults.crashAfter = nil
    let flaky = FaultInjector(plan: faults)
    for round in 1...10 {
      clock.wall.advance(by: policy.leaseDuration)
      let rescuer = makeDispatcher(ledger: ledger, handlers: flaky.wrap(FilmHandler.table()), clock: clock,
                                   mode: .recover, policy: policy,
                                   configuration: .init(project: "film", holder: "rescuer-\(round)"))
      _ = try await rescuer.recover(turn: "t1")
      _ = try await dispatchAll(rescuer, batches, turn: "t1")
      let (_, assessment) = try await rescuer.assess(turn: "t1")
      if assessment.isComplete { break }
    }
    try await Self.expectExactlyOnce(ledger, turn: "t1", "seed \(seed), crash after \(crashAfter)")
  }

  /// Four dispatchers (four processes) dispatch the same turn at once into one ledger.
  ///
  /// Their clock stands still (a ``ManualWallClock`` no one moves): no lease expires and
  /// no budget runs out however long a starved task waits, so a racer meets another's
  /// lease only while it is held and waits (real sleeps) until its holder records the
  /// outcome; only the interleaving is left to the scheduler.
  @Test(arguments: 1...3)
  func fourDispatchersRacingOnOneTurnApplyEachActionOnce(_ round: Int) async throws {
    let ledger = InMemoryLedger()
    let clock = ManualWallClock()
    let batches = try sampleBatches()
    // Each call takes a moment, so racers meet actions another one holds.
    let counter = CountingHandler(SlowHandler())
    let waits = SharedCounter()
    let results = try await withThrowingTaskGroup(of: DispatchResult.self) { group in
      for i in 0..<4 {
        group.addTask {
          let dispatcher = Dispatcher(
            ledger: ledger, handlers: .film(counter), policy: RetryPolicy(leasePollInterval: .milliseconds(1)),
            configuration: .init(project: "film", holder: "racer-\(i)", seed: UInt64(round * 10 + i)), clock: clock,
            sleep: { duration in
              waits.increment()
              try await Task.sleep(for: duration)
            })
          return try await dispatchAll(dispatcher, batches, turn: "t1")
        }
      }
      var all: [DispatchResult] = []
      for try await result in group { all.append(result) }
      return all
    }
    try await Self.expectExactlyOnce(ledger, turn: "t1", "race round \(round)")
    #expect(counter.total == Self.callsPerTurn, "each call made once: no lease was taken over")
    // Each key's version applied by one racer: a key upserted to a second version may be
    // applied (its new version) by another racer than its first, which depends on timing.
    let upserted = try await ledger.read { tx throws(LedgerError) in try tx.actions(turn: "t1").filter { $0.versions.count > 1 }.count }
    let applied = results.map { $0.counts[.applied] ?? 0 }.reduce(0, +)
    #expect(applied >= 19 && applied <= 19 + upserted, "each key's version applied by one racer")
    #expect(waits.value > 0, "racers met actions another racer held, and waited")
    let merged = DispatchResult.merge(results)
    #expect(merged.counts == [.applied: 19])
    #expect(results.allSatisfy { $0.entries.count == 19 }, "every racer reports every key")
  }
}

/// The film handler, after a short real pause.
struct SlowHandler: ActionHandler {
  var idempotentByKey: Bool { true }

  func handle(_ call: HandlerCall) async throws -> HandlerResult {
    try await Task.sleep(for: .milliseconds(2))
    return try await FilmHandler().handle(call)
  }
}
