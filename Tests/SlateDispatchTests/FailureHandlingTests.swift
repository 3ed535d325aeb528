import SlateFilm
import SlateDispatch
import SlateJSON
import SlateSchema
import Synchronization
import Testing

/// Retries, classification, the circuit breaker, budgets and leases.
@Suite struct FailureHandlingTests {
  static let scene = #"{"type":"create_scene","scene_id":"s1","title":"The pitch"}"#

  func batch(_ texts: String...) throws -> ActionBatch {
    ActionBatch(phase: "scenes", items: try texts.map { .action(try filmAction($0)) })
  }

  func outcome(_ handler: ScriptedHandler, policy: RetryPolicy = .default, clock: TestClock = TestClock(),
               ledger: InMemoryLedger = InMemoryLedger()) async throws -> Outcome
  {
    let dispatcher = makeDispatcher(ledger: ledger, handlers: .film(handler), clock: clock, policy: policy)
    let result = try await dispatcher.dispatch(try batch(Self.scene), turn: "t1")
    return try #require(result.orderedEntries.first?.outcome)
  }

  @Test func transientFailuresAreRetriedWithFullJitterBackoff() async throws {
    let clock = TestClock()
    let handler = ScriptedHandler([.fail(.transient(code: "http.503", message: "busy")),
                                   .fail(.transient(code: "http.503", message: "busy")), .succeed])
    let policy = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(100), maxDelay: .seconds(1))
    let result = try await outcome(handler, policy: policy, clock: clock)
    #expect(result.kind == .applied && result.attempts == 3)
    #expect(handler.calls.map(\.attempt) == [1, 2, 3])
    #expect(Set(handler.calls.map(\.key.readable)) == ["scene:s1"], "every call carries the key")
    #expect(clock.sleeps.count == 2)
    #expect(clock.sleeps[0] <= .milliseconds(100) && clock.sleeps[1] <= .milliseconds(200))
  }

  @Test func jitterIsUniformUnderACeilingThatDoublesToTheMaximum() {
    let policy = RetryPolicy(baseDelay: .milliseconds(100), maxDelay: .milliseconds(1000))
    #expect((1...6).map { policy.ceiling(retry: $0) } == [.milliseconds(100), .milliseconds(200), .milliseconds(400),
                                                           .milliseconds(800), .milliseconds(1000), .milliseconds(1000)])
    #expect(policy.ceiling(retry: 10_000) == .milliseconds(1000))
    var random = SplitMix64(seed: 7)
    let draws = (0..<2000).map { _ in policy.delay(retry: 3, random: &random) }
    #expect(draws.allSatisfy { $0 >= .zero && $0 <= .milliseconds(400) })
    // Full jitter: the draws spread over the whole window, not bunched at its top.
    #expect(draws.filter { $0 < .milliseconds(100) }.count > 300)
    #expect(draws.filter { $0 > .milliseconds(300) }.count > 300)
    #expect(policy.delay(retry: 1, retryAfter: .seconds(5), random: &random) == .seconds(5))
  }

  @Test func transientFailuresStopAtTheAttemptBudgetAndStayRetryable() async throws {
    let handler = ScriptedHandler([.fail(.transient(code: "http.503", message: "busy"))])
    let result = try await outcome(handler, policy: RetryPolicy(maxAttempts: 3))
    #expect(handler.calls.count == 3)
    #expect(result.kind == .failed && result.retryable && result.code == "http.503" && result.attempts == 3)
  }

  @Test func transientFailuresStopAtTheTimeBudget() async throws {
    let handler = ScriptedHandler([.fail(.transient(code: "rate", message: "slow down", retryAfter: .seconds(20)))])
    let result = try await outcome(handler, policy: RetryPolicy(maxAttempts: 10, maxElapsed: .seconds(45)))
    // 20 s after the first call, 20 s after the second; a third pause would pass 45 s.
    #expect(handler.calls.count == 3)
    #expect(result.kind == .failed && result.retryable)
  }

  @Test func permanentFailuresFailAtOnce() async throws {
    let ledger = InMemoryLedger()
    let handler = ScriptedHandler([.fail(.permanent(code: "http.400", message: "bad prompt"))])
    let result = try await outcome(handler, ledger: ledger)
    #expect(handler.calls.count == 1)
    #expect(result.kind == .failed && !result.retryable && result.code == "http.400")
    // A replay does not call again: the recorded failure is returned.
    let again = makeDispatcher(ledger: ledger, handlers: .film(handler), clock: TestClock())
    let replay = try await again.dispatch(try batch(Self.scene), turn: "t1")
    #expect(handler.calls.count == 1)
    #expect(replay.orderedEntries.first?.outcome.kind == .failed)
    #expect(replay.orderedEntries.first?.outcome.code == "http.400")
  }

  @Test func ambiguousOutcomesOfANonIdempotentHandlerAreLeftToAnOperator() async throws {
    let ledger = InMemoryLedger()
    let handler = ScriptedHandler(idempotent: false, [.fail(.ambiguous(code: "http.timeout", message: "no answer")),
                                                      .succeed])
    let result = try await outcome(handler, ledger: ledger)
    #expect(handler.calls.count == 1)
    #expect(result.kind == .ambiguous && !result.retryable && result.code == "http.timeout")
    let record = try await read(ledger) { tx throws(LedgerError) in try tx.actions(turn: "t1").first! }
    #expect(record.status == .ambiguous && record.lease == nil)
    // Neither a replay nor a recovery calls again.
    let again = makeDispatcher(ledger: ledger, handlers: .film(handler), clock: TestClock(), mode: .recover)
    _ = try await again.dispatch(try batch(Self.scene), turn: "t1")
    let recovered = try await again.recover(turn: "t1")
    #expect(handler.calls.count == 1)
    #expect(recovered.orderedEntries.first?.outcome.kind == .ambiguous)
    let finding = try #require(IntegrityAudit.run(plan: [], result: recovered).first)
    #expect(finding.code == "audit.ambiguous" && finding.severity == .error)
    #expect(finding.message == "scene:s1 may or may not have been applied: the call went out and no answer came "
      + "(http.timeout: no answer); an operator must check it.")
  }

  @Test func ambiguousOutcomesOfAnIdempotentHandlerAreResolvedWithTheSameKey() async throws {
    let handler = ScriptedHandler(idempotent: true, [.fail(.ambiguous(code: "http.timeout", message: "no answer")),
                                                     .succeed])
    let result = try await outcome(handler)
    #expect(result.kind == .applied && result.attempts == 2)
    #expect(handler.calls.map(\.resolvingAmbiguity) == [false, true])
    #expect(handler.calls[0].key == handler.calls[1].key)
  }

  @Test func unclassifiedErrorsAreAmbiguous() async throws {
    let handler = ScriptedHandler(idempotent: false, [.throwError("socket closed")])
    let result = try await outcome(handler)
    #expect(result.kind == .ambiguous && result.code == "handler.unclassified" && result.message == "socket closed")
  }

  @Test func aMissingHandlerFailsPermanently() async throws {
    let dispatcher = makeDispatcher(ledger: InMemoryLedger(), handlers: HandlerTable(), clock: TestClock())
    let result = try await dispatcher.dispatch(try batch(Self.scene), turn: "t1")
    #expect(result.orderedEntries.first?.outcome.code == "dispatch.no_handler")
    #expect(result.orderedEntries.first?.outcome.retryable == false)
  }

  @Test func theCircuitOpensAfterRepeatedFailuresAndClosesAfterATrial() async throws {
    let clock = TestClock()
    let handler = ScriptedHandler([.fail(.transient(code: "http.503", message: "down")),
                                   .fail(.transient(code: "http.503", message: "down")), .succeed])
    let configuration = Dispatcher.Configuration(project: "film", breakerThreshold: 2, breakerCooldown: .seconds(60))
    let dispatcher = makeDispatcher(ledger: InMemoryLedger(), handlers: HandlerTable(byQueue: ["scene": handler]),
                                    clock: clock, policy: RetryPolicy(maxAttempts: 2), configuration: configuration)
    let first = try await dispatcher.dispatch(try batch(Self.scene, #"{"type":"create_scene","scene_id":"s2","title":"B"}"#),
                                              turn: "t1")
    let outcomes = first.orderedEntries.map(\.outcome)
    #expect(outcomes.map(\.code) == ["http.503", "dispatch.circuit_open"])
    #expect(outcomes[1].attempts == 0 && outcomes[1].retryable)
    #expect(handler.calls.count == 2)
    #expect(await dispatcher.breaker("queue:scene")?.isOpen == true)
    // After the cooldown one trial goes through; it succeeds and closes the circuit.
    clock.wall.advance(by: .seconds(61))
    let later = try await dispatcher.dispatch(try batch(#"{"type":"create_scene","scene_id":"s2","title":"B"}"#),
                                              turn: "t1")
    #expect(later.orderedEntries.first?.outcome.kind == .applied)
    #expect(await dispatcher.breaker("queue:scene")?.state == .closed(failures: 0))
  }

  @Test func theBreakerStateMachine() {
    var breaker = CircuitBreaker(failureThreshold: 2, cooldown: .seconds(10))
    let t0 = Timestamp(milliseconds: 0)
    func allow(_ seconds: Int64) -> Bool { breaker.allow(at: t0 + .seconds(seconds)) }
    #expect(allow(0))
    breaker.recordFailure(at: t0)
    #expect(breaker.state == .closed(failures: 1))
    breaker.recordFailure(at: t0)
    #expect(breaker.state == .open(until: t0 + .seconds(10)))
    let early = allow(9)
    #expect(!early)
    let trial = allow(10)
    let second = allow(10)
    #expect(trial && !second, "one trial at a time")
    breaker.recordFailure(at: t0 + .seconds(11))
    #expect(breaker.state == .open(until: t0 + .seconds(21)))
    #expect(allow(21))
    breaker.recordSuccess()
    #expect(breaker.state == .closed(failures: 0))
  }

  @Test func theActionAndCallBudgetsOfATurn() async throws {
    let busy = ScriptedHandler.Step.fail(.transient(code: "http.503", message: "busy"))
    let handler = ScriptedHandler([busy, .succeed, busy])
    let configuration = Dispatcher.Configuration(
      project: "film", budget: DispatchBudget(maxActions: 2, maxHandlerCalls: 3))
    let ledger = InMemoryLedger()
    let dispatcher = makeDispatcher(ledger: ledger, handlers: .film(handler), clock: TestClock(),
                                    configuration: configuration)
    let result = try await dispatcher.dispatch(try batch(
      Self.scene, #"{"type":"create_scene","scene_id":"s2","title":"B"}"#,
      #"{"type":"create_scene","scene_id":"s3","title":"C"}"#), turn: "t1")
    let codes = result.orderedEntries.map { $0.outcome.code ?? $0.outcome.kind.rawValue }
    // s1: a transient failure, then success (2 calls); s2: 1 call left, which fails
    // transiently; then the call budget is spent. s3: over the action budget, not declared.
    #expect(codes == ["applied", "dispatch.budget_calls", "dispatch.budget_actions"])
    #expect(handler.calls.count == 3)
    let declared = try await read(ledger) { tx throws(LedgerError) in try tx.actions(turn: "t1").count }
    #expect(declared == 2)
    #expect(IntegrityAudit.run(plan: [], result: result).contains { $0.code == "audit.budget" })
  }

  @Test func theTimeBudgetEndsTheTurnAsTimedOut() async throws {
    let clock = TestClock()
    let handler = ScriptedHandler([.fail(.transient(code: "http.503", message: "busy", retryAfter: .seconds(40)))])
    let configuration = Dispatcher.Configuration(project: "film", budget: DispatchBudget(maxDuration: .seconds(60)))
    let dispatcher = makeDispatcher(ledger: InMemoryLedger(), handlers: .film(handler), clock: clock,
                                    policy: RetryPolicy(maxAttempts: 10, maxElapsed: .seconds(600)),
                                    configuration: configuration)
    let result = try await dispatcher.dispatch(try batch(Self.scene, #"{"type":"create_scene","scene_id":"s2","title":"B"}"#),
                                               turn: "t1")
    #expect(result.orderedEntries.map(\.outcome.code) == ["dispatch.budget_time", "dispatch.budget_time"])
    #expect(result.notes.contains("dispatch.budget_time"))
    let record = try await dispatcher.finalize(turn: "t1")
    #expect(record.status == .timedOut && record.recoverability == .retryFromStart)
  }

  @Test func aLiveLeaseIsWaitedForAndAnExpiredOneTakenOver() async throws {
    let ledger = InMemoryLedger()
    let clock = TestClock()
    let action = try filmAction(Self.scene)
    // A dispatcher that died after taking the lease.
    let dead = makeDispatcher(ledger: ledger, clock: clock, configuration: .init(project: "film", holder: "dead"))
    try await dead.begin(turn: "t1")
    let now = clock.wall.now()
    try await ledger.write { tx throws(LedgerError) in
      try tx.insertAction(ActionRecord(scope: .turn("t1"), key: ActionKey(action.key), turn: "t1", phase: "scenes",
                                       type: action.type, queue: action.queue, payload: action.payload, declaredAt: now))
      _ = try tx.acquireLease(scope: .turn("t1"), key: action.key.hex, holder: "dead", now: now, duration: .seconds(30))
    }
    let handler = ScriptedHandler(idempotent: true)
    let live = makeDispatcher(ledger: ledger, handlers: .film(handler), clock: clock,
                              policy: RetryPolicy(leasePollInterval: .seconds(1)),
                              configuration: .init(project: "film", holder: "live"))
    let result = try await live.dispatch(ActionBatch(phase: "scenes", items: [.action(action)]), turn: "t1")
    #expect(result.orderedEntries.first?.outcome.kind == .applied)
    #expect(clock.sleeps.reduce(Duration.zero, +) >= .seconds(30), "it waited for the lease to expire")
    #expect(handler.calls.first?.resolvingAmbiguity == true, "the dead holder may have called")
    #expect(handler.calls.first?.fencingToken == 2)
    let record = try await read(ledger) { tx throws(LedgerError) in try tx.actions(turn: "t1").first! }
    #expect(record.status == .applied && record.fencingToken == 2)
  }

  @Test func anExpiredLeaseOfANonIdempotentHandlerBecomesAmbiguous() async throws {
    let ledger = InMemoryLedger()
    let clock = TestClock()
    let action = try filmAction(Self.scene)
    let now = clock.wall.now()
    try await makeDispatcher(ledger: ledger, clock: clock).begin(turn: "t1")
    try await ledger.write { tx throws(LedgerError) in
      try tx.insertAction(ActionRecord(scope: .turn("t1"), key: ActionKey(action.key), turn: "t1", type: action.type,
                                       queue: action.queue, payload: action.payload, declaredAt: now))
      _ = try tx.acquireLease(scope: .turn("t1"), key: action.key.hex, holder: "dead", now: now, duration: .seconds(30))
    }
    clock.wall.advance(by: .seconds(31))
    let handler = ScriptedHandler(idempotent: false)
    let live = makeDispatcher(ledger: ledger, handlers: .film(handler), clock: clock)
    let result = try await live.dispatch(ActionBatch(phase: "scenes", items: [.action(action)]), turn: "t1")
    #expect(handler.calls.isEmpty)
    #expect(result.orderedEntries.first?.outcome.code == "dispatch.lease_expired")
  }

  @Test func aLateWriterWhoseLeaseWasTakenOverWritesNothing() async throws {
    let ledger = InMemoryLedger()
    let clock = TestClock()
    let gate = Gate()
    let slow = GatedHandler(gate: gate)
    let action = try filmAction(Self.scene)
    let batch = ActionBatch(phase: "scenes", items: [.action(action)])
    let policy = RetryPolicy(leaseDuration: .seconds(30), leasePollInterval: .seconds(1))
    let a = makeDispatcher(ledger: ledger, handlers: .film(slow), clock: clock, policy: policy,
                           configuration: .init(project: "film", holder: "A"))
    let first = Task { try await a.dispatch(batch, turn: "t1") }
    await gate.waitUntilEntered()
    // A is inside its call; its lease expires; B takes the action over and applies it.
    clock.wall.advance(by: .seconds(31))
    let fast = CountingHandler()
    let b = makeDispatcher(ledger: ledger, handlers: .film(fast), clock: clock, policy: policy,
                           configuration: .init(project: "film", holder: "B"))
    let second = try await b.dispatch(batch, turn: "t1")
    #expect(second.orderedEntries.first?.outcome.kind == .applied)
    // A's call returns; its outcome is fenced out and it reports B's as a duplicate.
    await gate.open()
    let late = try await first.value
    #expect(late.orderedEntries.first?.outcome.kind == .duplicate)
    let (rows, events) = try await read(ledger) { tx throws(LedgerError) in
      (try tx.entities(project: "film", table: "scene"), try tx.events(turn: "t1", after: 0).map(\.kind))
    }
    #expect(rows.count == 1 && rows[0].revision == 0)
    #expect(events.filter { $0 == "action.applied" }.count == 1)
    #expect(events.contains("action.fenced"))
  }
}

/// Lets a test hold a handler inside its call.
actor Gate {
  private var entered = false
  private var opened = false
  private var enterWaiters: [CheckedContinuation<Void, Never>] = []
  private var openWaiters: [CheckedContinuation<Void, Never>] = []

  func enter() async {
    entered = true
    for waiter in enterWaiters { waiter.resume() }
    enterWaiters = []
    if opened { return }
    await withCheckedContinuation { openWaiters.append($0) }
  }

  func waitUntilEntered() async {
    if entered { return }
    await withCheckedContinuation { enterWaiters.append($0) }
  }

  func open() {
    opened = true
    for waiter in openWaiters { waiter.resume() }
    openWaiters = []
  }
}

struct GatedHandler: ActionHandler {
  let gate: Gate
  var idempotentByKey: Bool { true }

  func handle(_ call: HandlerCall) async throws -> HandlerResult {
    await gate.enter()
    return try await FilmHandler().handle(call)
  }
}
