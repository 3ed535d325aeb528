/// A ``DispatchLedger`` in memory: for tests, drills and dry runs.
///
/// It keeps the protocol exactly as a SQL ledger does: one `write` body at a time (the
/// actor), all of a body's writes or none (the body writes in place and logs how to undo
/// each write; a body that throws is rolled back from the log, newest first), unique keys,
/// fencing and revisions checked by the primitives themselves. Nothing survives the process.
///
/// Complexity: O(1) amortised per write primitive (an in-place change and one undo entry),
/// O(writes) for a rollback; reads are O(1) by key and O(n log n) for ordered lists.
public actor InMemoryLedger: DispatchLedger {
  private let store = LedgerStore()

  public init() {}

  public func read<R: Sendable>(_ body: @Sendable (any LedgerReader) throws(LedgerError) -> R) async throws(LedgerError)
    -> R
  {
    try body(InMemoryTransaction(store))
  }

  public func write<R: Sendable>(_ body: @Sendable (any LedgerTransaction) throws(LedgerError) -> R)
    async throws(LedgerError) -> R
  {
    let transaction = InMemoryTransaction(store)
    do {
      return try body(transaction)
    } catch {
      transaction.rollBack()
      throw error
    }
  }

  /// Counts of what the ledger holds, for tests and `slate` summaries.
  public var counts: (turns: Int, actions: Int, effects: Int, entities: Int, events: Int) {
    let state = store.state
    return (state.turns.count, state.actionOrder.count, state.effectOrder.count, state.entityOrder.count,
            state.events.count)
  }
}

/// The state of an ``InMemoryLedger``, held by reference so that a transaction changes it
/// in place (never a copy of the whole state).
final class LedgerStore {
  var state = LedgerState()
}

/// Everything an ``InMemoryLedger`` holds.
struct LedgerState: Sendable {
  struct ActionID: Hashable, Sendable {
    var scope: String
    var key: String
  }

  struct EntityID: Hashable, Sendable {
    var project: ProjectID
    var table: String
    var key: String
  }

  var turns: [TurnID: TurnRecord] = [:]
  var phases: [TurnID: [String: PhaseRecord]] = [:]
  /// Each phase's ``PhaseRecord/batches`` as a set (``LedgerTransaction/addPhaseBatch(_:turn:phase:)`` in O(1)).
  var phaseBatchSets: [TurnID: [String: Set<String>]] = [:]
  var actions: [ActionID: ActionRecord] = [:]
  /// Insertion order of actions, and each turn's actions in insertion order.
  var actionOrder: [ActionID] = []
  var actionsByTurn: [TurnID: [ActionID]] = [:]
  /// Per turn, one past the largest ordinal of its actions (``LedgerReader/nextOrdinal(turn:)``).
  var nextOrdinal: [TurnID: Int] = [:]
  var effects: [String: EffectRecord] = [:]
  var effectOrder: [String] = []
  var effectsByTurn: [TurnID: [String]] = [:]
  var entities: [EntityID: EntityRecord] = [:]
  var entityOrder: [EntityID] = []
  var events: [LedgerEvent] = []
  var lastSequence: Int64 = 0
  /// Each turn's kept stream bytes, by stream, then offset.
  var streamChunks: [TurnID: [String: [Int64: StreamChunkRecord]]] = [:]
}

/// One transaction (or read) of an ``InMemoryLedger``: it reads and writes the ledger's
/// state in place, logging the inverse of each write so that ``rollBack()`` can restore the
/// state the transaction started from.
final class InMemoryTransaction: LedgerTransaction {
  private let store: LedgerStore
  /// The inverse of each write, oldest first.
  private var undo: [(inout LedgerState) -> Void] = []

  init(_ store: LedgerStore) { self.store = store }

  /// The ledger's state, read in place. Writes go through the logged primitives below.
  var state: LedgerState {
    _read { yield store.state }
  }

  /// Undoes every write of this transaction, newest first. O(writes).
  func rollBack() {
    while let inverse = undo.popLast() { inverse(&store.state) }
  }

  // MARK: Logged primitives (each O(1) amortised)

