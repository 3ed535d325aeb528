import SlateJSON

extension Dispatcher {
  /// Resumes a turn from the ledger alone: re-dispatches every action the turn declared that
  /// is not finished (declared, in progress with an expired lease, failed but retryable,
  /// ambiguous with a handler idempotent by key), and reports the finished ones as
  /// duplicates. A failed, timed-out, stopped or partially completed turn goes back to
  /// `running` first. In ``Mode/dryRun`` it only reports (`planned`).
  public func recover(turn: TurnID) async throws -> DispatchResult {
    guard let record = try await ledger.read({ tx throws(LedgerError) in try tx.turn(turn) }) else {
      throw DispatchError.unknownTurn(turn)
    }
    let reopened = try await reopenIfNeeded(record)
    if usage[turn] == nil { usage[turn] = Usage(startedAt: clock.now()) }
    let actions = try await ledger.read { tx throws(LedgerError) in try tx.actions(turn: turn) }
    telemetry.recovering(record, reopened: reopened, actions: actions.count)
    var result = DispatchResult()
    result.notes.insert("dispatch.recover")
    if mode == .dryRun { result.notes.insert("dispatch.dry_run") }
    for action in actions {
      if let batch = action.batch { result.batches.insert(batch) }
      result.phases.insert(action.phase ?? "")
      try await traced(ActionInput(action), turn: reopened,
                       action: DispatchResult.ActionRef(batch: DispatchResult.ActionRef.recoveryBatch(turn),
                                                        position: action.ordinal),
                       into: &result)
    }
    telemetry.count(result)
    return result
  }

  /// The turn's records, assessed (see ``TurnAssessment``).
  public func assess(turn: TurnID) async throws -> (TurnRecord, TurnAssessment) {
    let planType = self.planType
    return try await ledger.read { tx throws(LedgerError) in
      guard let record = try tx.turn(turn) else { throw .notFound(what: "turn", key: turn.rawValue) }
      return (record, try TurnAssessment.of(record, in: tx, planType: planType))
    }
  }

  /// The record of `turn` as the ledger holds it, without assessing it (``assess(turn:)``
  /// reads every action and holds the unfinished ones: all of a dry run's). Throws
  /// ``LedgerError/notFound(what:key:)`` as ``assess(turn:)`` does. O(1).
  public func record(turn: TurnID) async throws -> TurnRecord {
    try await ledger.read { tx throws(LedgerError) in
      guard let record = try tx.turn(turn) else { throw .notFound(what: "turn", key: turn.rawValue) }
      return record
    }
  }

  /// Ends a running turn: with `status` when given (`stopped`, `timedOut`, …), else as the
  /// ledger shows it (``TurnAssessment/status``; `timedOut` when this dispatcher spent the
  /// turn's time budget and the turn is not complete). Sets the reason and the
  /// recoverability, appends `turn.transition`. Idempotent: a turn that already ended with
  /// the status this call picks (another process finalised it first) is returned as it is.
  /// Throws ``DispatchError/invalidTransition(turn:from:to:)`` when the state machine
  /// forbids the move (a completed turn made anything else, a turn already ended otherwise),
  /// ``DispatchError/unknownTurn(_:)`` when there is no such turn. `counts` (what the run
  /// that finalises the turn dispatched, per action) is stored in the `turn.transition`
  /// event's `actions` detail (``ActionCounts/recorded(in:)``).
  @discardableResult
  public func finalize(turn: TurnID, as status: TurnStatus? = nil, reason: String? = nil, counts: ActionCounts? = nil)
    async throws -> TurnRecord
  {
    let timedOut = timeBudgetSpent(turn) != nil
    return try await end(turn, reason: reason, counts: counts) { assessment in
      if let status { return status }
      return timedOut && !assessment.isComplete ? .timedOut : assessment.status
    }
  }

  /// Stale-run finalisation: every `running` turn (of `project`, or all) whose last progress
  /// is at least `threshold` old becomes `partiallyCompleted` when actions landed (queued
  /// effects can continue) or `failed` when none did (retry from the start), with reason
  /// `turn.stale`. Returns the turns it ended. A turn that moves meanwhile is left alone.
  @discardableResult
  public func finalizeStale(olderThan threshold: Duration, project: ProjectID? = nil) async throws -> [TurnRecord] {
    let now = clock.now()
    let stale = try await ledger.read { tx throws(LedgerError) in
      try tx.turns(project: project).filter { $0.status == .running && now - $0.updatedAt >= threshold }
    }
    var ended: [TurnRecord] = []
    for turn in stale {
      do {
        ended.append(try await end(turn.id, reason: "turn.stale", onlyIfUnchangedSince: turn.revision) { assessment in
          assessment.landed > 0 ? .partiallyCompleted : .failed
        })
      } catch let error as LedgerError {
        guard case .staleRevision = error else { throw error }
        telemetry.staleTurnMoved(turn)
      }
    }
    return ended
  }

  /// Moves a turn to the status `decide` picks from its assessment, in one transaction.
  private func end(_ turn: TurnID, reason: String?, onlyIfUnchangedSince revision: Int? = nil, counts: ActionCounts? = nil,
                   _ decide: @escaping @Sendable (TurnAssessment) -> TurnStatus) async throws -> TurnRecord
  {
    let now = clock.now()
    let planType = self.planType
    let outcome = try await ledger.write { tx throws(LedgerError) -> Result<TurnRecord, DispatchError> in
      guard var record = try tx.turn(turn) else { return .failure(.unknownTurn(turn)) }
      if let revision, record.revision != revision {
        throw .staleRevision(what: "turn", key: turn.rawValue, expected: revision, found: record.revision)
      }
      let assessment = try TurnAssessment.of(record, in: tx, planType: planType)
      let next = decide(assessment)
      let from = record.status
      // Already ended so (a racing process finalised it first): not an error.
      if from == next && from != .running { return .success(record) }
      let why = reason ?? (next == .completed ? nil : assessment.openStreams.first.map {
        "stream.open: the stream of phase \($0) was not read to its end (left open, cancelled or truncated); what it carried after the bytes read was never dispatched"
      } ?? "turn." + next.rawValue)
      do throws(DispatchError) {
        try record.transition(to: next, at: now, reason: why,
                              recoverability: next == .completed ? Recoverability.none : assessment.recoverability)
      } catch {
        return .failure(error)
      }
      let stored = try tx.updateTurn(record)
      var detail = JSONObject([JSONMember(key: "from", value: .string(from.rawValue)),
                               JSONMember(key: "to", value: .string(next.rawValue))])
      if let why { detail.append(key: "reason", value: .string(why)) }
      detail.append(key: "recoverability", value: .string(stored.recoverability?.code ?? "none"))
      if let counts { detail.append(key: "actions", value: counts.json) }
      try tx.appendEvent(LedgerEvent(turn: turn, at: now, kind: "turn.transition", detail: .object(detail)))
      return .success(stored)
    }
    let ended = try outcome.get()
    // An ended turn gets no more batches from this dispatcher: what it read of the turn's
    // rejections is dropped (a later recovery reads the event log again).
    if ended.status != .running { rejectionsSeen[turn] = nil }
    telemetry.finalized(ended)
    return ended
  }
}
