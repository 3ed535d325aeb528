/// What a turn's ledger records say about how far it got: the basis of finalisation
/// (``Dispatcher/finalize(turn:as:reason:counts:)``), stale-run finalisation and the
/// recoverability classification. Deterministic: a function of the records only.
public struct TurnAssessment: Sendable, Hashable {
  /// Actions applied (the plan action itself excluded).
  public var landed: Int
  /// Actions a later run can still carry on: declared, in progress, failed but retryable,
  /// ambiguous but retryable.
  public var unfinished: [ActionRecord]
  /// Actions only an operator can settle: failed for good, ambiguous with a handler that
  /// is not idempotent by key.
  public var stuck: [ActionRecord]
  /// Planned phases with no applied action, in plan order.
  public var phasesNotLanded: [String]
  /// Planned phases that landed fewer actions than the plan's `expected_count`, in plan
  /// order (a stream cut part-way through a phase).
  public var phasesShort: [String]
  /// Outbox entries still waiting for a worker (pending, claimed, or failed with a retry
  /// due); dead-lettered ones are not counted.
  public var pendingEffects: Int
  /// Phase streams a live turn opened and did not read to their end (left open by a
  /// process that died, cancelled, or truncated), in the order they were opened: what they still
  /// carried was never read, so the turn is not complete
  /// (``StreamState/openStreams(in:)``).
  public var openStreams: [String]

  /// - Parameters:
  ///   - planType: the plan action's type (``Dispatcher/planType``), which does not count as
  ///     landed work; nil when the domain has none.
  public init(turn: TurnRecord, actions: [ActionRecord], phases: [PhaseRecord], effects: [EffectRecord],
              planType: String? = nil, openStreams: [String] = [])
  {
    var tally = ActionTally(planType: planType)
    for action in actions { tally.add(action) }
    self.init(turn: turn, tally: tally, phases: phases, pendingEffects: effects.filter(\.status.isOutstanding).count,
              openStreams: openStreams)
  }

  /// The assessment of the actions `tally` took in.
  init(turn: TurnRecord, tally: ActionTally, phases: [PhaseRecord], pendingEffects: Int, openStreams: [String]) {
    self.openStreams = openStreams
    self.landed = tally.landed
    self.unfinished = tally.unfinished
    self.stuck = tally.stuck
    self.phasesNotLanded = turn.plan.map(\.name).filter { !tally.landedPhases.contains($0) }
    self.phasesShort = turn.plan.filter { phase in
      guard let expected = phase.expectedCount, let count = tally.landedPerPhase[phase.name] else { return false }
      return count < expected
    }.map(\.name)
    self.pendingEffects = pendingEffects
    self.phaseOrder = Dictionary(phases.map { ($0.name, $0.ordinal) }, uniquingKeysWith: min)
    for (index, planned) in turn.plan.enumerated() where phaseOrder[planned.name] == nil { phaseOrder[planned.name] = index }
  }

  /// What an assessment keeps of a turn's actions, taken in one at a time: counts, and
  /// the records of the actions not applied (O(those) memory, not O(the turn's actions)).
  struct ActionTally {
    let planType: String?
    var landed = 0
    var unfinished: [ActionRecord] = []
    var stuck: [ActionRecord] = []
    var landedPhases = Set<String>()
    var landedPerPhase: [String: Int] = [:]

    mutating func add(_ action: ActionRecord) {
      switch action.status {
      case .applied:
        if action.type != planType {
          landed += 1
          landedPerPhase[action.phase ?? "", default: 0] += 1
        }
        landedPhases.insert(action.phase ?? "")
      case .declared, .inProgress:
        unfinished.append(action)
      case .failed, .ambiguous:
        if action.outcome?.retryable ?? true { unfinished.append(action) } else { stuck.append(action) }
      }
    }
  }

  private var phaseOrder: [String: Int]