  /// `state[keyPath: path][key] = value`, logged.
  private func set<Key: Hashable, Value>(_ path: WritableKeyPath<LedgerState, [Key: Value]>, _ key: Key, _ value: Value) {
    let old = store.state[keyPath: path].updateValue(value, forKey: key)
    undo.append { $0[keyPath: path][key] = old }
  }

  /// `state[keyPath: path][key, default: []].append(element)`, logged.
  private func append<Key: Hashable, Element>(_ path: WritableKeyPath<LedgerState, [Key: [Element]]>, _ key: Key,
                                              _ element: Element)
  {
    let existed = store.state[keyPath: path][key] != nil
    store.state[keyPath: path][key, default: []].append(element)
    undo.append { state in
      if existed { state[keyPath: path][key]!.removeLast() } else { state[keyPath: path][key] = nil }
    }
  }

  /// `state[keyPath: path].append(element)`, logged.
  private func append<Element>(_ path: WritableKeyPath<LedgerState, [Element]>, _ element: Element) {
    store.state[keyPath: path].append(element)
    undo.append { $0[keyPath: path].removeLast() }
  }

  // MARK: Reads

  func turn(_ id: TurnID) throws(LedgerError) -> TurnRecord? { state.turns[id] }

  func turns(project: ProjectID?) throws(LedgerError) -> [TurnRecord] {
    state.turns.values.filter { project == nil || $0.project == project }
      .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
  }

  func phases(turn: TurnID) throws(LedgerError) -> [PhaseRecord] {
    (state.phases[turn] ?? [:]).values.sorted {
      $0.ordinal != $1.ordinal ? $0.ordinal < $1.ordinal : $0.name.utf8.lexicographicallyPrecedes($1.name.utf8)
    }
  }

  func action(scope: DispatchScope, key: String) throws(LedgerError) -> ActionRecord? {
    state.actions[LedgerState.ActionID(scope: scope.key, key: key)]
  }

  func actions(turn: TurnID) throws(LedgerError) -> [ActionRecord] {
    // Stable sort: insertion order breaks ordinal ties.
    let records = (state.actionsByTurn[turn] ?? []).compactMap { state.actions[$0] }
    return records.enumerated().sorted { ($0.element.ordinal, $0.offset) < ($1.element.ordinal, $1.offset) }
      .map(\.element)
  }

  func nextOrdinal(turn: TurnID) throws(LedgerError) -> Int { state.nextOrdinal[turn] ?? 0 }

  func effect(key: String) throws(LedgerError) -> EffectRecord? { state.effects[key] }

  func effects(turn: TurnID) throws(LedgerError) -> [EffectRecord] {
    (state.effectsByTurn[turn] ?? []).compactMap { state.effects[$0] }
  }

  func effects(status: EffectStatus, limit: Int) throws(LedgerError) -> [EffectRecord] {
    var out: [EffectRecord] = []
    for key in state.effectOrder where out.count < limit {
      if let effect = state.effects[key], effect.status == status { out.append(effect) }
    }
    return out
  }

  func entity(project: ProjectID, table: String, key: String) throws(LedgerError) -> EntityRecord? {
    state.entities[LedgerState.EntityID(project: project, table: table, key: key)]
  }

  func entities(project: ProjectID, table: String?) throws(LedgerError) -> [EntityRecord] {
    state.entityOrder.filter { $0.project == project && (table == nil || $0.table == table) }
      .compactMap { state.entities[$0] }
  }

  /// O(log events + the events after `after`): the log is in sequence order.
  func events(turn: TurnID, after: Int64) throws(LedgerError) -> [LedgerEvent] {
    let events = state.events
    var low = 0
    var high = events.count
    while low < high {
      let middle = (low + high) / 2
      if events[middle].sequence > after { high = middle } else { low = middle + 1 }
    }
    return events[low...].filter { $0.turn == turn }
  }

  func streamChunks(turn: TurnID, stream: String) throws(LedgerError) -> [StreamChunkRecord] {
    (state.streamChunks[turn]?[stream] ?? [:]).values.sorted { $0.offset < $1.offset }
  }

  // MARK: Writes

