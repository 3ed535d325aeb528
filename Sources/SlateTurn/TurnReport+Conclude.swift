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
    let record = try await finalize(turn: turn, phases: phases, counts: merged.actionCounts, dispatcher: dispatcher)
    let effects = try await dispatcher.ledger.read { tx throws(LedgerError) in try tx.effects(turn: turn) }
    let findings = IntegrityAudit.run(plan: record.plan, result: merged, queued: effects, planType: dispatcher.planType)
    return TurnReport(turn: record, phases: phases, result: merged, effects: effects, findings: findings,
                      planRejection: planRejection, queues: pack.queues)
  }

  /// ``conclude(turn:phases:result:planRejection:pack:dispatcher:)`` for a turn whose
  /// results were folded into `tally` (``TurnRunner/keepsEntries`` false): the outbox is
  /// read a row at a time, to count its entries per kind and settle the tally's pending
  /// effects, and the report keeps the tally and the ledger, not the entries.
  static func conclude(turn: TurnID, phases: [PhaseReport], tally: DispatchTally, planRejection: Rejection?,
                       pack: CompiledPack, dispatcher: Dispatcher) async throws -> TurnReport
  {
    var tally = tally
    let record = try await finalize(turn: turn, phases: phases, counts: tally.actionCounts, dispatcher: dispatcher)
    // Only the pairs the tally waits for are kept (none in a turn whose effects were all queued).
    let pending = tally
    let (counts, queued) = try await dispatcher.ledger.read { tx throws(LedgerError) in
      var counts: [String: Int] = [:]
      var queued: Set<DispatchTally.EffectPair> = []
      try tx.forEachEffect(turn: turn) { effect throws(LedgerError) in
        counts[effect.kind, default: 0] += 1
        let pair = DispatchTally.EffectPair(action: effect.action.hex, kind: effect.kind)
        if pending.isPending(pair) { queued.insert(pair) }
      }
      return (counts, queued)
    }
    tally.settle(queued: queued)
    var report = TurnReport(turn: record, phases: phases, result: DispatchResult(), effects: [], findings: [],
                            planRejection: planRejection, queues: pack.queues)
    report.audit = IntegrityAudit.audit(plan: record.plan, tally: tally, planType: dispatcher.planType)
    report.tally = tally
    report.effectCounts = counts
    report.ledger = await dispatcher.ledger
    return report
  }

  /// The turn's record, finalised as ``conclude(turn:phases:result:planRejection:pack:dispatcher:)``
  /// says, with the per-action `counts`.
  static func finalize(turn: TurnID, phases: [PhaseReport], counts: ActionCounts, dispatcher: Dispatcher) async throws
    -> TurnRecord
  {
    var record: TurnRecord
    if await dispatcher.mode == .dryRun {
      // Only the record: the assessment would hold every unfinished action (all of them).
      record = try await dispatcher.record(turn: turn)
    } else {
      let (current, assessment) = try await dispatcher.assess(turn: turn)
      record = current
      if current.status == .running {
        if let bad = phases.first(where: { $0.summary.stream.status != .complete }) {
          let reason = "stream.\(bad.summary.stream.status.name): \(bad.name.map { "phase \($0)" } ?? bad.source): \(bad.summary.stream.status)"
          record = try await dispatcher.finalize(turn: turn, as: assessment.landed > 0 ? .partiallyCompleted : .failed,
                                                 reason: reason, counts: counts)
        } else {
          record = try await dispatcher.finalize(turn: turn, counts: counts)
        }
      }
    }
    return record
  }
}
