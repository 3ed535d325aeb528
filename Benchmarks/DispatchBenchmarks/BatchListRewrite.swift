import SlateDispatch

/// A ledger that keeps a phase's batch ids the way every ledger did before the batch rows
/// (`v5-phase-batches`): it forwards everything to `inner` but the three O(1) phase
/// operations, which take the protocol's defaults, reading the turn's phases with their
/// whole batch lists (``LedgerReader/phases(turn:)``) and writing the phase with its whole
/// list (``LedgerTransaction/putPhase(_:)``) at each batch's open and close. The
/// benchmark's "before", measured in the same run as the ledger's own O(1) path.
final class BatchListRewriteLedger: DispatchLedger {
  let inner: any DispatchLedger

  init(_ inner: any DispatchLedger) { self.inner = inner }

  func read<R: Sendable>(_ body: @Sendable (any LedgerReader) throws(LedgerError) -> R) async throws(LedgerError) -> R {
    try await inner.read { tx throws(LedgerError) in try body(BatchListRewriteTransaction(tx)) }
  }

  func write<R: Sendable>(_ body: @Sendable (any LedgerTransaction) throws(LedgerError) -> R) async throws(LedgerError)
    -> R
  {
    try await inner.write { tx throws(LedgerError) in try body(BatchListRewriteTransaction(tx)) }
  }
}

/// The forwarding transaction of ``BatchListRewriteLedger`` (writes need a write's `inner`).
final class BatchListRewriteTransaction: LedgerTransaction {
  let inner: any LedgerReader
  var writer: any LedgerTransaction { inner as! any LedgerTransaction }

  init(_ inner: any LedgerReader) { self.inner = inner }

  func turn(_ id: TurnID) throws(LedgerError) -> TurnRecord? { try inner.turn(id) }
  func turns(project: ProjectID?) throws(LedgerError) -> [TurnRecord] { try inner.turns(project: project) }
  func phases(turn: TurnID) throws(LedgerError) -> [PhaseRecord] { try inner.phases(turn: turn) }
  func action(scope: DispatchScope, key: String) throws(LedgerError) -> ActionRecord? { try inner.action(scope: scope, key: key) }
  func actions(turn: TurnID) throws(LedgerError) -> [ActionRecord] { try inner.actions(turn: turn) }
  func nextOrdinal(turn: TurnID) throws(LedgerError) -> Int { try inner.nextOrdinal(turn: turn) }
  func effect(key: String) throws(LedgerError) -> EffectRecord? { try inner.effect(key: key) }
  func effects(turn: TurnID) throws(LedgerError) -> [EffectRecord] { try inner.effects(turn: turn) }
  func effects(status: EffectStatus, limit: Int) throws(LedgerError) -> [EffectRecord] {
    try inner.effects(status: status, limit: limit)
  }
  func entity(project: ProjectID, table: String, key: String) throws(LedgerError) -> EntityRecord? {
    try inner.entity(project: project, table: table, key: key)
  }
  func entities(project: ProjectID, table: String?) throws(LedgerError) -> [EntityRecord] {
    try inner.entities(project: project, table: table)
  }
  func events(turn: TurnID, after: Int64) throws(LedgerError) -> [LedgerEvent] { try inner.events(turn: turn, after: after) }
  func streamChunks(turn: TurnID, stream: String) throws(LedgerError) -> [StreamChunkRecord] {
    try inner.streamChunks(turn: turn, stream: stream)
  }

  func insertTurn(_ record: TurnRecord) throws(LedgerError) { try writer.insertTurn(record) }
  func updateTurn(_ record: TurnRecord) throws(LedgerError) -> TurnRecord { try writer.updateTurn(record) }
  func putPhase(_ record: PhaseRecord) throws(LedgerError) { try writer.putPhase(record) }
  func insertAction(_ record: ActionRecord) throws(LedgerError) { try writer.insertAction(record) }
  func updateAction(_ record: ActionRecord, expectedToken: Int64) throws(LedgerError) {
    try writer.updateAction(record, expectedToken: expectedToken)
  }
  func insertEffect(_ record: EffectRecord) throws(LedgerError) { try writer.insertEffect(record) }
  func updateEffect(_ record: EffectRecord) throws(LedgerError) -> EffectRecord { try writer.updateEffect(record) }
  func claimableEffects(kinds: [String], now: Timestamp, limit: Int) throws(LedgerError) -> [EffectRecord] {
    try writer.claimableEffects(kinds: kinds, now: now, limit: limit)
  }
  func putEntity(_ record: EntityRecord) throws(LedgerError) { try writer.putEntity(record) }
  func appendEvent(_ event: LedgerEvent) throws(LedgerError) -> Int64 { try writer.appendEvent(event) }
  func putStreamChunk(_ record: StreamChunkRecord) throws(LedgerError) { try writer.putStreamChunk(record) }
  func deleteStreamChunks(turn: TurnID, stream: String) throws(LedgerError) {
    try writer.deleteStreamChunks(turn: turn, stream: stream)
  }
}
