import SlateDispatch
import SlateJSON
import Synchronization

/// The outbox drained exactly once: claims with fencing tokens, acknowledgements under the
/// token, retries with backoff, the dead-letter state, expired claims taken over, and
/// racing claimers.
extension LedgerConformance {
  static let outboxChecks: [Check] = [
    Check(name: "outbox.claim", summary: "claims by kind and limit, in insertion order, each with a new fencing token",
          body: outboxClaim),
    Check(name: "outbox.fencing", summary: "complete/fail/release/renew need the live claim's token; expired claims are taken over",
          body: outboxFencing),
    Check(name: "outbox.retry", summary: "failed entries wait out their backoff; a spent budget is dead until retried",
          body: outboxRetry),
    Check(name: "outbox.race", summary: "four claimers on one outbox: every entry run once, none fenced",
          body: outboxRace),
  ]

  /// Turn `t1` with entries `a` (image), `b` (video), `c` (image), queued in that order.
  private static func seedOutbox(_ ledger: any DispatchLedger) async throws -> (a: String, b: String, c: String) {
    let entries = [Fixture.effect("a", turn: "t1"), Fixture.effect("b", turn: "t1", kind: "video"),
                   Fixture.effect("c", turn: "t1")]
    try await ledger.write { tx throws(LedgerError) in
      try tx.insertTurn(Fixture.turn("t1"))
      for entry in entries { try tx.insertEffect(entry) }
    }
    return (entries[0].key, entries[1].key, entries[2].key)
  }

  private static func claim(_ ledger: any DispatchLedger, _ kinds: [String] = [], limit: Int = 10, holder: String,
                            at now: Timestamp = Fixture.t0, lease: Duration = .seconds(10)) async throws -> [EffectRecord]
  {
    try await ledger.write { tx throws(LedgerError) in
      try tx.claimEffects(kinds: kinds, limit: limit, holder: holder, now: now, lease: lease)
    }
  }

  static func outboxClaim(_ ledger: any DispatchLedger) async throws {
    let (a, b, c) = try await seedOutbox(ledger)
    let none = try await claim(ledger, limit: 0, holder: "A")
    try expect(none.isEmpty, "a claim of 0 entries takes none: \(none)")
    let other = try await claim(ledger, ["poster"], holder: "A")
    try expect(other.isEmpty, "no entry of the kind: none taken")
    let first = try await claim(ledger, ["image", "frame"], limit: 1, holder: "A")
    try expect(first.map(\.key) == [a], "the limit and insertion order hold: \(first.map(\.key))")
    let images = try await claim(ledger, ["image"], holder: "A")
    try expect(images.map(\.key) == [c], "a claimed entry is not claimed again while its lease lives")
    let claimed = first[0]
    try expect(claimed.status == .claimed && claimed.fencingToken == 1 && claimed.attempts == 1
                 && claimed.lease == Lease(holder: "A", token: 1, expiresAt: Fixture.t0 + .seconds(10)),
               "a claim sets the status, a new token, an attempt and the lease: \(claimed)")
    let stored = try await ledger.read { tx throws(LedgerError) in try tx.effect(key: a) }
    try expect(stored == claimed, "the claim is stored as returned: \(String(describing: stored))")
    let rest = try await claim(ledger, holder: "B")
    try expect(rest.map(\.key) == [b] && rest[0].lease?.holder == "B", "any kind: the one left, for B: \(rest)")
    let kinds = try await ledger.read { tx throws(LedgerError) in
      try tx.events(turn: "t1", after: 0).filter { $0.kind == "effect.claimed" }.compactMap { $0.detail["effect"] }
    }
    try expect(kinds == [.string(a), .string(c), .string(b)], "one effect.claimed event per claim, in order: \(kinds)")
    let later = try await claim(ledger, holder: "C", at: Fixture.t0 + .seconds(9))
    try expect(later.isEmpty, "nothing is claimable before a lease expires")
  }

