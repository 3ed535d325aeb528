import GRDB
import SlateDispatch
import SlateJSON

/// Turns and phases: their columns (in `SELECT` order) and their stored forms.
extension TurnRecord {
  static let columns =
    "id, project, scope_kind, status, created_at, updated_at, finished_at, plan, reason, recoverability, revision"

  /// The values of ``columns`` but the last (`revision`, which the ledger sets).
  var arguments: StatementArguments {
    [
      id.rawValue, project.rawValue, scopeKind.rawValue, status.rawValue, createdAt.milliseconds,
      updatedAt.milliseconds, finishedAt?.milliseconds, TurnRecord.planColumn(plan), reason, recoverability?.code,
    ]
  }

  init(_ columns: inout ColumnReader) throws(LedgerError) {
    let id = TurnID(try columns.string())
    let project = ProjectID(try columns.string())
    let scopeKind = try columns.raw(DispatchScope.Kind.self)
    let status = try columns.raw(TurnStatus.self)
    let createdAt = try columns.timestamp()
    let updatedAt = try columns.timestamp()
    let finishedAt = try columns.optionalTimestamp()
    let plan = try TurnRecord.plan(from: try columns.jsonValue(), columns)
    let reason = try columns.optionalString()
    var recoverability: Recoverability?
    if let code = try columns.optionalString() {
      guard let known = Recoverability(code: code) else { throw columns.corrupt("\"\(code)\" is not a recoverability") }
      recoverability = known
    }
    self.init(id: id, project: project, scopeKind: scopeKind, status: status, createdAt: createdAt,
              updatedAt: updatedAt, finishedAt: finishedAt, plan: plan, reason: reason,
              recoverability: recoverability, revision: try columns.int())
  }

  /// The stored form of a plan (``TurnRecord/planJSON(_:)``, as canonical text).
  static func planColumn(_ plan: [PlannedPhase]) -> String { TurnRecord.planJSON(plan).canonicalString }

  /// Reads a stored plan back; `ledger.corrupt` naming the column when it is not one.
  static func plan(from value: JSONValue, _ columns: ColumnReader) throws(LedgerError) -> [PlannedPhase] {
    do throws(LedgerError) {
      return try TurnRecord.plan(json: value)
    } catch .corrupt(_, let message) {
      throw columns.corrupt(message)
    }
  }
}

extension PhaseRecord {
  /// The stored columns (the batches are rows of `phase_batches`, migration `v5-phase-batches`).
  static let storedColumns = "turn, name, ordinal, planned, expected_count, state, updated_at"

  /// The columns a phase is read from, with `batches` for the batch list (a JSON array).
  static func columns(batches: String) -> String {
    "phases.turn, phases.name, ordinal, planned, expected_count, state, \(batches), updated_at"
  }

  /// The columns with the batch list gathered from `phase_batches` in order.
  static let columns = columns(batches: """
    (SELECT json_group_array(batch) FROM (SELECT batch FROM phase_batches \
    WHERE phase_batches.turn = phases.turn AND phase_batches.phase = phases.name ORDER BY position))
    """)

  /// The values of ``storedColumns``.
  var arguments: StatementArguments {
    [turn.rawValue, name, ordinal, planned, expectedCount, state.rawValue, updatedAt.milliseconds]
  }

  init(_ columns: inout ColumnReader) throws(LedgerError) {
    self.init(turn: TurnID(try columns.string()), name: try columns.string(), ordinal: try columns.int(),
              planned: try columns.bool(), expectedCount: try columns.optionalInt(), state: try columns.raw(State.self),
              batches: try columns.strings(), updatedAt: try columns.timestamp())
  }
}
