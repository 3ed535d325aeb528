import Foundation
import GRDB
import SlateDispatch
import SlateJSON

/// The outbox, project tables and the event log: their columns (in `SELECT` and `INSERT`
/// order) and their stored forms.
extension EffectRecord {
  /// The claim columns (`attempts` … `last_error`, parameters 14–20) came with migration
  /// `v3-outbox`; the lease is three nullable columns, all set or all NULL.
  static let columns = """
    key, kind, turn, project, action_key, action_namespace, action_readable, action_canonical, payload, status, \
    revision, created_at, updated_at, attempts, fencing_token, lease_holder, lease_token, lease_expires_at, \
    available_at, last_error
    """

  /// How many columns ``columns`` names.
  static let columnCount = 20

  /// The values of ``columns``; `turn` is parameter 3, `revision` parameter 11.
  var arguments: StatementArguments {
    var values: [(any DatabaseValueConvertible)?] = [
      key, kind, turn.rawValue, project.rawValue, action.hex, action.namespace, action.readable,
      Data(action.canonicalBytes), payload.column, status.rawValue, revision, createdAt.milliseconds,
      updatedAt.milliseconds, attempts, fencingToken,
    ]
    values.reserveCapacity(EffectRecord.columnCount)
    values.append(contentsOf: lease.columns)
    values.append(contentsOf: [availableAt.milliseconds, lastError] as [(any DatabaseValueConvertible)?])
    return StatementArguments(values)
  }

  init(_ columns: inout ColumnReader) throws(LedgerError) {
    let key = try columns.string()
    let kind = try columns.string()
    let turn = TurnID(try columns.string())
    let project = ProjectID(try columns.string())
    let action = ActionKey(hex: try columns.string(), namespace: try columns.string(), readable: try columns.string(),
                           canonicalBytes: try columns.bytes())
    self.init(key: key, kind: kind, turn: turn, project: project, action: action, payload: try columns.jsonValue(),
              status: try columns.raw(EffectStatus.self), revision: try columns.int(),
              createdAt: try columns.timestamp(), updatedAt: try columns.timestamp(), attempts: try columns.int(),
              fencingToken: try columns.int64(), lease: try columns.lease(), availableAt: try columns.timestamp(),
              lastError: try columns.optionalString())
  }
}

extension Lease? {
  /// The three lease columns (holder, token, expiry), NULL when there is no lease.
  var columns: [(any DatabaseValueConvertible)?] {
    [self?.holder, self?.token, self?.expiresAt.milliseconds]
  }
}

extension EntityRecord {
  static let columns = "project, tbl, key, readable, value, revision, turn, updated_at"

  /// The values of ``columns``.
  var arguments: StatementArguments {
    [project.rawValue, table, key, readable, value.column, revision, turn.rawValue, updatedAt.milliseconds]
  }

  init(_ columns: inout ColumnReader) throws(LedgerError) {
    self.init(project: ProjectID(try columns.string()), table: try columns.string(), key: try columns.string(),
              readable: try columns.string(), value: try columns.jsonValue(), revision: try columns.int(),
              turn: TurnID(try columns.string()), updatedAt: try columns.timestamp())
  }
}

extension LedgerEvent {
  /// `sequence` first: the ledger assigns it, so inserts name the other five.
  static let columns = "sequence, turn, at, kind, key, detail"

  /// The values of ``columns`` but `sequence`.
  var arguments: StatementArguments {
    [turn.rawValue, at.milliseconds, kind, key, detail.column]
  }

  init(_ columns: inout ColumnReader) throws(LedgerError) {
    self.init(sequence: try columns.int64(), turn: TurnID(try columns.string()), at: try columns.timestamp(),
              kind: try columns.string(), key: try columns.optionalString(), detail: try columns.jsonValue())
  }
}