  func insertTurn(_ record: TurnRecord) throws(LedgerError) {
    guard !record.id.rawValue.isEmpty else { throw .invalidRecord(what: "turn", reason: "the id is empty") }
    guard state.turns[record.id] == nil else { throw .duplicateKey(what: "turn", key: record.id.rawValue) }
    var stored = record
    stored.revision = 0
    set(\.turns, record.id, stored)
  }

  func updateTurn(_ record: TurnRecord) throws(LedgerError) -> TurnRecord {
    guard let stored = state.turns[record.id], stored.revision == record.revision else {
      throw LedgerRules.revisionRefusal("turn", key: record.id.rawValue, expected: record.revision,
                                        found: state.turns[record.id]?.revision)
    }
    var next = record
    next.revision = stored.revision + 1
    set(\.turns, record.id, next)
    return next
  }

  func putPhase(_ record: PhaseRecord) throws(LedgerError) {
    guard state.turns[record.turn] != nil else { throw .notFound(what: "turn", key: record.turn.rawValue) }
    let turn = record.turn
    let existed = state.phases[turn] != nil
    let old = store.state.phases[turn, default: [:]].updateValue(record, forKey: record.name)
    let oldSet = store.state.phaseBatchSets[turn, default: [:]].updateValue(Set(record.batches), forKey: record.name)
    undo.append { state in
      if existed { state.phases[turn]![record.name] = old } else { state.phases[turn] = nil }
      if existed { state.phaseBatchSets[turn]![record.name] = oldSet } else { state.phaseBatchSets[turn] = nil }
    }
  }

  /// The stored batches kept, the other fields replaced in place: O(1), never a copy of
  /// the batch list.
  func putPhaseHead(_ record: PhaseRecord) throws(LedgerError) {
    guard var old = state.phases[record.turn]?[record.name] else {
      var new = record
      new.batches = []  // a new phase has none
      return try putPhase(new)
    }
    guard state.turns[record.turn] != nil else { throw .notFound(what: "turn", key: record.turn.rawValue) }
    let turn = record.turn, name = record.name
    old.batches = []  // the undo keeps the other fields only
    store.state.phases[turn]![name]!.replaceHead(with: record)
    undo.append { $0.phases[turn]![name]!.replaceHead(with: old) }
  }

  func phaseHead(turn: TurnID, name: String) throws(LedgerError) -> (phase: PhaseRecord, batchCount: Int)? {
    guard var phase = state.phases[turn]?[name] else { return nil }
    let count = phase.batches.count
    phase.batches = []
    return (phase, count)
  }

  /// An in-place append to the list and its set: O(1) amortised.
  func addPhaseBatch(_ batch: String, turn: TurnID, phase name: String) throws(LedgerError) -> Bool {
    guard state.phases[turn]?[name] != nil else { throw .notFound(what: "phase", key: "\(turn.rawValue) \(name)") }
    if state.phaseBatchSets[turn]?[name]?.contains(batch) == true { return false }
    store.state.phases[turn]![name]!.batches.append(batch)
    store.state.phaseBatchSets[turn, default: [:]][name, default: []].insert(batch)
    undo.append { state in
      state.phases[turn]![name]!.batches.removeLast()
      state.phaseBatchSets[turn]![name]!.remove(batch)
    }
    return true
  }

  func insertAction(_ record: ActionRecord) throws(LedgerError) {
    try LedgerRules.checkNew(record)
    let id = LedgerState.ActionID(scope: record.scope.key, key: record.key.hex)
    guard state.turns[record.turn] != nil, state.actions[id] == nil else {
      throw LedgerRules.insertRefusal("action", key: id.scope + " " + id.key, turn: record.turn,
                                      turnExists: state.turns[record.turn] != nil)
    }
    set(\.actions, id, record)
    append(\.actionOrder, id)
    append(\.actionsByTurn, record.turn, id)
    if record.ordinal >= state.nextOrdinal[record.turn] ?? 0 { set(\.nextOrdinal, record.turn, record.ordinal + 1) }
  }

