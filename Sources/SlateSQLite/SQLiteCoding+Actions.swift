import Foundation
import GRDB
import SlateDispatch
import SlateJSON

/// Actions: their columns (in `SELECT` and `INSERT` order) and their stored form.
///
/// The key is stored whole: `key` (the hex digest, half of the unique key with `scope`),
/// `namespace`, `readable` and `canonical` (the key's canonical bytes). The lease is three
/// nullable columns, all set or all NULL. The outcome is ``Outcome/json``.
extension ActionRecord {
  static let columns = """
    scope, key, namespace, readable, canonical, turn, phase, batch, ordinal, type, queue, payload, effects, upsert, \
    status, outcome, attempts, fencing_token, lease_holder, lease_token, lease_expires_at, payload_revision, versions, \
    declared_at, updated_at
    """

  /// How many columns ``columns`` names; `turn` is parameter 6.
  static let columnCount = 25

  /// The values of ``columns``.
  var arguments: StatementArguments {
    var values: [(any DatabaseValueConvertible)?] = [
      scope.key, key.hex, key.namespace, key.readable, Data(key.canonicalBytes), turn.rawValue, phase, batch, ordinal,
      type, queue, payload.column, effects.jsonColumn, upsert, status.rawValue, outcome?.json.column, attempts,
      fencingToken,
    ]
    values.reserveCapacity(ActionRecord.columnCount)
    values.append(contentsOf: lease.columns)
    values.append(contentsOf: [payloadRevision, versions.jsonColumn, declaredAt.milliseconds, updatedAt.milliseconds]
      as [(any DatabaseValueConvertible)?])
    return StatementArguments(values)
  }

  init(_ columns: inout ColumnReader) throws(LedgerError) {
    let scopeKey = try columns.string()
    guard let scope = DispatchScope(key: scopeKey) else { throw columns.corrupt("\"\(scopeKey)\" is not a scope") }
    let hex = try columns.string()
    let key = ActionKey(hex: hex, namespace: try columns.string(), readable: try columns.string(),
                        canonicalBytes: try columns.bytes())
    let turn = TurnID(try columns.string())
    let phase = try columns.optionalString()
    let batch = try columns.optionalString()
    let ordinal = try columns.int()
    let type = try columns.string()
    let queue = try columns.string()
    let payload = try columns.jsonValue()
    let effects = try columns.strings()
    let upsert = try columns.bool()
    let status = try columns.raw(ActionStatus.self)
    let outcome = try columns.optionalJSONValue().map { json throws(LedgerError) in try Outcome(json: json) }
    let attempts = try columns.int()
    let fencingToken = try columns.int64()
    let lease = try columns.lease()
    self.init(scope: scope, key: key, turn: turn, phase: phase, batch: batch, ordinal: ordinal, type: type, queue: queue,
              payload: payload, effects: effects, upsert: upsert, status: status, outcome: outcome, attempts: attempts,
              fencingToken: fencingToken, lease: lease, payloadRevision: try columns.int(),
              versions: try columns.strings(), declaredAt: try columns.timestamp(), updatedAt: try columns.timestamp())
  }
}
