/// An integrity audit's findings (``IntegrityAudit/audit(plan:tally:planType:)``), in their
/// order, without holding the per-effect and per-rejection ones: the findings before the
/// effects (phases, failures, conflicts) and after the rejections (duplicates, budgets) are
/// held; the "requested but not queued" findings, one per pending effect of the audited
/// ``DispatchTally`` (a dry run has one per requested effect), are made one at a time as the
/// sequence is read, from the tally and the order of its pending effects (4 bytes each), and
/// so are the rejections' (from the tally's rejections, sorted: a finding's sentence took
/// ~850 bytes more than its rejection, heaptrack).
///
/// Reading the sequence gives the same findings, in the same order, as
/// ``IntegrityAudit/run(plan:tally:planType:)``. Memory: the held findings, the tally (shared
/// with its owner), 4 bytes per pending effect; O(1) per finding made.
public struct AuditFindings: Sequence, Sendable {
  var head: [Finding]
  var effects: EffectFindings?
  var rejections: RejectionFindings?
  var tail: [Finding]

  /// Findings held whole (an audit of a ``DispatchResult``, a report read back).
  public init(_ findings: [Finding] = []) {
    head = findings
    effects = nil
    rejections = nil
    tail = []
  }

  init(head: [Finding], effects: EffectFindings?, rejections: RejectionFindings?, tail: [Finding]) {
    self.head = head
    self.effects = effects
    self.rejections = rejections
    self.tail = tail
  }

  /// The findings in one array (O(findings) memory).
  public var all: [Finding] { Array(self) }

  /// How many findings there are. O(1).
  public var count: Int { head.count + (effects?.count ?? 0) + (rejections?.count ?? 0) + tail.count }

  public var underestimatedCount: Int { count }

  /// How many findings are held (all but the per-effect and per-rejection ones, made as
  /// they are read).
  public var heldCount: Int { head.count + tail.count }

  /// Whether any finding is an error (the per-effect ones decided without making them).
  public var hasError: Bool {
    head.contains { $0.severity == .error } || tail.contains { $0.severity == .error }
      || (effects?.hasError ?? false)
  }

  public struct Iterator: IteratorProtocol {
    let findings: AuditFindings
    var stage = 0
    var index = 0

    public mutating func next() -> Finding? {
      while true {
        switch stage {
        case 0:
          if index < findings.head.count { index += 1; return findings.head[index - 1] }
        case 1:
          if let effects = findings.effects, index < effects.count {
            index += 1
            return effects.finding(at: index - 1)
          }
        case 2:
          if let rejections = findings.rejections, index < rejections.count {
            index += 1
            return IntegrityAudit.rejectionFinding(rejections.tally.rejection(ordered: index - 1))
          }
        case 3:
          if index < findings.tail.count { index += 1; return findings.tail[index - 1] }
        default:
          return nil
        }
        stage += 1
        index = 0
      }
    }
  }

  public func makeIterator() -> Iterator { Iterator(findings: self) }
}

/// The "requested but not queued" findings of a tally's pending effects, by their action's
/// ordinal, then effect key (``TallyKeys/pendingRecord(ordered:)``: the order made in the
/// tally's pages on first use), each made as it is read.
struct EffectFindings: Sendable {
  let tally: DispatchTally
  let dryRun: Bool
  /// How many findings there are (the pending effects).
  let count: Int

  init(tally: DispatchTally, dryRun: Bool) {
    self.tally = tally
    self.dryRun = dryRun
    count = tally.pendingCount
  }

  /// Whether any of the findings is an error: outside a dry run, an effect of an action
  /// that landed (applied or duplicate). O(pending effects).
  var hasError: Bool {
    guard !dryRun else { return false }
    for n in 0..<count {
      let record = tally.keys.pendingRecord(ordered: n)
      if let at = tally.actionSlot(of: record), tally.slot(at: at).kind == .applied || tally.slot(at: at).kind == .duplicate {
        return true
      }
    }
    return false
  }

  /// The finding of the `n`th pending effect in order.
  func finding(at n: Int) -> Finding {
    let record = tally.keys.pendingRecord(ordered: n)
    let readable = tally.actionReadable(of: record)
    let kind = tally.names[Int(record.kind)]
    let entry = tally.actionSlot(of: record).map { tally.entry(tally.slot(at: $0)) }
    return IntegrityAudit.effectFinding(kind: kind, readable: readable, entry: entry, dryRun: dryRun)
  }
}

/// The rejections' findings of a tally, in order (``DispatchTally/rejection(ordered:)``), each
/// made as it is read.
struct RejectionFindings: Sendable {
  let tally: DispatchTally
  let count: Int
}