  static func outboxFencing(_ ledger: any DispatchLedger) async throws {
    let (a, b, c) = try await seedOutbox(ledger)
    _ = try await claim(ledger, holder: "A")
    // A token that was never issued, or another entry's state, is refused.
    try await expectError("ledger.fenced") {
      try await ledger.write { tx throws(LedgerError) in try tx.completeEffect(key: a, token: 2, now: Fixture.t0) }
    }
    try await expectError("ledger.not_found") {
      try await ledger.write { tx throws(LedgerError) in try tx.completeEffect(key: "nope", token: 1, now: Fixture.t0) }
    }
    let done = try await ledger.write { tx throws(LedgerError) in try tx.completeEffect(key: a, token: 1, now: Fixture.t0) }
    try expect(done.status == .done && done.lease == nil, "complete: done, the lease cleared: \(done)")
    let again = try await ledger.write { tx throws(LedgerError) in try tx.completeEffect(key: a, token: 1, now: Fixture.t0) }
    try expect(again == done, "a repeated acknowledgement with the same token changes nothing")
    try await expectError("ledger.fenced") {
      try await ledger.write { tx throws(LedgerError) in
        try tx.failEffect(key: a, token: 1, now: Fixture.t0, error: "late", retryAt: nil)
      }
    }
    // Release: pending at once, the attempt not counted, the old token dead.
    let released = try await ledger.write { tx throws(LedgerError) in try tx.releaseEffect(key: b, token: 1, now: Fixture.t0) }
    try expect(released.status == .pending && released.attempts == 0 && released.lease == nil,
               "release: pending, the attempt given back: \(released)")
    try await expectError("ledger.fenced") {
      try await ledger.write { tx throws(LedgerError) in try tx.completeEffect(key: b, token: 1, now: Fixture.t0) }
    }
    let reclaimed = try await claim(ledger, holder: "B")
    try expect(reclaimed.map(\.key) == [b] && reclaimed[0].fencingToken == 2 && reclaimed[0].attempts == 1,
               "a released entry is claimed again with a new token: \(reclaimed)")
    // Renewal keeps the claim alive past its first expiry.
    let renewed = try await ledger.write { tx throws(LedgerError) in
      try tx.renewEffect(key: c, token: 1, now: Fixture.t0 + .seconds(8), lease: .seconds(10))
    }
    try expect(renewed.expiresAt == Fixture.t0 + .seconds(18) && renewed.token == 1, "renewal: \(renewed)")
    let early = try await claim(ledger, ["image"], holder: "C", at: Fixture.t0 + .seconds(12))
    try expect(early.isEmpty, "a renewed claim is not taken over: \(early)")
    // Takeover of an expired claim: a new holder and token; the old holder is fenced.
    let taken = try await claim(ledger, ["image"], holder: "C", at: Fixture.t0 + .seconds(18))
    try expect(taken.map(\.key) == [c] && taken[0].fencingToken == 2 && taken[0].attempts == 2
                 && taken[0].lease?.holder == "C", "an expired claim is taken over: \(taken)")
    for operation in ["complete", "fail", "release", "renew"] {
      try await expectError("ledger.fenced") {
        try await ledger.write { tx throws(LedgerError) in
          let late = Fixture.t0 + .seconds(19)
          switch operation {
          case "complete": try tx.completeEffect(key: c, token: 1, now: late)
          case "fail": try tx.failEffect(key: c, token: 1, now: late, error: "x", retryAt: nil)
          case "release": try tx.releaseEffect(key: c, token: 1, now: late)
          default: try tx.renewEffect(key: c, token: 1, now: late, lease: .seconds(1))
          }
        }
      }
    }
    let finished = try await ledger.write { tx throws(LedgerError) in
      try tx.completeEffect(key: c, token: 2, now: Fixture.t0 + .seconds(20))
    }
    try expect(finished.status == .done && finished.attempts == 2, "the new holder completes it: \(finished)")
    let outstanding = try await ledger.read { tx throws(LedgerError) in try tx.effects(turn: "t1").map(\.status) }
    try expect(outstanding == [.done, .claimed, .done], "statuses: \(outstanding)")
  }

