import Foundation
import PostgresNIO
import SlateDispatch
import SlateJSON

/// Each record's columns (in `SELECT` and `INSERT` order), their SQL types (every
/// parameter is cast to its column's type, since a NULL parameter carries none), the values
/// bound for them, and the record read back from a row. The same stored forms as the SQLite
/// ledger's: canonical JSON text, milliseconds, the key whole.
protocol PostgresRecord {
  /// The column names, comma-separated.
  static var columns: String { get }
  /// The SQL type of each column of ``columns``.
  static var types: [String] { get }
  /// The values of ``columns`` (for a turn: all but `revision`, which the ledger sets).
  var binds: Binds { get }
  init(_ row: inout RowReader) throws(LedgerError)
}

extension PostgresRecord {
  /// `$1::type1, $2::type2, …` for the first `count` columns (all by default).
  static func parameters(_ count: Int? = nil) -> String {
    parameters(count, replacing: [:])
  }

  /// ``parameters(_:)`` with the expressions of `replacing` (by 1-based position) in
  /// place of some parameters.
  static func parameters(_ count: Int? = nil, replacing: [Int: String]) -> String {
    types.prefix(count ?? types.count).enumerated().map { replacing[$0.offset + 1] ?? "$\($0.offset + 1)::\($0.element)" }
      .joined(separator: ", ")
  }

  /// The column names as an array.
  static var columnNames: [String] { columns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } }

  /// `SET (a, b) = ($i::t, $j::u)` over the columns not in `except`, each from its own
  /// parameter; `computed` replaces a column's parameter by an expression.
  static func assignments(except: Set<String>, computed: [String: String] = [:]) -> String {
    var names: [String] = []
    var values: [String] = []
    for (index, name) in columnNames.enumerated() where !except.contains(name) {
      names.append(name)
      values.append(computed[name] ?? "$\(index + 1)::\(types[index])")
    }
    return "(\(names.joined(separator: ", "))) = (\(values.joined(separator: ", ")))"
  }
}

extension TurnRecord: PostgresRecord {
  static let columns =
    "id, project, scope_kind, status, created_at, updated_at, finished_at, plan, reason, recoverability, revision"
  static let types = ["text", "text", "text", "text", "bigint", "bigint", "bigint", "text", "text", "text", "bigint"]

  var binds: Binds {
    var binds = Binds(capacity: 11)
    binds.text(id.rawValue)
    binds.text(project.rawValue)
    binds.text(scopeKind.rawValue)
    binds.text(status.rawValue)
    binds.time(createdAt)
    binds.time(updatedAt)
    binds.time(finishedAt)
    binds.json(TurnRecord.planJSON(plan))
    binds.text(reason)
    binds.text(recoverability?.code)
    return binds
  }

  init(_ row: inout RowReader) throws(LedgerError) {
    let id = TurnID(try row.string())
    let project = ProjectID(try row.string())
    let scopeKind = try row.raw(DispatchScope.Kind.self)
    let status = try row.raw(TurnStatus.self)
    let createdAt = try row.timestamp()
    let updatedAt = try row.timestamp()
    let finishedAt = try row.optionalTimestamp()
    let plan: [PlannedPhase]
    do throws(LedgerError) {
      plan = try TurnRecord.plan(json: try row.jsonValue())
    } catch .corrupt(_, let message) {
      throw row.corrupt(message)
    }
    let reason = try row.optionalString()
    var recoverability: Recoverability?
    if let code = try row.optionalString() {
      guard let known = Recoverability(code: code) else { throw row.corrupt("\"\(code)\" is not a recoverability") }
      recoverability = known
    }
    self.init(id: id, project: project, scopeKind: scopeKind, status: status, createdAt: createdAt,
              updatedAt: updatedAt, finishedAt: finishedAt, plan: plan, reason: reason,
              recoverability: recoverability, revision: try row.int())
  }
}

extension PhaseRecord: PostgresRecord {
  /// The stored columns (the batches are rows of `phase_batches`, migration `v5`).
  static let columns = "turn, name, ordinal, planned, expected_count, state, updated_at"
  static let types = ["text", "text", "bigint", "boolean", "bigint", "text", "bigint"]

