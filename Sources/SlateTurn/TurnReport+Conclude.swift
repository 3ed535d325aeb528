import SlateDispatch
import SlateSchema
import SlateJSON

extension TurnReport {
  /// Ends a turn whose phase streams were all read and dispatched (``TurnRunner`` and
  /// ``LiveTurn/finish()``): the ledger's assessment decides (completed, partially
  /// completed, failed), except that a turn any of whose streams was truncated or failed is
  /// never `completed`: it is `partiallyCompleted` when actions landed, `failed` otherwise,
  /// with the first bad stream as its reason. The per-action counts of `merged` are stored
  /// with the finalisation (``ActionCounts/recorded(in:)``). In dry-run mode the turn is not finalised
  /// (nothing was applied): the report carries the record as it stands. Then the outbox is
  /// read and the integrity audit run.
  static func conclude(turn: TurnID, phases: [PhaseReport], result merged: DispatchResult, planRejection: Rejection?,
                       pack: CompiledPack, dispatcher: Dispatcher) async throws -> TurnReport
  {
    var record: TurnRecord
    if await dispatcher.mode == .dryRun {
      record = try await dispatcher.assess(turn: turn).0
    } else {
      let (current, assessment) = try await dispatcher.assess(turn: turn)
      record = current
      if current.status == .running {
        if let bad = phases.first(where: { $0.summary.stream.status != .complete }) {
          let reason = "stream.\(bad.summary.stream.status.name): \(bad.name.map { "phase \($0)" } ?? bad.source): \(bad.summary.stream.status)"
          record = try await dispatcher.finalize(turn: turn, as: assessment.landed > 0 ? .partiallyCompleted : .failed,
                                                 reason: reason, counts: merged.actionCounts)
        } else {
          record = try await dispatcher.finalize(turn: turn, counts: merged.actionCounts)
        }
      }
    }
    let effects = try await dispatcher.ledger.read { tx throws(LedgerError) in try tx.effects(turn: turn) }
    let findings = IntegrityAudit.run(plan: record.plan, result: merged, queued: effects, planType: dispatcher.planType)
    return TurnReport(turn: record, phases: phases, result: merged, effects: effects, findings: findings,
                      planRejection: planRejection, queues: pack.queues)
  }
}
