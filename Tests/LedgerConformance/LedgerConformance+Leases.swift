import SlateDispatch
import SlateJSON
import SlateSchema
import Synchronization

/// Lease renewal and worker identity: the primitive, then two dispatchers with default
/// options racing on one turn with handler calls that outlive the lease.
extension LedgerConformance {
  static func leaseRenewal(_ ledger: any DispatchLedger) async throws {
    let scope = DispatchScope.turn("t1")
    let key = Fixture.key("s1").hex
    try await ledger.write { tx throws(LedgerError) in
      try tx.insertTurn(Fixture.turn("t1"))
      try tx.insertAction(Fixture.action("s1", turn: "t1"))
      _ = try tx.acquireLease(scope: scope, key: key, holder: "A", now: Fixture.t0, duration: .seconds(10))
    }
    let renewed = try await ledger.write { tx throws(LedgerError) in
      try tx.renewLease(scope: scope, key: key, holder: "A", token: 1, now: Fixture.t0 + .seconds(8),
                        duration: .seconds(10))
    }
    try expect(renewed.expiresAt == Fixture.t0 + .seconds(18) && renewed.token == 1,
               "a renewal moves the expiry and keeps the token: \(renewed)")
    try await expectError("ledger.lease_held") {
      try await ledger.write { tx throws(LedgerError) in
        try tx.acquireLease(scope: scope, key: key, holder: "B", now: Fixture.t0 + .seconds(12), duration: .seconds(10))
      }
    }
    try await expectError("ledger.fenced") {
      try await ledger.write { tx throws(LedgerError) in
        try tx.renewLease(scope: scope, key: key, holder: "B", token: 1, now: Fixture.t0 + .seconds(12),
                          duration: .seconds(10))
      }
    }
    let taken = try await ledger.write { tx throws(LedgerError) in
      try tx.acquireLease(scope: scope, key: key, holder: "B", now: Fixture.t0 + .seconds(18), duration: .seconds(10))
    }
    try expect(taken.fencingToken == 2, "a lease that stopped being renewed is taken over")
    try await expectError("ledger.fenced") {
      try await ledger.write { tx throws(LedgerError) in
        try tx.renewLease(scope: scope, key: key, holder: "A", token: 1, now: Fixture.t0 + .seconds(19),
                          duration: .seconds(10))
      }
    }
  }

  /// A handler whose calls outlive the lease: during each call it moves the dispatchers'
  /// manual clock 4 s at a time, 5 times (20 s, twice the lease), waiting after each step
  /// for a renewal to reach the ledger, so the test does not depend on scheduling.
  final class SlowHandler: ActionHandler {
    let calls = Mutex<[String: Int]>([:])
    let clock: ManualWallClock
    let ledger: any DispatchLedger
    var idempotentByKey: Bool { false }

    init(clock: ManualWallClock, ledger: any DispatchLedger) {
      self.clock = clock
      self.ledger = ledger
    }

    func renewals() async throws -> Int {
      try await ledger.read { tx throws(LedgerError) in
        try tx.events(turn: "race", after: 0).filter { $0.kind == "action.lease_renewed" }.count
      }
    }

    func handle(_ call: HandlerCall) async throws -> HandlerResult {
      calls.withLock { $0[call.key.readable, default: 0] += 1 }
      for _ in 0..<5 {
        let before = try await renewals()
        clock.advance(by: .seconds(4))
        var waited = 0
        while try await renewals() == before, waited < 600_000 {
          try await Task.sleep(for: .milliseconds(5))
          waited += 5
        }
      }
      return HandlerResult(entities: [.init(table: "ticket", value: call.payload)])
    }
  }

  /// Two dispatchers with default options (their own holder names) race on one turn whose
  /// handler calls last twice the lease: each key's handler is called once, the other
  /// dispatcher waits (and says so), nothing ends ambiguous.
  static func leaseRace(_ ledger: any DispatchLedger) async throws {
    let clock = ManualWallClock(Fixture.t0)
    let handler = SlowHandler(clock: clock, ledger: ledger)
    let waits = Mutex<[LeaseWait]>([])
    let policy = RetryPolicy(leaseDuration: .seconds(10), leasePollInterval: .milliseconds(5))
    let batch = try ticketBatch([create, #"{"type":"create_ticket","id":"T-1002","title":"VPN down"}"#])
    let dispatchers = (0..<2).map { _ in
      Dispatcher(ledger: ledger, handlers: HandlerTable(fallback: handler), policy: policy,
                 configuration: .init(project: Fixture.project, planType: nil,
                                      onLeaseWait: { wait in waits.withLock { $0.append(wait) } },
                                      renewalInterval: .milliseconds(2)),
                 clock: clock, sleep: { try await Task.sleep(for: min($0, .milliseconds(5))) })
    }
    try expect(dispatchers[0].holder != dispatchers[1].holder, "default holders are unique per dispatcher")
    let results = try await withThrowingTaskGroup(of: DispatchResult.self) { group in
      for dispatcher in dispatchers { group.addTask { try await dispatcher.dispatch(batch, turn: "race") } }
      return try await group.reduce(into: [DispatchResult]()) { $0.append($1) }
    }
    let calls = handler.calls.withLock { $0 }
    try expect(calls == ["ticket:T-1001": 1, "ticket:T-1002": 1], "each key's handler is called once: \(calls)")
    let merged = DispatchResult.merge(results)
    try expect(merged.counts == [.applied: 2], "both keys applied, none ambiguous: \(merged.counts)")
    try expect(try await handler.renewals() >= 10, "the leases were renewed during the calls")
    try expect(!waits.withLock { $0 }.isEmpty, "the dispatcher that waited said so")
  }
}
