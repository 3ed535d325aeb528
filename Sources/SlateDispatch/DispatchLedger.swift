/// The durable record of dispatch: turns, their phases, actions by idempotency key, a
/// transactional outbox of side effects, project tables written by handlers, and an
/// append-only event log.
///
/// ## Transactions
///
/// All access goes through ``read(_:)`` and ``write(_:)``, whose bodies are synchronous
/// closures over a ``LedgerReader`` / ``LedgerTransaction``. A `write` body is **one
/// transaction**: serialisable with every other write of the same ledger (SQLite: one
/// `BEGIN IMMEDIATE … COMMIT`, GRDB's `DatabasePool.write`), and atomic: if the body
/// throws, nothing it wrote is visible to anyone, ever; if it returns, everything it wrote
/// is durable (for a durable ledger) before `write` returns. Reads inside a body see the
/// body's own writes. A `read` body sees one consistent snapshot (SQLite in WAL mode: a
/// read transaction, concurrent with writes).
///
/// A body must not keep the transaction object beyond its return, must not block, and must
/// have no effect outside the ledger: a ledger may run it again after a transient storage
/// failure (e.g. `SQLITE_BUSY`) before giving up with ``LedgerError/storage(code:message:)``.
/// The dispatcher writes a batch's intents in one transaction and each action's outcome
/// (with the entities and outbox entries its handler produced) in one transaction.
///
/// ## Unique keys
///
/// | record | unique key | on a second insert |
/// |---|---|---|
/// | ``TurnRecord`` | `id` | ``LedgerError/duplicateKey(what:key:)`` `("turn", id)` |
/// | ``PhaseRecord`` | `(turn, name)` | ``LedgerTransaction/putPhase(_:)`` replaces |
/// | ``ActionRecord`` | `(scope.key, key.hex)` | `duplicateKey("action", "<scope> <hex>")` |
/// | ``EffectRecord`` | `key` | `duplicateKey("effect", key)` |
/// | ``EntityRecord`` | `(project, table, key)` | ``LedgerTransaction/putEntity(_:)`` replaces |
/// | ``StreamChunkRecord`` | `(turn, stream, offset)` | ``LedgerTransaction/putStreamChunk(_:)`` replaces |
///
/// A unique-key violation is the protocol's way of saying "someone already did this": the
/// dispatcher treats it as a lost race (reads the winner's record and goes on), the outbox
/// as "already queued". It is thrown by the insert itself, so a body may catch it and go
/// on within the same transaction (SQL: `INSERT … ON CONFLICT DO NOTHING` then a check of
/// the changed-row count, or a savepoint), and the transaction stays usable.
///
/// ## Fencing
///
/// An action's ``ActionRecord/fencingToken`` is a per-record counter: 0 when declared, +1
/// each time a lease is issued (``LedgerTransaction/acquireLease(scope:key:holder:now:duration:takingOverFrom:)``).
/// ``LedgerTransaction/updateAction(_:expectedToken:)`` replaces the record only when the
/// stored token **equals** the presented one (integer equality; any smaller token is
/// stale, a larger one cannot exist because only the ledger issues them), and refuses a
/// record whose token is smaller than the stored one. So a writer whose lease expired and
/// was taken over gets ``LedgerError/fenced(key:presented:current:)`` and writes nothing,
/// whatever it believed. In SQL: `UPDATE actions SET … WHERE scope = ? AND key = ? AND
/// fencing_token = ?` and a check that one row changed.
///
/// ## The outbox
///
/// Effects are drained by workers through the compound operations of
/// `LedgerTransaction+Outbox.swift`, written once over ``LedgerTransaction/claimableEffects(kinds:now:limit:)``
/// and ``LedgerTransaction/updateEffect(_:)``: a claim takes entries in one transaction,
/// each with a new per-entry fencing token (as an action's lease); `complete`, `fail` and
/// `release` are refused with ``LedgerError/fenced(key:presented:current:)`` unless they
/// present the current claim's token. Two concurrent claims never take one entry: the
/// second skips the rows the first locked (SQL) or runs after it (SQLite, in memory).
///
/// ## Time
///
/// Records carry ``Timestamp``s given by the caller (from its ``WallClock``); a ledger
/// never reads a clock itself, so tests (and the lease rules) are deterministic.
public protocol DispatchLedger: Sendable {
  /// Runs `body` over one consistent snapshot. Complexity: that of the reads.
  func read<R: Sendable>(_ body: @Sendable (any LedgerReader) throws(LedgerError) -> R) async throws(LedgerError) -> R

