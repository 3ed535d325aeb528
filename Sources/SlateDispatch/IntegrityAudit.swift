/// A deterministic check of a turn after dispatch: what was planned against what landed,
/// what was requested against what was queued, and everything that did not go through
/// (rejections, conflicts, ambiguous and failed outcomes, duplicates). Each ``Finding`` has
/// a stable code, a severity and a sentence a user can read.
///
/// Findings come in a fixed order (phases; per key by ordinal: failed, ambiguous,
/// conflicts; effects; rejections; duplicates and planned; budgets), so the same inputs
/// give the same list. Complexity: O(n log n) in the number of entries and effects.
public enum IntegrityAudit {
  /// Audits `result` against the turn's `plan` (``TurnRecord/plan``). `queued`, when given
  /// (``LedgerReader/effects(turn:)``), adds the outbox entries the ledger holds to those
  /// the result saw queued. `planType` is the plan action's type (``Dispatcher/planType``):
  /// its own entry is not work of an unplanned phase. The audit of the result's
  /// ``DispatchTally`` (``run(plan:tally:planType:)``).
  public static func run(plan: [PlannedPhase], result: DispatchResult, queued: [EffectRecord] = [],
                         planType: String? = nil) -> [Finding]
  {
    var tally = DispatchTally(result)
    tally.settle(queued: queued.lazy.map { DispatchTally.EffectPair(action: $0.action.hex, kind: $0.kind) })
    return run(plan: plan, tally: tally, planType: planType)
  }

  /// Audits a turn's ``DispatchTally`` against its `plan`; the tally's pending effects
  /// should be settled against the outbox first (``DispatchTally/settle(queued:)``).
  public static func run(plan: [PlannedPhase], tally: DispatchTally, planType: String? = nil) -> [Finding] {
    audit(plan: plan, tally: tally, planType: planType).all
  }

  /// ``run(plan:tally:planType:)``'s findings as a sequence that makes the per-effect ones
  /// as it is read (``AuditFindings``): what a report of a folded turn keeps.
  public static func audit(plan: [PlannedPhase], tally: DispatchTally, planType: String? = nil) -> AuditFindings {
    var findings: [Finding] = []
    let dryRun = tally.notes.contains("dispatch.dry_run")
    var landed = Landed(planType: planType)
    var duplicates = Listed(kind: .duplicate)
    var planned = Listed(kind: .planned)
    var problems: [Finding] = []
    tally.forEachOrderedEntry { entry in
      landed.add(entry)
      duplicates.add(entry)
      planned.add(entry)
      if let finding = problem(entry) { problems.append(finding) }
    }

    // Phases: planned against landed.
    if !plan.isEmpty {
      let landedPhases = Set(landed.perPhase.keys)
      let missing = plan.filter { !landedPhases.contains($0.name) }.map(\.name)
      let done = plan.filter { landedPhases.contains($0.name) }.map(\.name)
      let counted = "\(plan.count) phase\(plan.count == 1 ? "" : "s") planned, \(done.count) landed"
      if missing.isEmpty {
        findings.append(Finding(code: .auditPhasesLanded, severity: .info, message: counted + "."))
      } else {
        let landedText = done.isEmpty ? "" : ": " + list(done) + " landed; "
        findings.append(Finding(
          code: .auditPhasesNotLanded, severity: dryRun ? .info : .error,
          message: counted + (done.isEmpty ? ": " : landedText) + list(missing) + " did not"
            + (dryRun ? " (dry run: nothing was applied)." : ".")))
      }
      for phase in plan {
        guard let expected = phase.expectedCount else { continue }
        let count = landed.perPhase[phase.name] ?? 0
        if count < expected && landedPhases.contains(phase.name) {
          findings.append(Finding(code: .auditPhaseShort, severity: .warning,
                                  message: "Phase \(phase.name) expected \(expected) actions; \(count) landed.",
                                  phase: phase.name))
        }
      }
      let planned = Set(plan.map(\.name))
      for name in landed.outsidePlan.subtracting(planned).sorted() {
        findings.append(Finding(code: .auditPhaseUnplanned, severity: .warning,
                                message: "Phase \(name.isEmpty ? "(none)" : name) landed actions but was not in the plan.",
                                phase: name))
      }
    }

    // Per key: failures and ambiguous outcomes.
    findings += problems
    // Conflicts: one finding per key, with the number of refused actions (per action, from
    // the accounting; at least the number of refused payload versions).
    let refused = tally.refusedPerKey
    for group in Dictionary(grouping: tally.conflicts, by: \.key.hex).values.sorted(by: { $0.min()! < $1.min()! }) {
      let conflict = group.min()!
      let count = max(refused[conflict.key.hex] ?? 0, group.count)
      let types = Set(group.map(\.type)).sorted().joined(separator: ", ")
      findings.append(Finding(
        code: .auditConflict, severity: .error,
        message: (count == 1 ? "\(types) for \(conflict.key.readable) carried another payload"
                  : "\(count) actions (\(types)) for \(conflict.key.readable) carried other payloads")
          + " than the one recorded and \(count == 1 ? "was" : "were") not applied (\(types) "
          + "\(group.count == 1 && !types.contains(",") ? "is" : "are") not an upsert).",
        key: conflict.key.readable, phase: conflict.phase))
    }

    // Effects: requested against queued, by action and kind (made as the findings are read).
    let effects = EffectFindings(tally: tally, dryRun: dryRun)
    let head = findings
    findings = []

    // Rejections (made as the findings are read, in order).
    let rejections = tally.rejectionCount

    // Duplicates and planned actions.
    if duplicates.count > 0 {
      findings.append(Finding(
        code: .auditDuplicates, severity: .info,
        message: "\(duplicates.count) action\(duplicates.count == 1 ? " was" : "s were") already applied and "
          + "\(duplicates.count == 1 ? "was" : "were") not applied again: \(duplicates.text)."))
    }
    if planned.count > 0 {
      findings.append(Finding(
        code: .auditPlanned, severity: dryRun ? .info : .warning,
        message: "\(planned.count) action\(planned.count == 1 ? " was" : "s were") declared and not called"
          + (dryRun ? " (dry run)" : "") + ": \(planned.text)."))
    }

    // Budgets.
    let budgets = [
      ("dispatch.budget_time", "The turn's time budget ran out before every action was dispatched."),
      ("dispatch.budget_actions", "The turn's action budget ran out: later actions were not declared."),
    ]
    for (code, sentence) in budgets where tally.notes.contains(code) {
      findings.append(Finding(code: .auditBudget, severity: .warning, message: sentence))
    }
    return AuditFindings(head: head, effects: effects.count == 0 ? nil : effects,
                         rejections: rejections == 0 ? nil : RejectionFindings(tally: tally, count: rejections),
                         tail: findings)
  }