  func updateAction(_ record: ActionRecord, expectedToken: Int64) throws(LedgerError) {
    let id = LedgerState.ActionID(scope: record.scope.key, key: record.key.hex)
    guard let stored = state.actions[id], stored.fencingToken == expectedToken, record.fencingToken >= expectedToken,
          record.turn == stored.turn
    else {
      throw LedgerRules.actionUpdateRefusal(record, expectedToken: expectedToken,
                                            storedToken: state.actions[id]?.fencingToken)
    }
    set(\.actions, id, record)
  }

  func insertEffect(_ record: EffectRecord) throws(LedgerError) {
    try LedgerRules.requireKey(record.key, of: "effect")
    guard state.turns[record.turn] != nil, state.effects[record.key] == nil else {
      throw LedgerRules.insertRefusal("effect", key: record.key, turn: record.turn,
                                      turnExists: state.turns[record.turn] != nil)
    }
    var stored = record
    stored.revision = 0
    set(\.effects, record.key, stored)
    append(\.effectOrder, record.key)
    append(\.effectsByTurn, record.turn, record.key)
  }

  func updateEffect(_ record: EffectRecord) throws(LedgerError) -> EffectRecord {
    guard let stored = state.effects[record.key], stored.revision == record.revision, stored.kind == record.kind,
          stored.turn == record.turn, stored.action == record.action
    else {
      throw LedgerRules.revisionRefusal("effect", key: record.key, expected: record.revision,
                                        found: state.effects[record.key]?.revision, immutable: LedgerRules.effectIdentity)
    }
    var next = record
    next.revision = stored.revision + 1
    set(\.effects, record.key, next)
    return next
  }

  /// Insertion order; the actor runs one body at a time, so nothing needs locking. O(n).
  func claimableEffects(kinds: [String], now: Timestamp, limit: Int) throws(LedgerError) -> [EffectRecord] {
    var out: [EffectRecord] = []
    let wanted = Set(kinds)
    for key in state.effectOrder where out.count < limit {
      if let effect = state.effects[key], wanted.isEmpty || wanted.contains(effect.kind), effect.isClaimable(at: now) {
        out.append(effect)
      }
    }
    return out
  }

  func putEntity(_ record: EntityRecord) throws(LedgerError) {
    try LedgerRules.requireKey(record.key, of: "entity")
    let id = LedgerState.EntityID(project: record.project, table: record.table, key: record.key)
    if state.entities[id] == nil { append(\.entityOrder, id) }
    set(\.entities, id, record)
  }

  func appendEvent(_ event: LedgerEvent) throws(LedgerError) -> Int64 {
    let previous = state.lastSequence
    store.state.lastSequence = previous + 1
    undo.append { $0.lastSequence = previous }
    var stored = event
    stored.sequence = previous + 1
    append(\.events, stored)
    return stored.sequence
  }

  func putStreamChunk(_ record: StreamChunkRecord) throws(LedgerError) {
    guard !record.stream.isEmpty, record.offset >= 0 else {
      throw .invalidRecord(what: "stream chunk", reason: "the stream name is empty or the offset negative")
    }
    guard state.turns[record.turn] != nil else { throw .notFound(what: "turn", key: record.turn.rawValue) }
    replaceStream(record.turn, record.stream) { $0[record.offset] = record }
  }

  func deleteStreamChunks(turn: TurnID, stream: String) throws(LedgerError) {
    guard state.streamChunks[turn]?[stream] != nil else { return }
    replaceStream(turn, stream) { $0.removeAll() }
  }

  /// Changes one stream's chunks in place, logging the stream's previous chunks (a
  /// dictionary of references: O(chunks) to copy, once per write).
  private func replaceStream(_ turn: TurnID, _ stream: String, _ change: (inout [Int64: StreamChunkRecord]) -> Void) {
    let old = state.streamChunks[turn]?[stream]
    change(&store.state.streamChunks[turn, default: [:]][stream, default: [:]])
    undo.append { $0.streamChunks[turn, default: [:]][stream] = old }
  }
}

extension PhaseRecord {
  /// Takes every field of `record` but the batches.
  mutating func replaceHead(with record: PhaseRecord) {
    ordinal = record.ordinal
    planned = record.planned
    expectedCount = record.expectedCount
    state = record.state
    updatedAt = record.updatedAt
  }
}
