import SlateJSON

extension Dispatcher {
  /// What one look at the ledger decided for an action.
  enum Decision: Sendable {
    /// Nothing to call: the outcome (duplicate, conflict, recorded, planned …).
    case done(Outcome, ordinal: Int, queued: [DispatchResult.EffectRef], conflict: Bool)
    /// Another dispatcher holds a live lease on it until then: look again later.
    case wait(until: Timestamp, holder: String)
    /// This dispatcher holds the lease (the record carries its token): call the handler.
    case call(ActionRecord, resolvingAmbiguity: Bool)
  }

  /// Dispatches one action and joins its entry into `result`: decide (one transaction),
  /// call (with retries), record (one transaction); again from the top when the lease was
  /// held elsewhere or taken over.
  func process(_ input: ActionInput, turn: TurnRecord, action ref: DispatchResult.ActionRef,
               into result: inout DispatchResult) async throws
  {
    let found = handlers.handler(type: input.type, queue: input.queue)
      ?? (input.type == self.planType ? ("plan", PlanHandler()) : nil)
    let idempotent = found?.handler.idempotentByKey ?? false
    let scoped = input.key.scoped(turn.scope)
    let requested = input.effects.map {
      DispatchResult.EffectRef(key: EffectRecord.key(action: scoped, kind: $0), kind: $0, action: input.key)
    }
    func finish(_ outcome: Outcome, ordinal: Int, queued: [DispatchResult.EffectRef], conflict: Bool = false) {
      if conflict {
        result.conflicts.insert(DispatchResult.Conflict(key: input.key, type: input.type, version: input.version,
                                                        phase: input.phase))
      } else {
        result.effectsRequested.formUnion(requested)
        result.effectsQueued.formUnion(queued)
      }
      result.record(DispatchResult.Entry(key: input.key, queue: input.queue, type: input.type, phase: input.phase,
                                         ordinal: ordinal, outcome: outcome), action: ref)
    }

    var announced: LeaseWait?
    while true {
      if let spent = timeBudgetSpent(turn.id) {
        result.notes.insert("dispatch.budget_time")
        finish(spent, ordinal: Int.max, queued: [])
        return
      }
      let context = DecisionContext(
        input: input, turn: turn, holder: holder, now: clock.now(), leaseDuration: policy.leaseDuration,
        idempotent: idempotent, readOnly: turn.status != .running, dryRun: mode == .dryRun)
      let decision = try await ledger.write { tx throws(LedgerError) in try Dispatcher.decide(context, in: tx) }
      switch decision {
      case .done(let outcome, let ordinal, let queued, let conflict):
        finish(outcome, ordinal: ordinal, queued: queued, conflict: conflict)
        return
      case .wait(let until, let holder):
        let wait = LeaseWait(turn: turn.id, key: input.key.readable, holder: holder, until: until)
        if wait != announced {
          announced = wait
          configuration.onLeaseWait?(wait)
        }
        let left = until - clock.now()
        try await sleep(max(.milliseconds(1), min(policy.leasePollInterval, left)))
      case .call(let record, let resolving):
        let attempted: Attempted
        if let (name, handler) = found {
          let renewal = configuration.renewsLeases ? renewLease(record, turn: turn.id) : nil
          defer { renewal?.cancel() }
          attempted = try await callWithRetries(handler, name: name, record: record, turn: turn, resolving: resolving)
        } else {
          attempted = Attempted(status: .failed, outcome: .failed(
            code: "dispatch.no_handler", message: "no handler for \(input.type) (queue \(input.queue))",
            retryable: false, attempts: 0), writes: nil, calls: 0)
        }
        switch try await commit(attempted, record: record, turn: turn) {
        case .fenced:
          continue
        case .done(let outcome, let queued):
          finish(outcome, ordinal: record.ordinal, queued: queued)
          return
        }
      }
    }
  }

  /// The outcome for an action when the turn's time budget is spent, else nil.
  func timeBudgetSpent(_ turn: TurnID) -> Outcome? {
    guard let started = usage[turn]?.startedAt, clock.now() - started >= configuration.budget.maxDuration else {
      return nil
    }
    return .failed(code: "dispatch.budget_time",
                   message: "the turn's time budget of \(configuration.budget.maxDuration) is spent", retryable: true,
                   attempts: 0)
  }

  struct DecisionContext: Sendable {
    var input: ActionInput
    var turn: TurnRecord
    var holder: String
    var now: Timestamp
    var leaseDuration: Duration
    var idempotent: Bool
    /// The turn is not running (ended, and not reopened): nothing may be applied.
    var readOnly: Bool
    var dryRun: Bool
  }

