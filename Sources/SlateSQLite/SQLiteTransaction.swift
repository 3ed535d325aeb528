import GRDB
import SlateDispatch
import SlateJSON

/// One transaction of an ``SQLiteLedger``: a read snapshot (``SQLiteLedger/read(_:)``)
/// or a `BEGIN IMMEDIATE` write transaction (``SQLiteLedger/write(_:)``), over the
/// connection GRDB lends for the body's duration.
///
/// Every statement is a cached prepared statement (`Database.cachedStatement`), so a
/// connection prepares each SQL text once. Nothing is cached across transactions but the
/// statements: another connection (or process) may change any row between two bodies.
///
/// Complexity: a lookup by key is one index probe, O(log n); a list is O(log n + k) for
/// its k rows (plus O(k log k) for `turns(project: nil)` and `entities(table: nil)`, which
/// sort); decoding is O(bytes) per row.
final class SQLiteTransaction: LedgerTransaction {
  let db: Database
  let json = JSONColumns()

  init(_ db: Database) { self.db = db }

  // MARK: Statement helpers

  /// Runs `body` with the cached statement for `sql`; SQLite's errors become ``LedgerError``.
  func with<T>(_ sql: String, _ body: (Statement) throws -> T) throws(LedgerError) -> T {
    do {
      return try body(try db.cachedStatement(sql: sql))
    } catch {
      throw LedgerError(sqlite: error)
    }
  }

  /// Executes a write; returns how many rows it changed.
  func change(_ sql: String, _ arguments: StatementArguments) throws(LedgerError) -> Int {
    try with(sql) { statement in
      try statement.execute(arguments: arguments)
      return db.changesCount
    }
  }

  /// The first row of a query, decoded.
  func one<T>(_ sql: String, _ arguments: StatementArguments, _ what: String,
              _ decode: (inout ColumnReader) throws(LedgerError) -> T) throws(LedgerError) -> T?
  {
    try with(sql) { statement -> T? in
      guard let row = try Row.fetchOne(statement, arguments: arguments) else { return nil }
      var columns = ColumnReader(row, what, json)
      return try decode(&columns)
    }
  }

  /// Every row of a query, decoded, in the query's order.
  func all<T>(_ sql: String, _ arguments: StatementArguments, _ what: String,
              _ decode: (inout ColumnReader) throws(LedgerError) -> T) throws(LedgerError) -> [T]
  {
    var out: [T] = []
    try each(sql, arguments, what, decode) { out.append($0) }
    return out
  }

  /// Each row of a query, decoded and handed to `body` as it is stepped to (one row held
  /// at a time), in the query's order. `body` may run other statements, not this one.
  func each<T>(_ sql: String, _ arguments: StatementArguments, _ what: String,
               _ decode: (inout ColumnReader) throws(LedgerError) -> T,
               _ body: (T) throws(LedgerError) -> Void) throws(LedgerError)
  {
    try with(sql) { statement in
      let rows = try Row.fetchCursor(statement, arguments: arguments)
      while let row = try rows.next() {
        var columns = ColumnReader(row, what, json)
        try body(try decode(&columns))
      }
    }
  }

  /// Whether the turn exists.
  func turnExists(_ id: TurnID) throws(LedgerError) -> Bool {
    try with(SQL.turnExists) { statement in
      try Int64.fetchOne(statement, arguments: [id.rawValue]) != nil
    }
  }

  // MARK: Reads

  func turn(_ id: TurnID) throws(LedgerError) -> TurnRecord? {
    try one(SQL.turn, [id.rawValue], "turn", TurnRecord.init)
  }

  func turns(project: ProjectID?) throws(LedgerError) -> [TurnRecord] {
    guard let project else {
      return try all(SQL.turns, [], "turn", TurnRecord.init)
    }
    return try all(SQL.turnsOfProject,
                   [project.rawValue], "turn", TurnRecord.init)
  }

  func phases(turn: TurnID) throws(LedgerError) -> [PhaseRecord] {
    try all(SQL.phases, [turn.rawValue],
            "phase", PhaseRecord.init)
  }

