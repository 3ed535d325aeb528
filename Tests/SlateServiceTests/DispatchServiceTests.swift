#if canImport(Glibc)
  import Glibc
#endif
import Logging
import ServiceLifecycle
import ServiceLifecycleTestKit
import SlateDispatch
import SlateJSON
import SlateSchema
import SlateService
import Synchronization
import Testing

/// `DispatchService`: a sweep recovers a stale turn; graceful shutdown (the test kit's
/// trigger, and a real SIGTERM through a `ServiceGroup`) lets the sweep in progress finish
/// and starts no other.
@Suite(.serialized) struct DispatchServiceTests {
  static let pack = #"""
    { "name": "support", "version": "1", "x-slate-discriminator": "type",
      "x-slate-actions": { "create_ticket": {
        "type": "object", "required": ["id", "title"], "additionalProperties": false,
        "properties": { "id": { "type": "string" }, "title": { "type": "string" } },
        "x-slate-key": { "fields": ["/id"] }, "x-slate-queue": "ticket" } } }
    """#

  struct TicketHandler: ActionHandler {
    var idempotentByKey: Bool { true }
    func handle(_ call: HandlerCall) async throws -> HandlerResult {
      HandlerResult(entities: [.init(table: call.queue, value: call.payload)])
    }
  }

  static func batch(_ ids: [String]) throws -> ActionBatch {
    let pack = try CompiledPack(bytes: Array(Self.pack.utf8))
    let items: [ActionBatch.Item] = try ids.map { id in
      let value = try SimdjsonParser().parse(#"{"type":"create_ticket","id":"\#(id)","title":"t"}"#)
      return .action(try pack.classify(value, metadata: ActionMetadata()).get())
    }
    return ActionBatch(phase: "answer", items: items)
  }

  /// A turn whose dispatcher declared three actions and died: no progress for a minute,
  /// then one sweep finalises it stale (`failed`, retry from start), recovers its actions
  /// and finalises it `completed`.
  @Test func aSweepRecoversATurnThatStoppedMakingProgress() async throws {
    let ledger = InMemoryLedger()
    let clock = ManualWallClock()
    let dead = Dispatcher(ledger: ledger, handlers: HandlerTable(fallback: TicketHandler()), clock: clock)
    try await dead.declare([try Self.batch(["T-1", "T-2", "T-3"])], turn: "t1")
    let sweeper = Dispatcher(ledger: ledger, handlers: HandlerTable(fallback: TicketHandler()), mode: .recover,
                             clock: clock)
    let sweep = DispatchService.Sweep.recoverStaleTurns(olderThan: .seconds(60))

    try await sweep.body(sweeper, Telemetry.silentLogger)
    #expect(try await sweeper.assess(turn: "t1").0.status == .running, "not stale yet: left alone")

    clock.advance(by: .seconds(61))
    try await sweep.body(sweeper, Telemetry.silentLogger)
    let (record, assessment) = try await sweeper.assess(turn: "t1")
    #expect(record.status == .completed)
    #expect(assessment.landed == 3)
    let applied = try await ledger.read { tx throws(LedgerError) in
      try tx.actions(turn: "t1").filter { $0.status == .applied }.count
    }
    #expect(applied == 3)
  }

  /// Counts sweeps; the first one waits for `release` after saying it started.
  final class Probe: Sendable {
    let sweeps = Mutex(0)
    let finished = Mutex(0)
    let started: AsyncStream<Void>
    let startedContinuation: AsyncStream<Void>.Continuation
    let release: AsyncStream<Void>
    let releaseContinuation: AsyncStream<Void>.Continuation

    init() {
      (started, startedContinuation) = AsyncStream.makeStream()
      (release, releaseContinuation) = AsyncStream.makeStream()
    }

    var sweep: DispatchService.Sweep {
      DispatchService.Sweep(name: "probe") { [self] _, _ in
        let n = sweeps.withLock { $0 += 1; return $0 }
        if n == 1 {
          startedContinuation.yield()
          for await _ in release { break }
          // Graceful shutdown does not cancel the sweep in progress.
          try Task.checkCancellation()
        }
        finished.withLock { $0 += 1 }
      }
    }

    func waitForStart() async { for await _ in started { return } }
  }

  static func service(_ probe: Probe) -> DispatchService {
    DispatchService(dispatcher: Dispatcher(ledger: InMemoryLedger(), handlers: HandlerTable(fallback: TicketHandler())),
                    configuration: .init(interval: .seconds(3600), sweep: probe.sweep))
  }

  @Test func gracefulShutdownLetsTheSweepInProgressFinishAndStartsNoOther() async throws {
    let probe = Probe()
    try await testGracefulShutdown { trigger in
      let service = Self.service(probe)
      async let run: Void = service.run()
      await probe.waitForStart()
      trigger.triggerGracefulShutdown()
      probe.releaseContinuation.yield()
      try await run
    }
    #expect(probe.sweeps.withLock { $0 } == 1)
    #expect(probe.finished.withLock { $0 } == 1)
  }

  /// The wait between sweeps ends at once on graceful shutdown.
  @Test func gracefulShutdownEndsTheWaitBetweenSweeps() async throws {
    let probe = Probe()
    probe.releaseContinuation.yield()
    let clock = ContinuousClock()
    let started = clock.now
    try await testGracefulShutdown { trigger in
      let service = Self.service(probe)
      async let run: Void = service.run()
      await probe.waitForStart()
      while probe.finished.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(1)) }
      trigger.triggerGracefulShutdown()
      try await run
    }
    #expect(probe.sweeps.withLock { $0 } == 1)
    #expect(clock.now - started < .seconds(600), "did not sleep the hour between sweeps")
  }

  /// A real SIGTERM to this process, through a `ServiceGroup` that traps it: the sweep in
  /// progress finishes, the group returns normally.
  @Test func sigtermShutsAServiceGroupDownGracefully() async throws {
    let probe = Probe()
    let group = ServiceGroup(configuration: .init(
      services: [.init(service: Self.service(probe))], gracefulShutdownSignals: [.sigterm],
      logger: Telemetry.silentLogger))
    async let run: Void = group.run()
    // The group traps its signals before it starts its services: the sweep has started,
    // so SIGTERM is the group's.
    await probe.waitForStart()
    kill(getpid(), SIGTERM)
    try await Task.sleep(for: .milliseconds(50))
    probe.releaseContinuation.yield()
    try await run
    #expect(probe.sweeps.withLock { $0 } == 1)
    #expect(probe.finished.withLock { $0 } == 1)
  }
}