  static func outboxRetry(_ ledger: any DispatchLedger) async throws {
    let (a, _, c) = try await seedOutbox(ledger)
    _ = try await claim(ledger, ["image"], limit: 1, holder: "A")
    let failed = try await ledger.write { tx throws(LedgerError) in
      try tx.failEffect(key: a, token: 1, now: Fixture.t0 + .seconds(1), error: "svc.503: busy",
                        retryAt: Fixture.t0 + .seconds(6))
    }
    try expect(failed.status == .failed && failed.lastError == "svc.503: busy" && failed.lease == nil
                 && failed.availableAt == Fixture.t0 + .seconds(6), "fail with a retry: \(failed)")
    let waiting = try await claim(ledger, ["image"], limit: 1, holder: "B", at: Fixture.t0 + .seconds(5))
    try expect(waiting.map(\.key) == [c], "a failed entry waits out its backoff: \(waiting.map(\.key))")
    let due = try await claim(ledger, ["image"], holder: "B", at: Fixture.t0 + .seconds(6))
    try expect(due.map(\.key) == [a], "…and is claimable when it is due: \(due.map(\.key))")
    let second = due[0]
    try expect(second.attempts == 2 && second.fencingToken == 2, "the second attempt: \(second)")
    let dead = try await ledger.write { tx throws(LedgerError) in
      try tx.failEffect(key: a, token: 2, now: Fixture.t0 + .seconds(7), error: "svc.400: bad prompt", retryAt: nil)
    }
    try expect(dead.status == .dead, "no retry time: the dead-letter state: \(dead)")
    let never = try await claim(ledger, ["image"], holder: "C", at: Fixture.t0 + .seconds(86_400))
    try expect(!never.map(\.key).contains(a), "a dead entry is never claimed")
    try await expectError("ledger.invalid_record") {
      try await ledger.write { tx throws(LedgerError) in try tx.retryEffect(key: c, now: Fixture.t0) }
    }
    let retried = try await ledger.write { tx throws(LedgerError) in try tx.retryEffect(key: a, now: Fixture.t0 + .seconds(8)) }
    try expect(retried.status == .pending && retried.attempts == 0 && retried.lastError == "svc.400: bad prompt"
                 && retried.availableAt == Fixture.t0 + .seconds(8), "an operator's retry: \(retried)")
    try await expectError("ledger.invalid_record") {
      try await ledger.write { tx throws(LedgerError) in try tx.retryEffect(key: a, now: Fixture.t0) }
    }
    try await expectError("ledger.not_found") {
      try await ledger.write { tx throws(LedgerError) in try tx.retryEffect(key: "nope", now: Fixture.t0) }
    }
    let events = try await ledger.read { tx throws(LedgerError) in
      try tx.events(turn: "t1", after: 0).filter { $0.detail["effect"] == .string(a) }.map(\.kind)
    }
    try expect(events == ["effect.claimed", "effect.failed", "effect.claimed", "effect.dead", "effect.retried"],
               "the entry's events: \(events)")

    // The Outbox front: the budget and the backoff come from its policy.
    let clock = ManualWallClock(Fixture.t0 + .seconds(100))
    let outbox = Outbox(ledger: ledger, holder: "W", clock: clock,
                        policy: RetryPolicy(maxAttempts: 2, baseDelay: .seconds(3), leaseDuration: .seconds(30)))
    let one = try await outbox.claim(kinds: ["video"], limit: 5)
    try expect(one.count == 1 && one[0].lease?.expiresAt == clock.now() + .seconds(30), "the policy's lease: \(one)")
    let backoff = try await outbox.fail(key: one[0].key, token: one[0].fencingToken, error: "e1")
    try expect(backoff.status == .failed && backoff.availableAt == clock.now() + .seconds(3),
               "attempt 1 of 2 failed: retry after the base delay: \(backoff)")
    clock.advance(by: .seconds(3))
    let two = try await outbox.claim(kinds: ["video"], limit: 5)
    try expect(two.map(\.attempts) == [2], "attempt 2: \(two)")
    let spent = try await outbox.fail(key: two[0].key, token: two[0].fencingToken, error: "e2")
    try expect(spent.status == .dead, "the budget of 2 is spent: dead: \(spent)")
    try await outbox.retry(key: spent.key)
    let three = try await outbox.claim(kinds: ["video"], limit: 5)
    let permanent = try await outbox.fail(key: three[0].key, token: three[0].fencingToken, error: "e3", permanent: true)
    try expect(three[0].attempts == 1 && permanent.status == .dead, "a permanent failure is dead at once: \(permanent)")

    // A poison job: each claim expires unacknowledged; past the budget it goes dead.
    let poison = Fixture.effect("d", turn: "t1", kind: "frame")
    try await ledger.write { tx throws(LedgerError) in try tx.insertEffect(poison) }
    for attempt in 1...2 {
      let taken = try await outbox.claim(kinds: ["frame"], limit: 5)
      try expect(taken.map(\.attempts) == [attempt], "poison attempt \(attempt): \(taken)")
      clock.advance(by: .seconds(30))
    }
    let none = try await outbox.claim(kinds: ["frame"], limit: 5)
    let buried = try await ledger.read { tx throws(LedgerError) in try tx.effect(key: poison.key) }
    try expect(none.isEmpty && buried?.status == .dead && buried?.lease == nil
                 && buried?.lastError?.hasPrefix("claim.expired") == true,
               "an expired claim past the budget is dead, not claimed: \(String(describing: buried))")
  }

