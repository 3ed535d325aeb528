import PostgresNIO
import SlateDispatch

/// The writes of a ``PostgresTransaction``, each one statement on its success path (see
/// ``SQL``). When a guarded statement changes no row, a read of the stored row tells which
/// rule refused it, in the protocol's order (the same as `InMemoryLedger`'s and
/// `SQLiteLedger`'s), and nothing was written.
extension PostgresTransaction {
  func insertTurn(_ record: TurnRecord) throws(LedgerError) {
    guard !record.id.rawValue.isEmpty else { throw .invalidRecord(what: "turn", reason: "the id is empty") }
    guard try change(SQL.insertTurn, record.binds) == 1 else {
      throw .duplicateKey(what: "turn", key: record.id.rawValue)
    }
  }

  func updateTurn(_ record: TurnRecord) throws(LedgerError) -> TurnRecord {
    var binds = record.binds
    binds.int(record.revision)
    if try change(SQL.updateTurn, binds) == 1 {
      var stored = record
      stored.revision = record.revision + 1
      return stored
    }
    throw LedgerRules.revisionRefusal("turn", key: record.id.rawValue, expected: record.revision,
                                      found: try storedRevision(SQL.turnRevision, record.id.rawValue))
  }

  /// The fields, then the batch list replaced (each id once, in order). O(batches).
  func putPhase(_ record: PhaseRecord) throws(LedgerError) {
    try putPhaseHead(record)
    _ = try change(SQL.deletePhaseBatches, Self.texts(record.turn.rawValue, record.name))
    var seen = Set<String>()
    for batch in record.batches where seen.insert(batch).inserted {
      _ = try change(SQL.addPhaseBatch, Self.texts(record.turn.rawValue, record.name, batch))
    }
  }

  /// One upsert of the phase's row; its batch rows stay. O(1) in the batches.
  func putPhaseHead(_ record: PhaseRecord) throws(LedgerError) {
    guard try change(SQL.putPhase, record.binds) == 1 else {
      throw .notFound(what: "turn", key: record.turn.rawValue)
    }
  }

  /// One indexed insert: O(log batches).
  func addPhaseBatch(_ batch: String, turn: TurnID, phase: String) throws(LedgerError) -> Bool {
    if try change(SQL.addPhaseBatch, Self.texts(turn.rawValue, phase, batch)) == 1 { return true }
    guard try !execute(SQL.phaseExists, Self.texts(turn.rawValue, phase)).rows.isEmpty else {
      throw .notFound(what: "phase", key: "\(turn.rawValue) \(phase)")
    }
    return false
  }

  func insertAction(_ record: ActionRecord) throws(LedgerError) {
    try LedgerRules.checkNew(record)
    if try change(SQL.insertAction, record.binds) == 1 { return }
    throw LedgerRules.insertRefusal("action", key: record.scope.key + " " + record.key.hex, turn: record.turn,
                                    turnExists: try turnExists(record.turn))
  }

  func updateAction(_ record: ActionRecord, expectedToken: Int64) throws(LedgerError) {
    let forwards = record.fencingToken >= expectedToken
    var binds = record.binds
    binds.int(expectedToken)
    if forwards, try change(SQL.updateAction, binds) == 1 {
      try holdLiveness(of: record.lease?.holder)
      return
    }
    // Nothing was written: say why, in the protocol's order.
    let rows = try execute(SQL.actionGuard, Self.texts(record.scope.key, record.key.hex)).rows
    var storedToken: Int64?
    if let row = rows.first {
      var reader = RowReader(row, "action", json)
      storedToken = try reader.int64()
    }
    throw LedgerRules.actionUpdateRefusal(record, expectedToken: expectedToken, storedToken: storedToken)
  }

  func insertEffect(_ record: EffectRecord) throws(LedgerError) {
    try LedgerRules.requireKey(record.key, of: "effect")
    if try change(SQL.insertEffect, record.binds) == 1 { return }
    throw LedgerRules.insertRefusal("effect", key: record.key, turn: record.turn, turnExists: try turnExists(record.turn))
  }

  func updateEffect(_ record: EffectRecord) throws(LedgerError) -> EffectRecord {
    if try change(SQL.updateEffect, record.binds) == 1 {
      try holdLiveness(of: record.lease?.holder)
      var stored = record
      stored.revision = record.revision + 1
      return stored
    }
    throw LedgerRules.revisionRefusal("effect", key: record.key, expected: record.revision,
                                      found: try storedRevision(SQL.effectRevision, record.key),
                                      immutable: LedgerRules.effectIdentity)
  }

  func putEntity(_ record: EntityRecord) throws(LedgerError) {
    try LedgerRules.requireKey(record.key, of: "entity")
    _ = try change(SQL.putEntity, record.binds)
  }

  func appendEvent(_ event: LedgerEvent) throws(LedgerError) -> Int64 {
    guard let row = try execute(SQL.appendEvent, event.binds).rows.first else {
      throw .storage(code: "PG_NO_ROW", message: "appending an event returned no sequence")
    }
    var reader = RowReader(row, "event", json)
    return try reader.int64()
  }

  func putStreamChunk(_ record: StreamChunkRecord) throws(LedgerError) {
    guard !record.stream.isEmpty, record.offset >= 0 else {
      throw .invalidRecord(what: "stream chunk", reason: "the stream name is empty or the offset negative")
    }
    var binds = Self.texts(record.turn.rawValue, record.stream)
    binds.int(record.offset)
    binds.bytes(record.bytes)
    guard try change(SQL.putStreamChunk, binds) == 1 else { throw .notFound(what: "turn", key: record.turn.rawValue) }
  }

  func deleteStreamChunks(turn: TurnID, stream: String) throws(LedgerError) {
    _ = try change(SQL.deleteStreamChunks, Self.texts(turn.rawValue, stream))
  }

  /// Before a lease written by this transaction is visible (at commit), this process holds
  /// its holder's liveness lock, and the holder is recorded in `lease_holders` (until a
  /// transaction that recorded it commits); see `HolderLiveness`. A lock that cannot be
  /// taken leaves the lease to expire with time.
  private func holdLiveness(of holder: String?) throws(LedgerError) {
    guard let holder, let liveness, !recordedHolders.contains(holder), liveness.hold(holder),
      liveness.shouldRecord(holder) else { return }
    _ = try change(SQL.recordHolder, Self.texts(holder))
    recordedHolders.append(holder)
  }

  /// The `revision` column of the row `key` names, or nil when there is none.
  private func storedRevision(_ sql: String, _ key: String) throws(LedgerError) -> Int? {
    guard let row = try execute(sql, Self.texts(key)).rows.first else { return nil }
    var reader = RowReader(row, "revision", json)
    return try reader.int()
  }
}
