/// A worker's (or an operator's) handle on a ledger's outbox: claims queued effects,
/// acknowledges them under the claim's fencing token, and decides retries and the
/// dead-letter state by a ``RetryPolicy``.
///
/// Each call is one ledger transaction (see `LedgerTransaction+Outbox.swift` for the
/// rules). Delivery is **at least once**: a worker that ran a job and died before
/// ``complete(key:token:)`` leaves its claim to expire, and the next claim runs the job
/// again. An effect handler therefore deduplicates by ``EffectRecord/key`` (send it as the
/// job's idempotency key to the service that does the work), which makes the second run the
/// effect of one.
///
/// Backoff: after a failed attempt `n` (``EffectRecord/attempts``, counted at claim) the
/// entry is claimable again after ``RetryPolicy/ceiling(retry:)`` (`min(maxDelay,
/// baseDelay · 2^(n-1))`, no jitter: claim times already spread the workers); once `n`
/// reaches ``RetryPolicy/maxAttempts``, or for a permanent failure, it goes `dead`.
public struct Outbox: Sendable {
  public let ledger: any DispatchLedger
  /// The name on this handle's claims (``WorkerIdentity/unique()`` by default).
  public let holder: String
  public let clock: any WallClock
  /// The attempt budget, the backoff, and the claim lease (``RetryPolicy/leaseDuration``).
  public var policy: RetryPolicy

  public init(ledger: any DispatchLedger, holder: String = WorkerIdentity.unique(),
              clock: any WallClock = SystemWallClock(), policy: RetryPolicy = .default)
  {
    self.ledger = ledger
    self.holder = holder
    self.clock = clock
    self.policy = policy
  }

  /// Claims up to `limit` claimable entries of `kinds` (any kind when empty), in insertion
  /// order, for ``holder`` until now + `lease` (the policy's lease duration by default).
  /// Each returned entry carries its claim: ``EffectRecord/lease`` and the
  /// ``EffectRecord/fencingToken`` to present. An expired claim that used the policy's
  /// ``RetryPolicy/maxAttempts`` goes dead instead (a poison job).
  public func claim(kinds: [String] = [], limit: Int, lease: Duration? = nil) async throws(LedgerError)
    -> [EffectRecord]
  {
    let (holder, now, duration, budget) = (self.holder, clock.now(), lease ?? policy.leaseDuration, policy.maxAttempts)
    return try await ledger.write { tx throws(LedgerError) in
      try tx.claimEffects(kinds: kinds, limit: limit, holder: holder, now: now, lease: duration, maxAttempts: budget)
    }
  }

  /// Acknowledges the claim `token` on `key` as run (`done`). Throws `ledger.fenced` when
  /// the claim was taken over (another worker runs it; the key deduplicates the job).
  @discardableResult
  public func complete(key: String, token: Int64) async throws(LedgerError) -> EffectRecord {
    let now = clock.now()
    return try await ledger.write { tx throws(LedgerError) in try tx.completeEffect(key: key, token: token, now: now) }
  }

  /// Records a failed attempt of the claim `token` on `key`: `failed` with a retry due after
  /// the backoff, or `dead` when `permanent` or when the attempt budget is spent.
  @discardableResult
  public func fail(key: String, token: Int64, error: String, permanent: Bool = false) async throws(LedgerError)
    -> EffectRecord
  {
    let (now, policy) = (clock.now(), self.policy)
    return try await ledger.write { tx throws(LedgerError) in
      guard let stored = try tx.effect(key: key) else { throw .notFound(what: "effect", key: key) }
      let retryAt = permanent || stored.attempts >= policy.maxAttempts
        ? nil : now + policy.ceiling(retry: max(1, stored.attempts))
      return try tx.failEffect(key: key, token: token, now: now, error: error, retryAt: retryAt)
    }
  }

  /// Gives the claim `token` on `key` back unrun: `pending` at once, the attempt not counted.
  @discardableResult
  public func release(key: String, token: Int64) async throws(LedgerError) -> EffectRecord {
    let now = clock.now()
    return try await ledger.write { tx throws(LedgerError) in try tx.releaseEffect(key: key, token: token, now: now) }
  }

  /// Extends the claim `token` on `key` to now + `lease` (the policy's by default).
  @discardableResult
  public func renew(key: String, token: Int64, lease: Duration? = nil) async throws(LedgerError) -> Lease {
    let (now, duration) = (clock.now(), lease ?? policy.leaseDuration)
    return try await ledger.write { tx throws(LedgerError) in
      try tx.renewEffect(key: key, token: token, now: now, lease: duration)
    }
  }

  /// An operator's retry of a dead or failed entry: `pending` at once with a fresh budget.
  @discardableResult
  public func retry(key: String) async throws(LedgerError) -> EffectRecord {
    let now = clock.now()
    return try await ledger.write { tx throws(LedgerError) in try tx.retryEffect(key: key, now: now) }
  }
}
