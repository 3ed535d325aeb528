import PostgresNIO
import SlateDispatch
import SlateJSON

/// One transaction of a ``PostgresLedger``, over the connection it holds for the body's
/// duration, used from the one thread that runs the body.
///
/// The body is synchronous and the driver asynchronous: each statement is sent on the
/// connection's event loop and this thread **blocks** until the server's answer (the
/// `EventLoopFuture`'s `wait()`). That is sound here because the thread is one of the
/// ledger's own (an `NIOThreadPool`'s), never an event loop thread (which would deadlock)
/// nor one of Swift concurrency's cooperative threads (which it would starve). The body
/// sees real answers at every read, as it would with SQLite, with one round trip per
/// statement; buffering writes instead would break reads of the body's own writes.
///
/// After the server rejects a statement it has aborted the transaction; ``failure`` keeps
/// that first error, every later statement throws it again without a round trip, and the
/// ledger never commits (it rolls back, and runs the body again when the failure was a
/// conflict or a lost connection).
///
/// Complexity: a lookup by key is one index probe, O(log n), plus one round trip; a list is
/// O(log n + k) for its k rows; decoding is O(bytes) per row.
final class PostgresTransaction: LedgerTransaction {
  let connection: PostgresConnection
  let logger: Logger
  let json = JSONColumns()
  /// The ledger's liveness locks (none for a read-only ledger).
  let liveness: HolderLiveness?
  /// The first failure of a statement: the server's transaction is aborted.
  private(set) var failure: LedgerError?
  /// The holders this transaction wrote to `lease_holders` (``HolderLiveness/committed(_:)``
  /// once it commits).
  var recordedHolders: [String] = []

  init(_ connection: PostgresConnection, logger: Logger, liveness: HolderLiveness?) {
    self.connection = connection
    self.logger = logger
    self.liveness = liveness
  }

  // MARK: Statement helpers

  /// Runs one statement and waits for its result.
  @discardableResult
  func execute(_ sql: String, _ binds: Binds = Binds(capacity: 0)) throws(LedgerError) -> PostgresQueryResult {
    if let failure { throw failure }
    do {
      return try Self.answer(connection, PostgresQuery(unsafeSQL: sql, binds: binds.bindings), logger).wait()
    } catch {
      let mapped = LedgerError(postgres: error)
      failure = mapped
      throw mapped
    }
  }

  /// The answer to `query`, failed with `PG_CONNECTION` when the connection is found closed
  /// once the statement was handed to it.
  ///
  /// postgres-nio hands a statement to its channel with `write(_:promise: nil)`: on a channel
  /// already closed (the server ended the session: `pg_terminate_backend`, a restart) the
  /// write fails silently and the statement's own future is never completed, so waiting on
  /// it would block forever. A check queued on the event loop right after the write runs
  /// after it: if the channel was open then, the connection's handler owns the statement
  /// and fails it when the channel closes; if it is closed by the time of the check, the
  /// check fails it (a second completion of a completed promise is ignored). O(1) extra.
  static func answer(_ connection: PostgresConnection, _ query: PostgresQuery, _ logger: Logger)
    -> EventLoopFuture<PostgresQueryResult>
  {
    let promise = connection.eventLoop.makePromise(of: PostgresQueryResult.self)
    connection.query(query, logger: logger).cascade(to: promise)
    connection.eventLoop.execute {
      if connection.isClosed {
        promise.fail(LedgerError.storage(code: "PG_CONNECTION", message: "the connection was closed"))
      }
    }
    return promise.futureResult
  }

  /// Executes a write; returns how many rows it changed.
  func change(_ sql: String, _ binds: Binds) throws(LedgerError) -> Int {
    try execute(sql, binds).metadata.rows ?? 0
  }

  /// The first row of a query, decoded.
  func one<T: PostgresRecord>(_ sql: String, _ binds: Binds, _ what: String) throws(LedgerError) -> T? {
    let result = try execute(sql, binds)
    guard let row = result.rows.first else { return nil }
    var reader = RowReader(row, what, json)
    return try T(&reader)
  }

  /// Every row of a query, decoded, in the query's order.
  func all<T: PostgresRecord>(_ sql: String, _ binds: Binds, _ what: String) throws(LedgerError) -> [T] {
    let result = try execute(sql, binds)
    var out: [T] = []
    out.reserveCapacity(result.rows.count)
    for row in result.rows {
      var reader = RowReader(row, what, json)
      out.append(try T(&reader))
    }
    return out
  }

  /// Binds of text values.
  static func texts(_ values: String...) -> Binds {
    var binds = Binds(capacity: values.count)
    for value in values { binds.text(value) }
    return binds
  }

  /// Whether the turn exists.
  func turnExists(_ id: TurnID) throws(LedgerError) -> Bool {
    try !execute(SQL.turnExists, Self.texts(id.rawValue)).rows.isEmpty
  }

  // MARK: Reads

  func turn(_ id: TurnID) throws(LedgerError) -> TurnRecord? {
    try one(SQL.turn, Self.texts(id.rawValue), "turn")
  }

  func turns(project: ProjectID?) throws(LedgerError) -> [TurnRecord] {
    guard let project else { return try all(SQL.turns, Binds(capacity: 0), "turn") }
    return try all(SQL.turnsOfProject, Self.texts(project.rawValue), "turn")
  }