  /// Nothing is left for a run to do, every planned phase landed and no stream was left open.
  public var isComplete: Bool {
    unfinished.isEmpty && stuck.isEmpty && phasesNotLanded.isEmpty && openStreams.isEmpty && landed > 0
  }

  /// The status a finished (or stale) turn gets: `completed` when complete,
  /// `partiallyCompleted` when some actions landed, `failed` when none did.
  public var status: TurnStatus { isComplete ? .completed : landed > 0 ? .partiallyCompleted : .failed }

  /// How the turn can be carried on:
  /// - complete: ``Recoverability/none``;
  /// - nothing landed: ``Recoverability/retryFromStart``;
  /// - what remains is only effects (every unfinished action declares effects, every
  ///   planned phase landed): ``Recoverability/continueEffects``;
  /// - something remains: ``Recoverability/resumeFromPhase(_:)`` with the earliest phase
  ///   (by the turn's phase order) holding an unfinished action, a planned phase that did
  ///   not land, one that landed fewer actions than the plan expected, or a stream left
  ///   open;
  /// - only operator matters remain: ``Recoverability/none``.
  public var recoverability: Recoverability {
    if isComplete { return .none }
    if landed == 0 { return .retryFromStart }
    if phasesNotLanded.isEmpty && openStreams.isEmpty && !unfinished.isEmpty
      && unfinished.allSatisfy({ !$0.effects.isEmpty })
    {
      return .continueEffects
    }
    let gaps = Set(unfinished.map { $0.phase ?? "" }).union(phasesNotLanded).union(phasesShort).union(openStreams)
    if let first = gaps.min(by: { (phaseOrder[$0] ?? .max, $0) < (phaseOrder[$1] ?? .max, $1) }) {
      return .resumeFromPhase(first)
    }
    return .none
  }
}

extension TurnAssessment {
  /// The event kinds by which a turn met (dispatched) a key: a key met by a project-scoped
  /// turn whose record another turn declared counts among its actions.
  static let metKinds: Set<String> = ["action.duplicate", "action.leased", "action.applied", "action.failed",
                                      "action.ambiguous"]

  /// The assessment of `turn` from the ledger: the actions it declared and, in project
  /// scope, the records declared by other turns that it met (as duplicates, or by
  /// finishing them), so that a turn whose actions were all duplicates of earlier turns'
  /// is complete, not "nothing landed"; and the phase streams a live turn left open
  /// (``StreamState/openStreams(in:)``). Complexity: O(the turn's actions, phases, effects
  /// and events).
  public static func of(_ turn: TurnRecord, in tx: any LedgerReader, planType: String?) throws(LedgerError)
    -> TurnAssessment
  {
    // Read a record at a time (``LedgerReader/forEachAction(turn:_:)``): a turn of any size
    // is assessed in memory for its unfinished actions and its keys (project scope) only.
    var tally = ActionTally(planType: planType)
    let projectScope = turn.scopeKind == .project
    var seen = Set<String>()
    try tx.forEachAction(turn: turn.id) { action throws(LedgerError) in
      tally.add(action)
      if projectScope { seen.insert(action.key.hex) }
    }
    var streams = StreamState.OpenStreams()
    try tx.forEachEvent(turn: turn.id, after: 0) { event throws(LedgerError) in
      streams.add(event)
      guard projectScope, metKinds.contains(event.kind), let key = event.key, seen.insert(key).inserted,
        let record = try tx.action(scope: turn.scope, key: key)
      else { return }
      tally.add(record)
    }
    // The outbox too, a row at a time: only its outstanding entries are counted.
    var pending = 0
    try tx.forEachEffect(turn: turn.id) { effect throws(LedgerError) in
      if effect.status.isOutstanding { pending += 1 }
    }
    return TurnAssessment(turn: turn, tally: tally, phases: try tx.phaseHeads(turn: turn.id), pendingEffects: pending,
                          openStreams: streams.open)
  }
}