  func phaseHeads(turn: TurnID) throws(LedgerError) -> [PhaseRecord] {
    try all(SQL.phaseHeads, [turn.rawValue], "phase", PhaseRecord.init)
  }

  func phaseHead(turn: TurnID, name: String) throws(LedgerError) -> (phase: PhaseRecord, batchCount: Int)? {
    try one(SQL.phaseHead, [turn.rawValue, name], "phase") { columns throws(LedgerError) in
      (try PhaseRecord(&columns), try columns.int())
    }
  }

  func action(scope: DispatchScope, key: String) throws(LedgerError) -> ActionRecord? {
    try one(SQL.action, [scope.key, key], "action",
            ActionRecord.init)
  }

  func actions(turn: TurnID) throws(LedgerError) -> [ActionRecord] {
    try all(SQL.actions, [turn.rawValue],
            "action", ActionRecord.init)
  }

  func forEachAction(turn: TurnID, _ body: (ActionRecord) throws(LedgerError) -> Void) throws(LedgerError) {
    try each(SQL.actions, [turn.rawValue], "action", ActionRecord.init, body)
  }

  func nextOrdinal(turn: TurnID) throws(LedgerError) -> Int {
    try with(SQL.maxOrdinal) { statement in
      try Int.fetchOne(statement, arguments: [turn.rawValue]).map { $0 + 1 } ?? 0
    }
  }

  func effect(key: String) throws(LedgerError) -> EffectRecord? {
    try one(SQL.effect, [key], "effect", EffectRecord.init)
  }

  func effects(turn: TurnID) throws(LedgerError) -> [EffectRecord] {
    try all(SQL.effectsOfTurn, [turn.rawValue], "effect",
            EffectRecord.init)
  }

  func forEachEffect(turn: TurnID, _ body: (EffectRecord) throws(LedgerError) -> Void) throws(LedgerError) {
    try each(SQL.effectsOfTurn, [turn.rawValue], "effect", EffectRecord.init, body)
  }

  func effects(status: EffectStatus, limit: Int) throws(LedgerError) -> [EffectRecord] {
    // SQLite reads a negative LIMIT as "no limit".
    guard limit > 0 else { return [] }
    return try all(SQL.effectsWithStatus,
                   [status.rawValue, limit], "effect", EffectRecord.init)
  }

  func claimableEffects(kinds: [String], now: Timestamp, limit: Int) throws(LedgerError) -> [EffectRecord] {
    guard limit > 0 else { return [] }
    guard !kinds.isEmpty else {
      return try all(SQL.claimableEffects, [now.milliseconds, limit], "effect", EffectRecord.init)
    }
    return try all(SQL.claimableEffectsOfKinds, [now.milliseconds, limit, kinds.jsonColumn], "effect",
                   EffectRecord.init)
  }

  func entity(project: ProjectID, table: String, key: String) throws(LedgerError) -> EntityRecord? {
    try one(SQL.entity,
            [project.rawValue, table, key], "entity", EntityRecord.init)
  }

  func entities(project: ProjectID, table: String?) throws(LedgerError) -> [EntityRecord] {
    guard let table else {
      return try all(SQL.entitiesOfProject, [project.rawValue],
                     "entity", EntityRecord.init)
    }
    return try all(SQL.entitiesOfTable,
                   [project.rawValue, table], "entity", EntityRecord.init)
  }

  func events(turn: TurnID, after: Int64) throws(LedgerError) -> [LedgerEvent] {
    try all(SQL.events,
            [turn.rawValue, after], "event", LedgerEvent.init)
  }

  func forEachEvent(turn: TurnID, after: Int64, _ body: (LedgerEvent) throws(LedgerError) -> Void) throws(LedgerError) {
    try each(SQL.events, [turn.rawValue, after], "event", LedgerEvent.init, body)
  }

  func streamChunks(turn: TurnID, stream: String) throws(LedgerError) -> [StreamChunkRecord] {
    try all(SQL.streamChunks, [turn.rawValue, stream], "stream chunk") { columns throws(LedgerError) in
      StreamChunkRecord(turn: turn, stream: stream, offset: try columns.int64(), bytes: try columns.bytes())
    }
  }
}