  /// The columns a phase is read from, with `batches` for the batch list (a JSON array).
  static func selectColumns(batches: String) -> String {
    "phases.turn, phases.name, ordinal, planned, expected_count, state, \(batches), updated_at"
  }

  /// The columns with the batch list gathered from `phase_batches` in order.
  static let selectColumns = selectColumns(batches: """
    (SELECT coalesce(json_agg(batch ORDER BY position)::text, '[]') FROM phase_batches \
    WHERE phase_batches.turn = phases.turn AND phase_batches.phase = phases.name)
    """)

  var binds: Binds {
    var binds = Binds(capacity: 7)
    binds.text(turn.rawValue)
    binds.text(name)
    binds.int(ordinal)
    binds.bool(planned)
    binds.int(expectedCount)
    binds.text(state.rawValue)
    binds.time(updatedAt)
    return binds
  }

  init(_ row: inout RowReader) throws(LedgerError) {
    self.init(turn: TurnID(try row.string()), name: try row.string(), ordinal: try row.int(),
              planned: try row.bool(), expectedCount: try row.optionalInt(), state: try row.raw(State.self),
              batches: try row.strings(), updatedAt: try row.timestamp())
  }
}

/// A phase without its batch list, and its count of batches (``SQL/phaseHead``).
struct PhaseHeadRow: PostgresRecord {
  static let columns = ""
  static let types: [String] = []
  var binds: Binds { Binds(capacity: 0) }
  var phase: PhaseRecord
  var batchCount: Int

  init(_ row: inout RowReader) throws(LedgerError) {
    phase = try PhaseRecord(&row)
    batchCount = try row.int()
  }
}

/// The key is stored whole (hex, namespace, readable, canonical bytes); the lease is three
/// nullable columns, all set or all NULL; the outcome is ``Outcome/json``.
extension ActionRecord: PostgresRecord {
  static let columns = """
    scope, key, namespace, readable, canonical, turn, phase, batch, ordinal, type, queue, payload, effects, upsert, \
    status, outcome, attempts, fencing_token, lease_holder, lease_token, lease_expires_at, payload_revision, versions, \
    declared_at, updated_at
    """
  static let types = [
    "text", "text", "text", "text", "bytea", "text", "text", "text", "bigint", "text", "text", "text", "text", "boolean",
    "text", "text", "bigint", "bigint", "text", "bigint", "bigint", "bigint", "text", "bigint", "bigint",
  ]

  var binds: Binds {
    var binds = Binds(capacity: 26)
    binds.text(scope.key)
    binds.text(key.hex)
    binds.text(key.namespace)
    binds.text(key.readable)
    binds.bytes(key.canonicalBytes)
    binds.text(turn.rawValue)
    binds.text(phase)
    binds.text(batch)
    binds.int(ordinal)
    binds.text(type)
    binds.text(queue)
    binds.json(payload)
    binds.strings(effects)
    binds.bool(upsert)
    binds.text(status.rawValue)
    binds.json(outcome?.json)
    binds.int(attempts)
    binds.int(fencingToken)
    binds.lease(lease)
    binds.int(payloadRevision)
    binds.strings(versions)
    binds.time(declaredAt)
    binds.time(updatedAt)
    return binds
  }

  init(_ row: inout RowReader) throws(LedgerError) {
    let scopeKey = try row.string()
    guard let scope = DispatchScope(key: scopeKey) else { throw row.corrupt("\"\(scopeKey)\" is not a scope") }
    let hex = try row.string()
    let key = ActionKey(hex: hex, namespace: try row.string(), readable: try row.string(), canonicalBytes: try row.bytes())
    let turn = TurnID(try row.string())
    let phase = try row.optionalString()
    let batch = try row.optionalString()
    let ordinal = try row.int()
    let type = try row.string()
    let queue = try row.string()
    let payload = try row.jsonValue()
    let effects = try row.strings()
    let upsert = try row.bool()
    let status = try row.raw(ActionStatus.self)
    let outcome = try row.optionalJSONValue().map { json throws(LedgerError) in try Outcome(json: json) }
    let attempts = try row.int()
    let fencingToken = try row.int64()
    let lease = try row.lease()
    self.init(scope: scope, key: key, turn: turn, phase: phase, batch: batch, ordinal: ordinal, type: type, queue: queue,
              payload: payload, effects: effects, upsert: upsert, status: status, outcome: outcome, attempts: attempts,
              fencingToken: fencingToken, lease: lease, payloadRevision: try row.int(),
              versions: try row.strings(), declaredAt: try row.timestamp(), updatedAt: try row.timestamp())
  }
}