  /// Runs `body` as one atomic, serialisable transaction (see the type's documentation):
  /// all of its writes or none.
  func write<R: Sendable>(_ body: @Sendable (any LedgerTransaction) throws(LedgerError) -> R) async throws(LedgerError)
    -> R
}

/// Ledger writes a caller adds to a transaction another operation makes (see
/// ``Dispatcher/dispatch(_:turn:alongside:)``): pure ledger calls, which the ledger may run
/// again after a transient failure.
public typealias LedgerWrites = @Sendable (any LedgerTransaction) throws(LedgerError) -> Void

/// The reads of a ledger transaction (also available in a write).
///
/// Orders are part of the contract, so that two ledgers give the same answers.
public protocol LedgerReader: AnyObject {
  /// The turn with `id`, or nil.
  func turn(_ id: TurnID) throws(LedgerError) -> TurnRecord?

  /// The turns of `project` (every turn when nil), by `createdAt` then id.
  func turns(project: ProjectID?) throws(LedgerError) -> [TurnRecord]

  /// The turn's phases by ``PhaseRecord/ordinal``, then name.
  func phases(turn: TurnID) throws(LedgerError) -> [PhaseRecord]

  /// The turn's phases by ``PhaseRecord/ordinal``, then name, without their batch lists
  /// (``PhaseRecord/batches`` empty): what an assessment or a plan reads of them, O(phases)
  /// however many batches they have (the SQL ledgers read no batch row; the default reads
  /// ``phases(turn:)``).
  func phaseHeads(turn: TurnID) throws(LedgerError) -> [PhaseRecord]

  /// The phase `(turn, name)` without its batch list (``PhaseRecord/batches`` empty), and
  /// how many batches it has; nil when there is no such phase. What a dispatch reads of a
  /// phase: O(1) in the number of its batches (the SQL ledgers keep the list as rows of
  /// its own; the default reads ``phases(turn:)``).
  func phaseHead(turn: TurnID, name: String) throws(LedgerError) -> (phase: PhaseRecord, batchCount: Int)?

  /// The action with key `key` (``ActionKey/hex``) in `scope`, or nil.
  func action(scope: DispatchScope, key: String) throws(LedgerError) -> ActionRecord?

  /// The actions the turn declared (``ActionRecord/turn``), by ordinal, then insertion order.
  func actions(turn: TurnID) throws(LedgerError) -> [ActionRecord]

  /// Calls `body` with each action of ``actions(turn:)``, in its order, holding one at a
  /// time where the ledger can read rows as it goes (the default reads them all first):
  /// what reads a whole turn (its assessment) needs O(1) memory in its actions.
  func forEachAction(turn: TurnID, _ body: (ActionRecord) throws(LedgerError) -> Void) throws(LedgerError)

  /// The ordinal the turn's next action takes: one past the largest ``ActionRecord/ordinal``
  /// of its actions, 0 when it has none (the count of its actions when, as the dispatcher
  /// declares them, ordinals are 0, 1, 2 …). O(log n) or better, without reading the
  /// actions (a default implementation reads them: ledgers override it).
  func nextOrdinal(turn: TurnID) throws(LedgerError) -> Int

  /// The outbox entry with `key`, or nil.
  func effect(key: String) throws(LedgerError) -> EffectRecord?

  /// The outbox entries the turn queued, in insertion order.
  func effects(turn: TurnID) throws(LedgerError) -> [EffectRecord]

  /// Calls `body` with each entry of ``effects(turn:)``, in its order, holding one at a
  /// time where the ledger can read rows as it goes (the default reads them all first):
  /// what prints or checks a whole turn's outbox needs O(1) memory in its entries.
  func forEachEffect(turn: TurnID, _ body: (EffectRecord) throws(LedgerError) -> Void) throws(LedgerError)

  /// Up to `limit` outbox entries with `status`, in insertion order (the outbox consumer's
  /// queue).
  func effects(status: EffectStatus, limit: Int) throws(LedgerError) -> [EffectRecord]