  /// The finding of a rejected value.
  static func rejectionFinding(_ rejection: DispatchResult.RejectionRef) -> Finding {
    var where_: [String] = []
    if let index = rejection.index { where_.append("value \(index)") }
    if let phase = rejection.phase { where_.append("phase \(phase)") }
    return Finding(
      code: .auditRejection, severity: .warning,
      message: "A \(rejection.type ?? "value of unknown type") was rejected (\(rejection.codes.joined(separator: ", ")))"
        + (where_.isEmpty ? "." : " at " + where_.joined(separator: ", ") + "."), phase: rejection.phase)
  }

  /// The finding of an effect of kind `kind` requested by the action `readable` (whose
  /// key's entry is `entry`, if dispatched) and not queued.
  static func effectFinding(kind: String, readable: String, entry: DispatchResult.Entry?, dryRun: Bool) -> Finding {
    let actionLanded = entry.map { $0.outcome.kind == .applied || $0.outcome.kind == .duplicate } ?? false
    let what = "The \(kind) effect was requested but not queued"
    if dryRun {
      return Finding(code: .auditEffectNotQueued, severity: .info,
                     message: what + " for \(readable) (dry run).", key: readable)
    } else if actionLanded {
      return Finding(code: .auditEffectNotQueued, severity: .error,
                     message: what + ": \(readable) was applied but the effect never reached the outbox.",
                     key: readable, phase: entry?.phase)
    } else {
      return Finding(
        code: .auditEffectNotQueued, severity: .warning,
        message: what + ": \(readable) did not land (\(entry?.outcome.kind.rawValue ?? "not dispatched")).",
        key: readable, phase: entry?.phase)
    }
  }

  /// The finding of a failed or ambiguous entry, else nil.
  private static func problem(_ entry: DispatchResult.Entry) -> Finding? {
    let outcome = entry.outcome
    let detail = [outcome.code, outcome.message].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
    switch outcome.kind {
    case .failed:
      return Finding(
        code: .auditFailed, severity: outcome.retryable ? .warning : .error,
        message: "\(entry.type) for \(entry.key.readable) failed" + (detail.isEmpty ? "" : " (\(detail))")
          + (outcome.retryable ? "; a later run may retry it." : "; it will not be retried."),
        key: entry.key.readable, phase: entry.phase)
    case .ambiguous:
      return Finding(
        code: .auditAmbiguous, severity: outcome.retryable ? .warning : .error,
        message: "\(entry.key.readable) may or may not have been applied: the call went out and no answer came"
          + (detail.isEmpty ? "" : " (\(detail))")
          + (outcome.retryable ? "; a recovery will call again with the same key." : "; an operator must check it."),
        key: entry.key.readable, phase: entry.phase)
    default:
      return nil
    }
  }

  /// The landed entries (applied or duplicate), counted per phase (`""` for none), and the
  /// phases of those that are not the plan action's own. Entry by entry; O(phases) memory.
  private struct Landed {
    let planType: String?
    var perPhase: [String: Int] = [:]
    var outsidePlan: Set<String> = []

    init(planType: String?) { self.planType = planType }

    mutating func add(_ entry: DispatchResult.Entry) {
      guard entry.outcome.kind == .applied || entry.outcome.kind == .duplicate else { return }
      let name = entry.phase ?? ""
      perPhase[name, default: 0] += 1
      if entry.type != planType { outsidePlan.insert(name) }
    }
  }

  /// The entries of one outcome kind, counted, with the readable keys ``list(_:count:)``
  /// shows (the first ten). O(1) memory.
  private struct Listed {
    let kind: Outcome.Kind
    var count = 0
    var shown: [String] = []

    init(kind: Outcome.Kind) { self.kind = kind }

    mutating func add(_ entry: DispatchResult.Entry) {
      guard entry.outcome.kind == kind else { return }
      count += 1
      if shown.count < IntegrityAudit.listLimit { shown.append(entry.key.readable) }
    }

    var text: String { IntegrityAudit.list(shown, count: count) }
  }

  /// How many items ``list(_:count:)`` names.
  static let listLimit = 10

  /// `a`, `a and b`, `a, b and c`; more than 10 items end with "and n more". `count` is the
  /// number of items of which `items` holds the first (all of them by default).
  static func list(_ items: [String], count: Int? = nil) -> String {
    let count = count ?? items.count
    let shown = items.prefix(listLimit)
    if count > listLimit { return shown.joined(separator: ", ") + " and \(count - listLimit) more" }
    switch shown.count {
    case 0: return ""
    case 1: return shown[shown.startIndex]
    default: return shown.dropLast().joined(separator: ", ") + " and " + shown.last!
    }
  }
}