extension EffectRecord: PostgresRecord {
  static let columns = """
    key, kind, turn, project, action_key, action_namespace, action_readable, action_canonical, payload, status, \
    revision, created_at, updated_at, attempts, fencing_token, lease_holder, lease_token, lease_expires_at, \
    available_at, last_error
    """
  static let types = [
    "text", "text", "text", "text", "text", "text", "text", "bytea", "text", "text", "bigint", "bigint", "bigint",
    "bigint", "bigint", "text", "bigint", "bigint", "bigint", "text",
  ]

  var binds: Binds {
    var binds = Binds(capacity: 21)
    binds.text(key)
    binds.text(kind)
    binds.text(turn.rawValue)
    binds.text(project.rawValue)
    binds.text(action.hex)
    binds.text(action.namespace)
    binds.text(action.readable)
    binds.bytes(action.canonicalBytes)
    binds.json(payload)
    binds.text(status.rawValue)
    binds.int(revision)
    binds.time(createdAt)
    binds.time(updatedAt)
    binds.int(attempts)
    binds.int(fencingToken)
    binds.lease(lease)
    binds.time(availableAt)
    binds.text(lastError)
    return binds
  }

  init(_ row: inout RowReader) throws(LedgerError) {
    let key = try row.string()
    let kind = try row.string()
    let turn = TurnID(try row.string())
    let project = ProjectID(try row.string())
    let action = ActionKey(hex: try row.string(), namespace: try row.string(), readable: try row.string(),
                           canonicalBytes: try row.bytes())
    self.init(key: key, kind: kind, turn: turn, project: project, action: action, payload: try row.jsonValue(),
              status: try row.raw(EffectStatus.self), revision: try row.int(),
              createdAt: try row.timestamp(), updatedAt: try row.timestamp(), attempts: try row.int(),
              fencingToken: try row.int64(), lease: try row.lease(), availableAt: try row.timestamp(),
              lastError: try row.optionalString())
  }
}

extension EntityRecord: PostgresRecord {
  static let columns = "project, tbl, key, readable, value, revision, turn, updated_at"
  static let types = ["text", "text", "text", "text", "text", "bigint", "text", "bigint"]

  var binds: Binds {
    var binds = Binds(capacity: 8)
    binds.text(project.rawValue)
    binds.text(table)
    binds.text(key)
    binds.text(readable)
    binds.json(value)
    binds.int(revision)
    binds.text(turn.rawValue)
    binds.time(updatedAt)
    return binds
  }

  init(_ row: inout RowReader) throws(LedgerError) {
    self.init(project: ProjectID(try row.string()), table: try row.string(), key: try row.string(),
              readable: try row.string(), value: try row.jsonValue(), revision: try row.int(),
              turn: TurnID(try row.string()), updatedAt: try row.timestamp())
  }
}

/// `sequence` first: the ledger assigns it, so an insert binds the other five.
extension LedgerEvent: PostgresRecord {
  static let columns = "sequence, turn, at, kind, key, detail"
  static let types = ["bigint", "text", "bigint", "text", "text", "text"]

  var binds: Binds {
    var binds = Binds(capacity: 5)
    binds.text(turn.rawValue)
    binds.time(at)
    binds.text(kind)
    binds.text(key)
    binds.json(detail)
    return binds
  }

  init(_ row: inout RowReader) throws(LedgerError) {
    self.init(sequence: try row.int64(), turn: TurnID(try row.string()), at: try row.timestamp(),
              kind: try row.string(), key: try row.optionalString(), detail: try row.jsonValue())
  }
}
