import SlateJSON

/// The outbox's operations, written once over ``LedgerTransaction/claimableEffects(kinds:now:limit:)``
/// and ``LedgerTransaction/updateEffect(_:)`` so that every ledger drains it by the same
/// rules. Each is meant to run inside one ``DispatchLedger/write(_:)`` body, and each appends
/// one event to the effect's turn (`effect.claimed`, `effect.completed`, `effect.failed`,
/// `effect.dead`, `effect.released`, `effect.retried`, `effect.renewed` is not logged).
///
/// A claim is the outbox's lease: the entry's ``EffectRecord/fencingToken`` goes up by one,
/// and only the holder of that token may complete, fail, release or renew it. A claim whose
/// lease expired can be taken by the next claim (a new token), after which the old
/// holder's acknowledgement is refused with `ledger.fenced`: the effect runs at least once,
/// and its key (``EffectRecord/key``) is what makes a second run the effect of one.
extension LedgerTransaction {
  /// Claims up to `limit` entries whose kind is in `kinds` (any kind when empty) that are
  /// claimable at `now`, in insertion order, for `holder` until `now + lease`: each gets
  /// status `claimed`, a new fencing token (+1), one more attempt, and the lease. Returns
  /// them as stored. Concurrent claims never return one entry twice (the rows are locked
  /// by ``LedgerTransaction/claimableEffects(kinds:now:limit:)``).
  ///
  /// An expired claim that already used `maxAttempts` attempts is not claimed again but
  /// goes `dead` (last error `claim.expired`): a job whose workers keep dying before they
  /// acknowledge it (a poison job) stops at the budget like one that keeps failing. It
  /// counts against `limit`. Complexity: one query and one update and event per entry.
  public func claimEffects(kinds: [String], limit: Int, holder: String, now: Timestamp, lease: Duration,
                           maxAttempts: Int = .max) throws(LedgerError) -> [EffectRecord]
  {
    guard limit > 0 else { return [] }
    guard !holder.isEmpty else { throw .invalidRecord(what: "effect", reason: "a claim needs a holder") }
    var claimed: [EffectRecord] = []
    for var effect in try claimableEffects(kinds: kinds, now: now, limit: limit) where effect.isClaimable(at: now) {
      let takeover = effect.lease
      if let takeover, effect.attempts >= maxAttempts {
        let error = "claim.expired: \(takeover.holder) never acknowledged attempt \(effect.attempts)"
        _ = try endClaim(key: effect.key, token: effect.fencingToken, now: now, event: "effect.dead") { effect in
          effect.status = .dead
          effect.lastError = error
          return [("error", .string(error)), ("attempt", .number(JSONNumber(effect.attempts)))]
        }
        continue
      }
      effect.fencingToken += 1
      effect.attempts += 1
      effect.status = .claimed
      effect.lease = Lease(holder: holder, token: effect.fencingToken, expiresAt: now + lease)
      effect.updatedAt = now
      let stored = try updateEffect(effect)
      var detail: [(String, JSONValue)] = [("holder", .string(holder)), ("attempt", .number(JSONNumber(stored.attempts)))]
      if let takeover { detail.append(("expired_holder", .string(takeover.holder))) }
      try log("effect.claimed", stored, now: now, detail)
      claimed.append(stored)
    }
    return claimed
  }

  /// Acknowledges a claimed entry as run: status `done`, the lease cleared. Completing again
  /// with the token that completed it returns the stored entry (an acknowledgement whose
  /// answer was lost may be repeated). Throws `notFound`, or `fenced` when `token` is not
  /// the current claim's.
  @discardableResult
  public func completeEffect(key: String, token: Int64, now: Timestamp) throws(LedgerError) -> EffectRecord {
    if let done = try effect(key: key), done.status == .done, done.fencingToken == token { return done }
    return try endClaim(key: key, token: token, now: now, event: "effect.completed") { effect in
      effect.status = .done
      return []
    }
  }

  /// Records a failed attempt of a claimed entry: status `failed`, claimable again at
  /// `retryAt`, or `dead` (the dead-letter state) when `retryAt` is nil (the budget is spent
  /// or the failure is permanent: the caller decides, see ``Outbox``). Throws `notFound`,
  /// or `fenced` when `token` is not the current claim's.
  @discardableResult
  public func failEffect(key: String, token: Int64, now: Timestamp, error: String, retryAt: Timestamp?)
    throws(LedgerError) -> EffectRecord
  {
    try endClaim(key: key, token: token, now: now, event: retryAt == nil ? "effect.dead" : "effect.failed") { effect in
      effect.status = retryAt == nil ? .dead : .failed
      effect.lastError = error
      effect.availableAt = max(retryAt ?? now, now)
      var detail: [(String, JSONValue)] = [("error", .string(error)), ("attempt", .number(JSONNumber(effect.attempts)))]
      if retryAt != nil { detail.append(("retry_at", .number(JSONNumber(effect.availableAt.milliseconds)))) }
      return detail
    }
  }