  /// The per-action rules, in one transaction (see ``Dispatcher``). Complexity: O(1)
  /// reads and writes plus the record's version list.
  static func decide(_ c: DecisionContext, in tx: any LedgerTransaction) throws(LedgerError) -> Decision {
    let input = c.input
    let scope = c.turn.scope
    guard var record = try tx.action(scope: scope, key: input.key.hex) else {
      let outcome: Outcome =
        c.dryRun ? .planned
        : c.readOnly ? turnNotRunning(input, c.turn.status)
        : .failed(code: "dispatch.undeclared", message: "\(input.key.readable) was never declared", retryable: true,
                  attempts: 0)
      return .done(outcome, ordinal: Int.max, queued: [], conflict: false)
    }
    let queued = try queuedEffects(of: record, in: tx)
    func event(_ kind: String, _ detail: [String: JSONValue] = [:]) throws(LedgerError) {
      var object = JSONObject([JSONMember(key: "readable", value: .string(input.key.readable)),
                               JSONMember(key: "type", value: .string(input.type))])
      for (key, value) in detail.sorted(by: { $0.key < $1.key }) { object.append(key: key, value: value) }
      try tx.appendEvent(LedgerEvent(turn: c.turn.id, at: c.now, kind: kind, key: input.key.hex, detail: .object(object)))
    }
    func done(_ outcome: Outcome, queued: [DispatchResult.EffectRef] = [], conflict: Bool = false) -> Decision {
      .done(outcome, ordinal: record.ordinal, queued: queued, conflict: conflict)
    }
    // A live lease of another holder, unless that holder was a process of this host that
    // is gone: then it is taken over at once.
    let otherLease = record.lease.flatMap { $0.expiresAt > c.now && $0.holder != c.holder ? $0.holder : nil }
    let goneHolder = otherLease.flatMap { WorkerIdentity.isGone($0) ? $0 : nil }
    let liveLease = otherLease != nil && goneHolder == nil

    if record.currentVersion != input.version {
      if record.versions.contains(input.version) {
        // An older version of this key, superseded by an upsert: a replay.
        try event("action.duplicate", ["superseded": true])
        var outcome = Outcome.duplicate(of: record.outcome ?? .planned)
        outcome.code = "dispatch.superseded"
        outcome.message = "a later version of \(input.key.readable) was declared"
        return done(outcome, queued: queued)
      }
      guard input.upsert else {
        try event("action.conflict", ["version": .string(input.version)])
        return done(.conflict(message: "\(input.key.readable) is recorded with another payload and \(input.type) "
                                + "does not declare x-slate-upsert"), conflict: true)
      }
      if c.dryRun { return done(.planned) }
      if c.readOnly { return done(turnNotRunning(input, c.turn.status)) }
      if liveLease { return .wait(until: record.lease!.expiresAt, holder: record.lease!.holder) }
      // Declare the new version; the lease below fences out any holder of the old one.
      record.payload = input.payload
      record.type = input.type
      record.effects = input.effects
      record.upsert = input.upsert
      record.phase = input.phase ?? record.phase
      record.versions.append(input.version)
      record.payloadRevision += 1
      record.status = .declared
      record.outcome = nil
      record.updatedAt = c.now
      try tx.updateAction(record, expectedToken: record.fencingToken)
      try event("action.upsert_declared", ["revision": .number(JSONNumber(record.payloadRevision))])
    }

    switch record.status {
    case .applied:
      try event("action.duplicate")
      return done(.duplicate(of: record.outcome ?? .applied(attempts: 0)), queued: queued)
    case .failed where !(record.outcome?.retryable ?? true):
      var recorded = record.outcome!
      recorded.attempts = 0
      return done(recorded)
    case .ambiguous where !c.idempotent:
      var recorded = record.outcome ?? .ambiguous(code: "dispatch.ambiguous", message: "", retryable: false, attempts: 0)
      recorded.attempts = 0
      return done(recorded)
    default:
      break
    }
    if c.dryRun { return done(.planned, queued: queued) }
    if c.readOnly { return done(turnNotRunning(input, c.turn.status)) }
    if liveLease { return .wait(until: record.lease!.expiresAt, holder: record.lease!.holder) }
    let resolving = record.status == .ambiguous || record.status == .inProgress
    let previous = record.lease?.holder
    let leased = try tx.acquireLease(scope: scope, key: input.key.hex, holder: c.holder, now: c.now,
                                     duration: c.leaseDuration, takingOverFrom: goneHolder)
    if record.status == .inProgress && !c.idempotent {
      // The earlier holder may have called the handler: calling again could do it twice.
      let outcome = Outcome.ambiguous(
        code: "dispatch.lease_expired",
        message: "\(previous ?? "a dispatcher") stopped while holding \(input.key.readable); its call may have gone out, "
          + "and the handler is not idempotent by key", retryable: false, attempts: 0)
      try tx.recordOutcome(scope: scope, key: input.key.hex, token: leased.fencingToken, status: .ambiguous,
                           outcome: outcome, attempts: 0, now: c.now)
      try event("action.ambiguous", ["outcome": outcome.json])
      return done(outcome)
    }
    var leasedDetail: [String: JSONValue] = ["token": .number(JSONNumber(leased.fencingToken)),
                                             "takeover": .bool(record.status == .inProgress && previous != c.holder)]
    if let goneHolder { leasedDetail["holder_gone"] = .string(goneHolder) }
    try event("action.leased", leasedDetail)
    return .call(leased, resolvingAmbiguity: resolving)
  }

  static func turnNotRunning(_ input: ActionInput, _ status: TurnStatus) -> Outcome {
    .failed(code: "dispatch.turn_not_running",
            message: "the turn is \(status.rawValue)" + (status == .completed ? "" : " (recover mode resumes it)")
              + ": \(input.key.readable) was not applied", retryable: status != .completed, attempts: 0)
  }

  /// The outbox entries of a record's declared effects (default discriminator).
  static func queuedEffects(of record: ActionRecord, in tx: any LedgerReader) throws(LedgerError)
    -> [DispatchResult.EffectRef]
  {
    var out: [DispatchResult.EffectRef] = []
    let scoped = record.scopedKey
    for kind in record.effects {
      let key = EffectRecord.key(action: scoped, kind: kind)
      if try tx.effect(key: key) != nil { out.append(DispatchResult.EffectRef(key: key, kind: kind, action: record.key)) }
    }
    return out
  }
}

/// Applies the plan action when the host has no handler for it: the dispatcher records
/// the plan's phases itself (at declaration), so the call only acknowledges it.
struct PlanHandler: ActionHandler {
  var idempotentByKey: Bool { true }

  func handle(_ call: HandlerCall) async throws -> HandlerResult {
    HandlerResult(result: ["phases": .number(JSONNumber(PlannedPhase.phases(fromPlan: call.payload).count))])
  }
}
