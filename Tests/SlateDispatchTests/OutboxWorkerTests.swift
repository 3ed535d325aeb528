import SlateDispatch
import SlateJSON
import Synchronization
import Testing

/// ``OutboxWorker``: stopping (the call in flight finishes, the rest is released), the
/// failure classes, and a claim taken over while it waited.
@Suite struct OutboxWorkerTests {
  static let t0 = Timestamp(milliseconds: 1_700_000_000_000)

  /// A ledger with turn `t` and one entry per kind in `kinds`, named `e0`, `e1`, … .
  static func ledger(kinds: [String]) async throws -> (InMemoryLedger, [String]) {
    let ledger = InMemoryLedger()
    let entries = kinds.enumerated().map { index, kind in
      let action = ActionKey(hex: String(repeating: String(index % 10), count: 64), namespace: "scene",
                             readable: "scene:e\(index)", canonicalBytes: [])
      return EffectRecord(key: EffectRecord.key(action: action, kind: kind), kind: kind, turn: "t", project: "p",
                          action: action, payload: ["n": .number(JSONNumber(index))], createdAt: t0)
    }
    try await ledger.write { tx throws(LedgerError) in
      try tx.insertTurn(TurnRecord(id: "t", project: "p", scopeKind: .turn, createdAt: t0))
      for entry in entries { try tx.insertEffect(entry) }
    }
    return (ledger, entries.map(\.key))
  }

  /// Runs `body` for each effect and counts the runs by key.
  final class Handler: EffectHandler {
    let runs = Mutex<[String]>([])
    let body: @Sendable (EffectRecord, Int) async throws -> Void

    init(_ body: @escaping @Sendable (EffectRecord, Int) async throws -> Void = { _, _ in }) { self.body = body }

    func run(_ effect: EffectRecord) async throws {
      let count = runs.withLock { runs in
        runs.append(effect.key)
        return runs.count
      }
      try await body(effect, count)
    }
  }

  @Test func stoppingFinishesTheCallInFlightAndReleasesTheRest() async throws {
    let (ledger, keys) = try await Self.ledger(kinds: Array(repeating: "image", count: 10))
    let worker = Mutex<OutboxWorker?>(nil)
    let handler = Handler { _, count in
      if count == 3 { worker.withLock { $0?.stop() } }
    }
    let outbox = Outbox(ledger: ledger, holder: "w", clock: ManualWallClock(Self.t0))
    let made = OutboxWorker(outbox: outbox, handler: handler, configuration: .init(batch: 4))
    worker.withLock { $0 = made }
    let summary = try await made.run()
    #expect(summary.completed == 3 && summary.released == 1 && summary.failed == 0 && summary.fenced == 0, "\(summary)")
    #expect(handler.runs.withLock { $0 } == Array(keys.prefix(3)))
    let stored = try await ledger.read { tx throws(LedgerError) in try tx.effects(turn: "t") }
    #expect(stored.map(\.status) == Array(repeating: .done, count: 3) + Array(repeating: .pending, count: 7))
    #expect(stored[3].attempts == 0 && stored[3].lease == nil, "the released claim is not an attempt: \(stored[3])")
  }

  @Test func failuresAreRetriedWithinTheBudgetThenDead() async throws {
    let (ledger, keys) = try await Self.ledger(kinds: ["image", "video", "poster", "image"])
    let handler = Handler { effect, _ in
      switch effect.kind {
      case "video": throw HandlerFailure.permanent(code: "svc.400", message: "bad prompt")
      case "poster": throw HandlerFailure.transient(code: "svc.503", message: "busy")
      default: return
      }
    }
    let outbox = Outbox(ledger: ledger, holder: "w", clock: ManualWallClock(Self.t0),
                        policy: RetryPolicy(maxAttempts: 3, baseDelay: .zero))
    let summary = try await OutboxWorker(outbox: outbox, handler: handler, configuration: .init(untilEmpty: true)).run()
    #expect(summary.completed == 2 && summary.failed == 2 && summary.dead == 2, "\(summary)")
    let runs = handler.runs.withLock { $0 }
    #expect(runs.filter { $0 == keys[1] }.count == 1, "a permanent failure is not retried")
    #expect(runs.filter { $0 == keys[2] }.count == 3, "a transient one is, up to the budget")
    let stored = try await ledger.read { tx throws(LedgerError) in try tx.effects(turn: "t") }
    #expect(stored.map(\.status) == [.done, .dead, .dead, .done])
    #expect(stored[2].lastError == "transient svc.503: busy" && stored[2].attempts == 3)
  }

  /// The worker claims two entries; while the first job runs, its clock passes both leases
  /// and another holder takes the second over. The worker must not run the second.
  @Test func aClaimTakenOverWhileItWaitedIsNotRun() async throws {
    let (ledger, keys) = try await Self.ledger(kinds: ["image", "video"])
    let clock = ManualWallClock(Self.t0)
    let other = Outbox(ledger: ledger, holder: "other", clock: clock)
    let handler = Handler { _, count in
      guard count == 1 else { return }
      clock.advance(by: .seconds(60))
      let taken = try await other.claim(kinds: ["video"], limit: 1)
      #expect(taken.map(\.key) == [keys[1]])
    }
    let outbox = Outbox(ledger: ledger, holder: "w", clock: clock, policy: RetryPolicy(leaseDuration: .seconds(10)))
    let summary = try await OutboxWorker(outbox: outbox, handler: handler,
                                         configuration: .init(batch: 2, untilEmpty: true)).run()
    #expect(summary.completed == 1 && summary.fenced == 1, "\(summary)")
    #expect(handler.runs.withLock { $0 } == [keys[0]])
    let second = try await ledger.read { tx throws(LedgerError) in try tx.effect(key: keys[1]) }
    #expect(second?.status == .claimed && second?.lease?.holder == "other")
  }
}