  /// Gives a claimed entry back unrun (a worker stopping before it called the handler):
  /// status `pending`, claimable at once, the attempt not counted. Throws `notFound`, or
  /// `fenced` when `token` is not the current claim's.
  @discardableResult
  public func releaseEffect(key: String, token: Int64, now: Timestamp) throws(LedgerError) -> EffectRecord {
    try endClaim(key: key, token: token, now: now, event: "effect.released") { effect in
      effect.status = .pending
      effect.attempts = max(0, effect.attempts - 1)
      effect.availableAt = now
      return []
    }
  }

  /// Ends the live claim `token` on `key`: `change` sets the new state (and returns the
  /// event's extra detail), the lease is cleared, the entry stored and the event logged.
  private func endClaim(key: String, token: Int64, now: Timestamp, event: String,
                        _ change: (inout EffectRecord) -> [(String, JSONValue)]) throws(LedgerError) -> EffectRecord
  {
    guard var effect = try effect(key: key) else { throw .notFound(what: "effect", key: key) }
    try Self.checkClaim(effect, token: token)
    let detail = change(&effect)
    effect.lease = nil
    effect.updatedAt = now
    let stored = try updateEffect(effect)
    try log(event, stored, now: now, detail)
    return stored
  }

  /// Extends the claim of `token` to `now + lease` (never earlier than it was), keeping the
  /// token: the renewal a worker makes while a long job runs. Throws `notFound`, or `fenced`
  /// when `token` is not the current claim's (even one whose lease expired unclaimed is
  /// still renewable: no one took it).
  @discardableResult
  public func renewEffect(key: String, token: Int64, now: Timestamp, lease: Duration) throws(LedgerError) -> Lease {
    guard var effect = try effect(key: key) else { throw .notFound(what: "effect", key: key) }
    try Self.checkClaim(effect, token: token)
    let current = effect.lease!
    let renewed = Lease(holder: current.holder, token: token, expiresAt: max(current.expiresAt, now + lease))
    effect.lease = renewed
    try updateEffect(effect)
    return renewed
  }

  /// An operator's retry of a `dead` or `failed` entry: status `pending`, claimable at once,
  /// a fresh attempt budget (``EffectRecord/attempts`` 0); the last error is kept. Throws
  /// `notFound`, or `invalidRecord` for an entry in another state (a pending or claimed
  /// entry is already on its way; a done one has run).
  @discardableResult
  public func retryEffect(key: String, now: Timestamp) throws(LedgerError) -> EffectRecord {
    guard var effect = try effect(key: key) else { throw .notFound(what: "effect", key: key) }
    guard effect.status == .dead || effect.status == .failed else {
      throw .invalidRecord(what: "effect",
                           reason: "\(key) is \(effect.status.rawValue); only a dead or failed effect is retried")
    }
    effect.status = .pending
    effect.attempts = 0
    effect.availableAt = now
    effect.updatedAt = now
    let stored = try updateEffect(effect)
    try log("effect.retried", stored, now: now, [])
    return stored
  }

  /// Refuses a token that is not the one of the entry's live claim.
  private static func checkClaim(_ effect: EffectRecord, token: Int64) throws(LedgerError) {
    guard effect.status == .claimed, effect.fencingToken == token, effect.lease?.token == token else {
      throw .fenced(key: effect.key, presented: token, current: effect.fencingToken)
    }
  }

  private func log(_ kind: String, _ effect: EffectRecord, now: Timestamp, _ extra: [(String, JSONValue)])
    throws(LedgerError)
  {
    var detail = JSONObject()
    detail.append(key: "effect", value: .string(effect.key))
    detail.append(key: "kind", value: .string(effect.kind))
    detail.append(key: "token", value: .number(JSONNumber(effect.fencingToken)))
    for (key, value) in extra { detail.append(key: key, value: value) }
    try appendEvent(LedgerEvent(turn: effect.turn, at: now, kind: kind, key: effect.action.hex, detail: .object(detail)))
  }
}