  func phases(turn: TurnID) throws(LedgerError) -> [PhaseRecord] {
    try all(SQL.phases, Self.texts(turn.rawValue), "phase")
  }

  func phaseHeads(turn: TurnID) throws(LedgerError) -> [PhaseRecord] {
    try all(SQL.phaseHeads, Self.texts(turn.rawValue), "phase")
  }

  func phaseHead(turn: TurnID, name: String) throws(LedgerError) -> (phase: PhaseRecord, batchCount: Int)? {
    let head: PhaseHeadRow? = try one(SQL.phaseHead, Self.texts(turn.rawValue, name), "phase")
    return head.map { ($0.phase, $0.batchCount) }
  }

  func action(scope: DispatchScope, key: String) throws(LedgerError) -> ActionRecord? {
    try actionRecords(SQL.action, Self.texts(scope.key, key)).first
  }

  func actions(turn: TurnID) throws(LedgerError) -> [ActionRecord] {
    try actionRecords(SQL.actions, Self.texts(turn.rawValue))
  }

  /// Action rows, each followed by its "holder gone" column (see ``leasedRecords(_:_:_:)``),
  /// so ``LedgerTransaction/acquireLease(scope:key:holder:now:duration:)`` takes a dead
  /// worker's lease over at once.
  private func actionRecords(_ sql: String, _ binds: Binds) throws(LedgerError) -> [ActionRecord] {
    try leasedRecords(sql, binds, "action")
  }

  /// Rows of leased records, each followed by its "holder gone" column: a lease whose
  /// holder is gone (its liveness lock released: the worker died) is read as expired at the
  /// record's last update.
  private func leasedRecords<T: PostgresRecord & LeasedRecord>(_ sql: String, _ binds: Binds, _ what: String)
    throws(LedgerError) -> [T]
  {
    let result = try execute(sql, binds)
    var out: [T] = []
    out.reserveCapacity(result.rows.count)
    for row in result.rows {
      var reader = RowReader(row, what, json)
      var record = try T(&reader)
      if try reader.bool(), let lease = record.lease {
        record.lease = Lease(holder: lease.holder, token: lease.token, expiresAt: min(lease.expiresAt, record.updatedAt))
      }
      out.append(record)
    }
    return out
  }

  func effect(key: String) throws(LedgerError) -> EffectRecord? {
    try one(SQL.effect, Self.texts(key), "effect")
  }

  func effects(turn: TurnID) throws(LedgerError) -> [EffectRecord] {
    try all(SQL.effectsOfTurn, Self.texts(turn.rawValue), "effect")
  }

  func effects(status: EffectStatus, limit: Int) throws(LedgerError) -> [EffectRecord] {
    guard limit > 0 else { return [] }
    var binds = Self.texts(status.rawValue)
    binds.int(limit)
    return try all(SQL.effectsWithStatus, binds, "effect")
  }

  func entity(project: ProjectID, table: String, key: String) throws(LedgerError) -> EntityRecord? {
    try one(SQL.entity, Self.texts(project.rawValue, table, key), "entity")
  }

  func entities(project: ProjectID, table: String?) throws(LedgerError) -> [EntityRecord] {
    guard let table else { return try all(SQL.entitiesOfProject, Self.texts(project.rawValue), "entity") }
    return try all(SQL.entitiesOfTable, Self.texts(project.rawValue, table), "entity")
  }

  func events(turn: TurnID, after: Int64) throws(LedgerError) -> [LedgerEvent] {
    var binds = Self.texts(turn.rawValue)
    binds.int(after)
    return try all(SQL.events, binds, "event")
  }

  func nextOrdinal(turn: TurnID) throws(LedgerError) -> Int {
    guard let row = try execute(SQL.maxOrdinal, Self.texts(turn.rawValue)).rows.first else { return 0 }
    var reader = RowReader(row, "ordinal", json)
    return try reader.optionalInt().map { $0 + 1 } ?? 0
  }

  func claimableEffects(kinds: [String], now: Timestamp, limit: Int) throws(LedgerError) -> [EffectRecord] {
    guard limit > 0 else { return [] }
    var binds = Binds(capacity: 3)
    binds.time(now)
    binds.int(limit)
    if !kinds.isEmpty { binds.strings(kinds) }
    // A dead worker's claim reads as expired when it was last written, as an action's lease.
    return try leasedRecords(kinds.isEmpty ? SQL.claimableEffects : SQL.claimableEffectsOfKinds, binds, "effect")
  }

  func streamChunks(turn: TurnID, stream: String) throws(LedgerError) -> [StreamChunkRecord] {
    try execute(SQL.streamChunks, Self.texts(turn.rawValue, stream)).rows.map { row throws(LedgerError) in
      var reader = RowReader(row, "stream chunk", json)
      return StreamChunkRecord(turn: turn, stream: stream, offset: try reader.int64(), bytes: try reader.bytes())
    }
  }
}

/// A record with a lease and a last-update time (actions, outbox entries).
protocol LeasedRecord {
  var lease: Lease? { get set }
  var updatedAt: Timestamp { get }
}

extension ActionRecord: LeasedRecord {}
extension EffectRecord: LeasedRecord {}