  /// The row of a project table, or nil.
  func entity(project: ProjectID, table: String, key: String) throws(LedgerError) -> EntityRecord?

  /// The rows of one project table (every table when `table` is nil), in order of first
  /// insertion.
  func entities(project: ProjectID, table: String?) throws(LedgerError) -> [EntityRecord]

  /// The turn's events with a sequence greater than `after`, in sequence order.
  func events(turn: TurnID, after: Int64) throws(LedgerError) -> [LedgerEvent]

  /// Calls `body` with each event of ``events(turn:after:)``, in its order, one at a time
  /// where the ledger can (as ``forEachAction(turn:_:)``).
  func forEachEvent(turn: TurnID, after: Int64, _ body: (LedgerEvent) throws(LedgerError) -> Void) throws(LedgerError)

  /// The raw bytes kept for the turn's phase stream `stream`, by ``StreamChunkRecord/offset``
  /// (empty when none were kept).
  func streamChunks(turn: TurnID, stream: String) throws(LedgerError) -> [StreamChunkRecord]
}

/// The writes of a ledger transaction. Each call is atomic on its own and, with every
/// other call of the same ``DispatchLedger/write(_:)`` body, part of one transaction.
public protocol LedgerTransaction: LedgerReader {
  /// Inserts a new turn, stored with revision 0 whatever `record.revision` says.
  /// Throws `duplicateKey("turn", id)` when the id exists.
  func insertTurn(_ record: TurnRecord) throws(LedgerError)

  /// Replaces the turn when the stored ``TurnRecord/revision`` equals `record.revision`;
  /// stores and returns it with revision + 1. Throws `notFound("turn", id)`, or
  /// `staleRevision("turn", id, expected: record.revision, found: stored)`. The ledger does
  /// not judge the status change: ``TurnRecord/transition(to:at:reason:)`` does.
  @discardableResult
  func updateTurn(_ record: TurnRecord) throws(LedgerError) -> TurnRecord

  /// Inserts or replaces the phase `(turn, name)`. Throws `notFound("turn", turn)` when
  /// the turn does not exist.
  func putPhase(_ record: PhaseRecord) throws(LedgerError)

  /// Inserts or replaces the phase `(turn, name)` except its batches, which stay as stored
  /// (none for a new phase; `record.batches` is ignored). Throws `notFound("turn", turn)`
  /// when the turn does not exist. O(1) in the number of the phase's batches.
  func putPhaseHead(_ record: PhaseRecord) throws(LedgerError)

  /// Appends `batch` to the batches of phase `(turn, phase)` unless it is there already;
  /// whether it was added. Throws `notFound("phase", "<turn> <phase>")` when there is no
  /// such phase. O(1) in the number of the phase's batches (an indexed row in the SQL
  /// ledgers): a turn of n batches costs O(n) in all, not O(n²).
  @discardableResult
  func addPhaseBatch(_ batch: String, turn: TurnID, phase: String) throws(LedgerError) -> Bool

  /// Inserts a new action. Throws `duplicateKey("action", "<scope> <hex>")` when
  /// `(scope, key.hex)` exists (the caller lost a race or replays: read the stored
  /// record), `notFound("turn", turn)` when its turn does not exist, `invalidRecord` when
  /// its key is empty or its fencing token is not 0.
  func insertAction(_ record: ActionRecord) throws(LedgerError)

  /// Replaces the action `(record.scope, record.key.hex)` when its stored fencing token
  /// equals `expectedToken` and `record.fencingToken >= expectedToken`. Throws
  /// `notFound("action", …)`, `fenced(key, presented: expectedToken, current: stored)`, or
  /// `invalidRecord` when the record's token goes backwards.
  func updateAction(_ record: ActionRecord, expectedToken: Int64) throws(LedgerError)

  /// Queues an effect in the outbox. Throws `duplicateKey("effect", key)` when the key is
  /// already queued (by any turn): the effect is already there, exactly once;
  /// `notFound("turn", turn)` when its turn does not exist.
  func insertEffect(_ record: EffectRecord) throws(LedgerError)