  /// Four claimers, each its own holder and task, drain 40 entries in claims of up to 3,
  /// running each claimed entry (counting runs) and acknowledging it. No lease expires
  /// (the clock stands still), so every entry must run exactly once and no
  /// acknowledgement be fenced.
  static func outboxRace(_ ledger: any DispatchLedger) async throws {
    let keys = (0..<40).map { Fixture.effect("e\($0)", turn: $0 % 2 == 0 ? "t1" : "t2", kind: $0 % 3 == 0 ? "video" : "image") }
    try await ledger.write { tx throws(LedgerError) in
      try tx.insertTurn(Fixture.turn("t1"))
      try tx.insertTurn(Fixture.turn("t2"))
      for entry in keys { try tx.insertEffect(entry) }
    }
    let runs = RunCounter()
    let clock = ManualWallClock(Fixture.t0)
    try await withThrowingTaskGroup(of: Int.self) { group in
      for worker in 0..<4 {
        group.addTask {
          let outbox = Outbox(ledger: ledger, holder: "worker-\(worker)", clock: clock)
          var acknowledged = 0
          while true {
            let claims = try await outbox.claim(limit: 3)
            if claims.isEmpty { return acknowledged }
            for claim in claims {
              runs.count(claim.key)
              await Task.yield()
              try await outbox.complete(key: claim.key, token: claim.fencingToken)
              acknowledged += 1
            }
          }
        }
      }
      var total = 0
      for try await count in group { total += count }
      try expect(total == keys.count, "every acknowledgement went through: \(total)")
    }
    let counts = runs.counts
    try expect(counts.count == keys.count && counts.values.allSatisfy { $0 == 1 },
               "every entry ran exactly once: \(counts.filter { $0.value != 1 })")
    let statuses = try await ledger.read { tx throws(LedgerError) in
      (try tx.effects(turn: "t1") + tx.effects(turn: "t2")).map(\.status)
    }
    try expect(statuses.count == keys.count && statuses.allSatisfy { $0 == .done }, "all done: \(statuses)")
  }
}

/// Runs by key, shared by racing tasks.
final class RunCounter: Sendable {
  private let runs = Mutex<[String: Int]>([:])

  func count(_ key: String) { runs.withLock { $0[key, default: 0] += 1 } }

  var counts: [String: Int] { runs.withLock { $0 } }
}
