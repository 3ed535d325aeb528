import SlateJSON
import SlateSchema

extension Dispatcher {
  /// Declares the intents of `batches`, in order, without calling any handler: each batch's
  /// new keys (with their effects), its plan and its phase, one transaction per batch (see
  /// ``declare(_:batch:turn:)``). A host that holds several batches at once (a replayed turn,
  /// a phase stream that has ended) declares them all first, so that a crash during
  /// dispatch leaves every intent in the ledger and ``recover(turn:)`` can finish the turn
  /// from the ledger alone. ``dispatch(_:turn:)`` of a declared batch declares nothing
  /// again. Nothing is declared into a turn that is not running. Returns how many keys
  /// were admitted (over the turn's action budget: not declared).
  @discardableResult
  public func declare(_ batches: [ActionBatch], turn: TurnID) async throws -> Int {
    var record = try await begin(turn: turn)
    if mode == .recover { record = try await reopenIfNeeded(record) }
    guard record.status == .running else { return 0 }
    var admitted = 0
    for batch in batches {
      admitted += try await declare(batch.actions.map(ActionInput.init), batch: batch, turn: record).filter { $0 }.count
    }
    return admitted
  }

  /// Declares, in one transaction, every key of the batch the ledger does not hold yet
  /// (status `declared`, with its payload version and effects), records the plan when the
  /// batch carries one, opens the batch's phase and moves the turn's progress mark.
  /// `alongside` is written first, in the same transaction. Returns, per input, whether it
  /// was admitted (false: over the turn's action budget, not declared). Complexity: one
  /// transaction, O(batch) reads and writes by key plus the ledger's
  /// ``LedgerReader/nextOrdinal(turn:)`` and the phase record.
  func declare(_ inputs: [ActionInput], batch: ActionBatch, turn: TurnRecord, alongside: LedgerWrites? = nil)
    async throws -> [Bool]
  {
    let now = clock.now()
    let spent = usage[turn.id]?.actions ?? 0
    let budget = configuration.budget.maxActions
    let planType = self.planType
    let phaseName = batch.phase ?? ""
    let (admitted, inserted) = try await ledger.write { tx throws(LedgerError) -> ([Bool], Int) in
      try alongside?(tx)
      var admitted: [Bool] = []
      var inserted = 0
      var ordinal = try tx.nextOrdinal(turn: turn.id)
      for input in inputs {
        if input.type == planType { try Dispatcher.recordPlan(input.payload, turn: turn.id, now: now, in: tx) }
        if try tx.action(scope: turn.scope, key: input.key.hex) != nil {
          admitted.append(true)
          continue
        }
        guard spent + inserted < budget else {
          admitted.append(false)
          continue
        }
        try tx.insertAction(ActionRecord(
          scope: turn.scope, key: input.key, turn: turn.id, phase: input.phase, batch: batch.id, ordinal: ordinal,
          type: input.type, queue: input.queue, payload: input.payload, effects: input.effects, upsert: input.upsert,
          versions: [input.version], declaredAt: now))
        try tx.appendEvent(LedgerEvent(turn: turn.id, at: now, kind: "action.declared", key: input.key.hex, detail: [
          "readable": .string(input.key.readable), "type": .string(input.type),
          "effects": .array(input.effects.map(JSONValue.string)), "batch": .string(batch.id),
        ]))
        ordinal += 1
        inserted += 1
        admitted.append(true)
      }
      try Dispatcher.openPhase(phaseName, batch: batch.id, turn: turn.id, now: now, in: tx)
      try tx.touchTurn(turn.id, now: now)
      return (admitted, inserted)
    }
    usage[turn.id, default: Usage(startedAt: now)].actions += inserted
    return admitted
  }

  /// Stores a plan's phases in the turn (the first plan wins; a replay changes nothing) and
  /// one `planned` phase record per planned phase.
  static func recordPlan(_ payload: JSONValue, turn id: TurnID, now: Timestamp, in tx: any LedgerTransaction)
    throws(LedgerError)
  {
    let phases = PlannedPhase.phases(fromPlan: payload)
    guard var turn = try tx.turn(id), turn.plan.isEmpty, !phases.isEmpty else { return }
    turn.plan = phases
    try tx.updateTurn(turn)
    let existing = Set(try tx.phaseHeads(turn: id).map(\.name))
    for (index, phase) in phases.enumerated() where !existing.contains(phase.name) {
      try tx.putPhase(PhaseRecord(turn: id, name: phase.name, ordinal: index, planned: true,
                                  expectedCount: phase.expectedCount, updatedAt: now))
    }
    try tx.appendEvent(LedgerEvent(turn: id, at: now, kind: "turn.planned",
                                   detail: ["phases": .array(phases.map { .string($0.name) })]))
  }

  /// Marks a phase `dispatching` and adds the batch to it (creating the record, after the
  /// turn's other phases, when the plan did not declare it). O(1) in the phase's batches
  /// (``LedgerTransaction/phaseHead(turn:name:)``, ``LedgerTransaction/addPhaseBatch(_:turn:phase:)``):
  /// the batch list is never read or rewritten whole.
  static func openPhase(_ name: String, batch: String, turn: TurnID, now: Timestamp, in tx: any LedgerTransaction)
    throws(LedgerError)
  {
    let head = try tx.phaseHead(turn: turn, name: name)
    var phase: PhaseRecord
    if let head {
      phase = head.phase
    } else {
      let last = try tx.phaseHeads(turn: turn).map(\.ordinal).max() ?? -1  // once per phase
      phase = PhaseRecord(turn: turn, name: name, ordinal: last + 1, updatedAt: now)
    }
    let opened = (head?.batchCount ?? 0) == 0
    phase.state = .dispatching
    phase.updatedAt = now
    try tx.putPhaseHead(phase)
    try tx.addPhaseBatch(batch, turn: turn, phase: name)
    if opened {
      try tx.appendEvent(LedgerEvent(turn: turn, at: now, kind: "phase.opened", detail: ["phase": .string(name)]))
    }
  }
}