  /// Replaces the outbox entry when its stored revision equals `record.revision`; stores
  /// and returns it with revision + 1. Throws `notFound("effect", key)` or
  /// `staleRevision("effect", key, …)`. The key, kind, turn and action cannot change
  /// (`invalidRecord`).
  @discardableResult
  func updateEffect(_ record: EffectRecord) throws(LedgerError) -> EffectRecord

  /// Up to `limit` outbox entries that a claim at `now` may take
  /// (``EffectRecord/isClaimable(at:)``: pending or failed with `availableAt <= now`, or
  /// claimed with `lease.expiresAt <= now`) whose kind is in `kinds` (any kind when `kinds`
  /// is empty), in insertion order, **locked for this transaction** so that a concurrent
  /// claimer skips them rather than waits for them or takes them too. SQL with row locks:
  /// `SELECT … WHERE … ORDER BY <insertion> LIMIT $limit FOR UPDATE SKIP LOCKED`; SQLite (the
  /// write transaction holds the database's write lock): the same `SELECT`. Only
  /// ``claimEffects(kinds:limit:holder:now:lease:)`` needs it; a body then updates each
  /// entry with ``updateEffect(_:)``. Returns `[]` when `limit <= 0`.
  func claimableEffects(kinds: [String], now: Timestamp, limit: Int) throws(LedgerError) -> [EffectRecord]

  /// Inserts or replaces a project-table row `(project, table, key)`, as given (see
  /// ``LedgerTransaction/upsertEntity(_:)`` for the revision rule). A replaced row keeps
  /// its place in the insertion order.
  func putEntity(_ record: EntityRecord) throws(LedgerError)

  /// Appends an event; returns the sequence it was given (ignoring `event.sequence`):
  /// greater than every sequence appended before in this ledger. A rolled-back
  /// transaction's sequences may be skipped, never reused by a visible event out of order.
  @discardableResult
  func appendEvent(_ event: LedgerEvent) throws(LedgerError) -> Int64

  /// Inserts or replaces the chunk `(turn, stream, offset)` (a live turn keeps a phase
  /// stream's raw bytes for recovery). Throws `notFound("turn", turn)` when the turn does
  /// not exist, `invalidRecord` when the offset is negative or the stream name empty.
  func putStreamChunk(_ record: StreamChunkRecord) throws(LedgerError)

  /// Deletes every chunk of the turn's stream `stream` (a stream opened again starts from
  /// offset 0); nothing when there is none.
  func deleteStreamChunks(turn: TurnID, stream: String) throws(LedgerError)
}

extension LedgerReader {
  /// From ``phases(turn:)``, the batch lists dropped: O(the turn's phases and batches).
  /// Ledgers that store batches apart override it.
  public func phaseHeads(turn: TurnID) throws(LedgerError) -> [PhaseRecord] {
    try phases(turn: turn).map { phase in
      var head = phase
      head.batches = []
      return head
    }
  }

  /// From ``phases(turn:)``: O(the turn's phases and batches). Ledgers that store batches
  /// apart override it.
  public func phaseHead(turn: TurnID, name: String) throws(LedgerError) -> (phase: PhaseRecord, batchCount: Int)? {
    guard var phase = try phases(turn: turn).first(where: { $0.name == name }) else { return nil }
    let count = phase.batches.count
    phase.batches = []
    return (phase, count)
  }
}

extension LedgerTransaction {
  /// Through ``phases(turn:)`` and ``putPhase(_:)``: O(the phase's batches). Ledgers
  /// that store batches apart override it.
  public func putPhaseHead(_ record: PhaseRecord) throws(LedgerError) {
    var record = record
    record.batches = try phases(turn: record.turn).first(where: { $0.name == record.name })?.batches ?? []
    try putPhase(record)
  }

  /// Through ``phases(turn:)`` and ``putPhase(_:)``: O(the phase's batches). Ledgers
  /// that store batches apart override it.
  @discardableResult
  public func addPhaseBatch(_ batch: String, turn: TurnID, phase name: String) throws(LedgerError) -> Bool {
    guard var phase = try phases(turn: turn).first(where: { $0.name == name }) else {
      throw .notFound(what: "phase", key: "\(turn.rawValue) \(name)")
    }
    guard !phase.batches.contains(batch) else { return false }
    phase.batches.append(batch)
    try putPhase(phase)
    return true
  }
}
