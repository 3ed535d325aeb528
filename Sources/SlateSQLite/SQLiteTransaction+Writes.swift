import Foundation
import GRDB
import SlateDispatch

/// The writes of a ``SQLiteTransaction``, each one statement on its success path (see
/// ``SQL``). When a guarded statement changes no row, a read of the stored row tells which
/// rule refused it, in the protocol's order (the same as ``InMemoryLedger``'s), and nothing
/// was written.
extension SQLiteTransaction {
  func insertTurn(_ record: TurnRecord) throws(LedgerError) {
    guard !record.id.rawValue.isEmpty else { throw .invalidRecord(what: "turn", reason: "the id is empty") }
    guard try change(SQL.insertTurn, record.arguments) == 1 else {
      throw .duplicateKey(what: "turn", key: record.id.rawValue)
    }
  }

  func updateTurn(_ record: TurnRecord) throws(LedgerError) -> TurnRecord {
    if try change(SQL.updateTurn, record.arguments + [record.revision]) == 1 {
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
    _ = try change(SQL.deletePhaseBatches, [record.turn.rawValue, record.name])
    var seen = Set<String>()
    for batch in record.batches where seen.insert(batch).inserted {
      _ = try change(SQL.addPhaseBatch, [record.turn.rawValue, record.name, batch])
    }
  }

  /// One upsert of the phase's row; its batches rows stay. O(1) in the batches.
  func putPhaseHead(_ record: PhaseRecord) throws(LedgerError) {
    guard try change(SQL.putPhase, record.arguments) == 1 else {
      throw .notFound(what: "turn", key: record.turn.rawValue)
    }
  }

  /// One indexed insert: O(log batches).
  func addPhaseBatch(_ batch: String, turn: TurnID, phase: String) throws(LedgerError) -> Bool {
    if try change(SQL.addPhaseBatch, [turn.rawValue, phase, batch]) == 1 { return true }
    let exists = try with(SQL.phaseExists) { statement in
      try Int64.fetchOne(statement, arguments: [turn.rawValue, phase]) != nil
    }
    guard exists else { throw .notFound(what: "phase", key: "\(turn.rawValue) \(phase)") }
    return false
  }

  func insertAction(_ record: ActionRecord) throws(LedgerError) {
    try LedgerRules.checkNew(record)
    if try change(SQL.insertAction, record.arguments) == 1 { return }
    throw LedgerRules.insertRefusal("action", key: record.scope.key + " " + record.key.hex, turn: record.turn,
                                    turnExists: try turnExists(record.turn))
  }

  func updateAction(_ record: ActionRecord, expectedToken: Int64) throws(LedgerError) {
    let forwards = record.fencingToken >= expectedToken
    if forwards, try change(SQL.updateAction, record.arguments + [expectedToken]) == 1 { return }
    // Nothing was written: say why, in the protocol's order.
    let storedToken = try with(SQL.actionGuard) { statement -> Int64? in
      guard let row = try Row.fetchOne(statement, arguments: [record.scope.key, record.key.hex]) else { return nil }
      return try row.decode(Int64.self, atIndex: 0)
    }
    throw LedgerRules.actionUpdateRefusal(record, expectedToken: expectedToken, storedToken: storedToken)
  }

  func insertEffect(_ record: EffectRecord) throws(LedgerError) {
    try LedgerRules.requireKey(record.key, of: "effect")
    if try change(SQL.insertEffect, record.arguments) == 1 { return }
    throw LedgerRules.insertRefusal("effect", key: record.key, turn: record.turn, turnExists: try turnExists(record.turn))
  }

  func updateEffect(_ record: EffectRecord) throws(LedgerError) -> EffectRecord {
    if try change(SQL.updateEffect, record.arguments) == 1 {
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
    _ = try change(SQL.putEntity, record.arguments)
  }

  func appendEvent(_ event: LedgerEvent) throws(LedgerError) -> Int64 {
    try with(SQL.appendEvent) { statement in
      try statement.execute(arguments: event.arguments)
      return db.lastInsertedRowID
    }
  }

  func putStreamChunk(_ record: StreamChunkRecord) throws(LedgerError) {
    guard !record.stream.isEmpty, record.offset >= 0 else {
      throw .invalidRecord(what: "stream chunk", reason: "the stream name is empty or the offset negative")
    }
    guard try change(SQL.putStreamChunk, [record.turn.rawValue, record.stream, record.offset, Data(record.bytes)]) == 1
    else { throw .notFound(what: "turn", key: record.turn.rawValue) }
  }

  func deleteStreamChunks(turn: TurnID, stream: String) throws(LedgerError) {
    _ = try change(SQL.deleteStreamChunks, [turn.rawValue, stream])
  }

  /// The `revision` column of the row `key` names, or nil when there is none.
  private func storedRevision(_ sql: String, _ key: String) throws(LedgerError) -> Int? {
    try with(sql) { statement in try Int.fetchOne(statement, arguments: [key]) }
  }
}
