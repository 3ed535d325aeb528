import SlateJSON
import SlateSchema

/// The protocol's compound operations, written once over the primitives so that every
/// ledger has the same lease, fencing and upsert rules. Each is meant to run inside one
/// ``DispatchLedger/write(_:)`` body.
extension LedgerTransaction {
  /// Issues a lease on an action to `holder` until `now + duration`, with a new fencing
  /// token (the stored token + 1), and marks it ``ActionStatus/inProgress``.
  ///
  /// Allowed when the action has no lease, when its lease has expired (`expiresAt <= now`:
  /// a takeover), when `holder` already holds it (a renewal, which also gets a new token),
  /// or when its holder is `goneHolder` (the caller found that holder's process gone:
  /// ``WorkerIdentity/isGone(_:)``). Throws `notFound` when there is no such action,
  /// `leaseHeld` when another holder's lease is live. The caller checks the status first
  /// (an applied action is not leased again). Complexity: one read, one write.
  public func acquireLease(scope: DispatchScope, key: String, holder: String, now: Timestamp, duration: Duration,
                           takingOverFrom goneHolder: String? = nil) throws(LedgerError) -> ActionRecord
  {
    guard var record = try action(scope: scope, key: key) else {
      throw .notFound(what: "action", key: scope.key + " " + key)
    }
    if let lease = record.lease, lease.expiresAt > now, lease.holder != holder, lease.holder != goneHolder {
      throw .leaseHeld(key: record.key.readable, holder: lease.holder, expiresAt: lease.expiresAt)
    }
    let expected = record.fencingToken
    record.fencingToken = expected + 1
    record.lease = Lease(holder: holder, token: record.fencingToken, expiresAt: now + duration)
    record.status = .inProgress
    record.updatedAt = now
    try updateAction(record, expectedToken: expected)
    return record
  }

  /// Renews `holder`'s lease on an action (token `token`) until `now + duration` (never
  /// earlier than it was), keeping the token: the renewal a dispatcher makes while its
  /// handler call runs. Throws `fenced` when the lease was taken over or released since
  /// (the stored token or holder differ, or there is no lease), `notFound` when there is no
  /// such action. Complexity: one read, one write.
  @discardableResult
  public func renewLease(scope: DispatchScope, key: String, holder: String, token: Int64, now: Timestamp,
                         duration: Duration) throws(LedgerError) -> Lease
  {
    guard var record = try action(scope: scope, key: key) else {
      throw .notFound(what: "action", key: scope.key + " " + key)
    }
    guard record.fencingToken == token, let lease = record.lease, lease.holder == holder, lease.token == token else {
      throw .fenced(key: record.key.readable, presented: token, current: record.fencingToken)
    }
    let renewed = Lease(holder: holder, token: token, expiresAt: max(lease.expiresAt, now + duration))
    record.lease = renewed
    try updateAction(record, expectedToken: token)
    return renewed
  }

  /// Records an action's outcome under the lease whose token is `token`: sets the status,
  /// the outcome and the attempt count, clears the lease. Throws `fenced` when the lease
  /// was taken over since (nothing is written), `notFound` when there is no such action.
  @discardableResult
  public func recordOutcome(scope: DispatchScope, key: String, token: Int64, status: ActionStatus, outcome: Outcome,
                            attempts: Int, now: Timestamp) throws(LedgerError) -> ActionRecord
  {
    guard var record = try action(scope: scope, key: key) else {
      throw .notFound(what: "action", key: scope.key + " " + key)
    }
    guard record.fencingToken == token else { throw .fenced(key: record.key.readable, presented: token, current: record.fencingToken) }
    record.status = status
    record.outcome = outcome
    record.attempts += attempts
    record.lease = nil
    record.updatedAt = now
    try updateAction(record, expectedToken: token)
    return record
  }

  /// Inserts a project-table row or updates it: a new row gets revision 0; a row whose
  /// value differs (canonical bytes) gets the new value and revision + 1; an identical
  /// value changes nothing. Returns what happened.
  @discardableResult
  public func upsertEntity(_ record: EntityRecord) throws(LedgerError) -> EntityUpsert {
    guard let stored = try entity(project: record.project, table: record.table, key: record.key) else {
      var fresh = record
      fresh.revision = 0
      try putEntity(fresh)
      return .inserted
    }
    if stored.value.canonicalBytes == record.value.canonicalBytes { return .unchanged }
    var next = record
    next.revision = stored.revision + 1
    try putEntity(next)
    return .updated(revision: next.revision)
  }

  /// Queues an effect unless its key is already in the outbox; returns whether it was
  /// inserted (false: it was already there, exactly once).
  @discardableResult
  public func enqueue(_ effect: EffectRecord) throws(LedgerError) -> Bool {
    do {
      try insertEffect(effect)
      return true
    } catch .duplicateKey {
      return false
    }
  }

  /// Moves the turn's progress mark (``TurnRecord/updatedAt``) to `now` when it is later.
  public func touchTurn(_ id: TurnID, now: Timestamp) throws(LedgerError) {
    guard var turn = try turn(id) else { throw .notFound(what: "turn", key: id.rawValue) }
    guard turn.updatedAt < now else { return }
    turn.updatedAt = now
    try updateTurn(turn)
  }
}

/// What ``LedgerTransaction/upsertEntity(_:)`` did.
public enum EntityUpsert: Hashable, Sendable {
  case inserted
  case updated(revision: Int)
  case unchanged
}

extension EffectRecord {
  /// An effect's idempotency key: SHA-256 (lower-case hex) over the length-prefixed fields
  /// `"slate.effect.v1"`, the hex digest of `action` (the dispatcher passes the action's
  /// scoped key, ``ActionRecord/scopedKey``, so effects follow the scope model), the effect kind and a
  /// discriminator (`""` for the action's one effect of that kind; a handler that queues
  /// several jobs of one kind for one action names each, e.g. `"view-2"`).
  public static func key(action: ActionKey, kind: String, discriminator: String = "") -> String {
    var hasher = SHA256()
    hasher.updateField("slate.effect.v1".utf8)
    hasher.updateField(action.hex.utf8)
    hasher.updateField(kind.utf8)
    hasher.updateField(discriminator.utf8)
    return hasher.finalize().hex
  }
}

extension ActionRecord {
  /// A payload version's digest: SHA-256 (lower-case hex) over the length-prefixed fields
  /// `"slate.version.v1"`, the action type and the payload's canonical bytes. Two actions
  /// with one key and one version are the same request.
  public static func version(type: String, payload: JSONValue) -> String {
    var hasher = SHA256()
    hasher.updateField("slate.version.v1".utf8)
    hasher.updateField(type.utf8)
    hasher.updateField(payload.canonicalBytes)
    return hasher.finalize().hex
  }

  /// The current payload's version (the last of ``versions``).
  public var currentVersion: String { versions.last ?? ActionRecord.version(type: type, payload: payload) }

  /// The action's key in its scope (see ``DispatchScope``): the key its handler receives,
  /// its outbox keys and its own row's key derive from it.
  public var scopedKey: ActionKey { key.scoped(scope) }
}
