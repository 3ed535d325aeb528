import SlateJSON

/// What one or more dispatches of a turn did: per action, what became of it (the
/// accounting, ``actionCounts``); per key, the outcome; per queue, the ordered unique keys;
/// the effects requested and queued; conflicts, rejections, batches, notes.
///
/// ## Accounting
///
/// Every action that reached the dispatcher is counted exactly once, by its place in the
/// stream (``ActionRef``: its batch and position), so that
/// `actions = applied + duplicates + conflicts + rejected + failed + ambiguous + planned`
/// (``ActionCounts``). The per-key figures (``counts``) are another measure: several
/// actions may share a key (the second of two is a duplicate or a conflict), and a key's
/// entry keeps only its outcome of highest precedence.
///
/// ## Merge
///
/// ``merge(_:)`` is a **join**: associative, commutative and idempotent, so results of
/// phases, batches, retries and racing dispatchers combine in any order and any grouping
/// to the same value. Every part is a join of its own:
/// - entries, by key: the entry of higher precedence wins (``Outcome`` documents the
///   order: `planned < failed < conflict < ambiguous < duplicate < applied`; then more
///   attempts; then the greater canonical JSON of the outcome, type and phase), and the
///   ordinal is the smaller of the two;
/// - actions, by ``ActionRef``: the outcome kind of higher precedence (then the greater
///   key hex), so the same action dispatched twice (a racing dispatcher) counts once;
/// - conflicts, effects, rejections, batches, phases and notes: set union.
///
/// Complexity: O(n + m) for results of n and m entries (plus the set unions).
public struct DispatchResult: Sendable, Hashable {
  /// One key's line.
  public struct Entry: Sendable, Hashable {
    public var key: ActionKey
    public var queue: String
    /// The action type (of the winning outcome when several actions share the key).
    public var type: String
    public var phase: String?
    /// The key's position in the turn (the ledger's ordinal): the order of ``keys(queue:)``.
    public var ordinal: Int
    public var outcome: Outcome

    public init(key: ActionKey, queue: String, type: String, phase: String?, ordinal: Int, outcome: Outcome) {
      self.key = key
      self.queue = queue
      self.type = type
      self.phase = phase
      self.ordinal = ordinal
      self.outcome = outcome
    }

    /// The total order that picks the winner of two entries for one key.
    static func precedes(_ a: Entry, _ b: Entry) -> Bool {
      if a.outcome.kind != b.outcome.kind { return a.outcome.kind < b.outcome.kind }
      if a.outcome.attempts != b.outcome.attempts { return a.outcome.attempts < b.outcome.attempts }
      let (x, y) = (a.outcome.json.canonicalBytes, b.outcome.json.canonicalBytes)
      if x != y { return x.lexicographicallyPrecedes(y) }
      if a.type != b.type { return a.type.utf8.lexicographicallyPrecedes(b.type.utf8) }
      return (a.phase ?? "").utf8.lexicographicallyPrecedes((b.phase ?? "").utf8)
    }

    /// The join of two entries for the same key.
    static func join(_ a: Entry, _ b: Entry) -> Entry {
      var winner = precedes(a, b) ? b : a
      winner.ordinal = min(a.ordinal, b.ordinal)
      return winner
    }
  }

  /// An effect by its own idempotency key.
  public struct EffectRef: Sendable, Hashable, Comparable {
    public var key: String
    public var kind: String
    public var action: ActionKey

    public init(key: String, kind: String, action: ActionKey) {
      self.key = key
      self.kind = kind
      self.action = action
    }

    public static func < (a: EffectRef, b: EffectRef) -> Bool { a.key < b.key }
  }

  /// An action that met a recorded key with another payload, not applied.
  public struct Conflict: Sendable, Hashable, Comparable {
    public var key: ActionKey
    public var type: String
    /// The refused payload's version digest.
    public var version: String
    public var phase: String?

    public init(key: ActionKey, type: String, version: String, phase: String?) {
      self.key = key
      self.type = type
      self.version = version
      self.phase = phase
    }

    public static func < (a: Conflict, b: Conflict) -> Bool { (a.key.hex, a.version) < (b.key.hex, b.version) }
  }

  /// A value the validator rejected, as a batch carried it.
  public struct RejectionRef: Sendable, Hashable, Comparable {
    public var type: String?
    public var phase: String?
    public var index: Int?
    /// The validation error codes.
    public var codes: [String]
    /// SHA-256 of the value's bytes: tells two rejections apart.
    public var digest: String

    public init(type: String?, phase: String?, index: Int?, codes: [String], digest: String) {
      self.type = type
      self.phase = phase
      self.index = index
      self.codes = codes
      self.digest = digest
    }

    public static func < (a: RejectionRef, b: RejectionRef) -> Bool {
      (a.index ?? Int.max, a.digest) < (b.index ?? Int.max, b.digest)
    }
  }

  /// One action's place: the batch that carried it (its id and sequence, `<id>#<sequence>`)
  /// and its position among the batch's actions (a recovery, which works from the ledger, uses `recover:` and the record's
  /// ordinal).
  public struct ActionRef: Sendable, Hashable, Comparable {
    public var batch: String
    public var position: Int

    public init(batch: String, position: Int) {
      self.batch = batch
      self.position = position
    }

    public static func < (a: ActionRef, b: ActionRef) -> Bool { (a.batch, a.position) < (b.batch, b.position) }

    /// The batch of the actions ``Dispatcher/recover(turn:)`` reaches from the ledger alone
    /// (their position: the record's ordinal).
    public static func recoveryBatch(_ turn: TurnID) -> String { "recover:" + turn.rawValue }
  }

  /// What became of one action: its outcome's kind and its key's hex.
  public struct Tally: Sendable, Hashable {
    public var kind: Outcome.Kind
    public var key: String

    public init(kind: Outcome.Kind, key: String) {
      self.kind = kind
      self.key = key
    }

    static func join(_ a: Tally, _ b: Tally) -> Tally {
      if a.kind != b.kind { return a.kind < b.kind ? b : a }
      return a.key < b.key ? b : a
    }
  }

  /// By key hex.
  public private(set) var entries: [String: Entry] = [:]
  /// Per action (see Accounting).
  public private(set) var actions: [ActionRef: Tally] = [:]
  public var conflicts: Set<Conflict> = []
  /// The effects the dispatched actions imply (one per action and declared kind).
  public var effectsRequested: Set<EffectRef> = []
  /// The effects found in the outbox for them (queued by this dispatch or an earlier one).
  public var effectsQueued: Set<EffectRef> = []
  public var rejections: Set<RejectionRef> = []
  /// The ids of the batches dispatched.
  public var batches: Set<String> = []
  /// The phases whose batches were dispatched (`""` for actions without a phase).
  public var phases: Set<String> = []
  /// Codes of conditions met on the way (`dispatch.budget_time`, `dispatch.dry_run`, …).
  public var notes: Set<String> = []

  public init() {}

  /// Adds (joins) one key's entry.
  public mutating func record(_ entry: Entry) {
    if let present = entries[entry.key.hex] {
      entries[entry.key.hex] = Entry.join(present, entry)
    } else {
      entries[entry.key.hex] = entry
    }
  }

  /// Adds (joins) one action's entry: its key's entry and the action's tally.
  public mutating func record(_ entry: Entry, action: ActionRef) {
    record(entry)
    tally(Tally(kind: entry.outcome.kind, key: entry.key.hex), action: action)
  }

  /// Joins one action's tally.
  mutating func tally(_ tally: Tally, action: ActionRef) {
    if let present = actions[action] {
      actions[action] = Tally.join(present, tally)
    } else {
      actions[action] = tally
    }
  }

  /// Joins `other` into this result (see the type's documentation).
  public mutating func merge(_ other: DispatchResult) {
    for entry in other.entries.values { record(entry) }
    for (ref, tally) in other.actions { self.tally(tally, action: ref) }
    conflicts.formUnion(other.conflicts)
    effectsRequested.formUnion(other.effectsRequested)
    effectsQueued.formUnion(other.effectsQueued)
    rejections.formUnion(other.rejections)
    batches.formUnion(other.batches)
    phases.formUnion(other.phases)
    notes.formUnion(other.notes)
  }

  /// Counts once each action that both a recovery from the ledger alone
  /// (``Dispatcher/recover(turn:)``, by ordinal: ``ActionRef/recoveryBatch(_:)``) and a
  /// dispatch of the stream's bytes (by its place in the stream) reached: the recovery's
  /// tally of a key that an action of the stream also has is joined into the tally of the
  /// first such action (in ``ActionRef`` order) and dropped; the recovery's other tallies
  /// stay. The per-key entries are unchanged (they are counted by key already). O(actions).
  public mutating func countRecoveredOnce(turn: TurnID) {
    let recovered = ActionRef.recoveryBatch(turn)
    var streamed: [String: ActionRef] = [:]
    for (ref, tally) in actions where ref.batch != recovered {
      if let first = streamed[tally.key], first < ref { continue }
      streamed[tally.key] = ref
    }
    for (ref, tally) in actions where ref.batch == recovered {
      guard let first = streamed[tally.key] else { continue }
      actions[ref] = nil
      self.tally(tally, action: first)
    }
  }

  public func merging(_ other: DispatchResult) -> DispatchResult {
    var copy = self
    copy.merge(other)
    return copy
  }

  /// The join of any number of results (the empty result for none).
  public static func merge(_ results: some Sequence<DispatchResult>) -> DispatchResult {
    results.reduce(into: DispatchResult()) { $0.merge($1) }
  }

  /// The entries by ordinal, then key.
  public var orderedEntries: [Entry] {
    entries.values.sorted { ($0.ordinal, $0.key.hex) < ($1.ordinal, $1.key.hex) }
  }

  /// The queues, sorted by name.
  public var queues: [String] { Set(entries.values.map(\.queue)).sorted() }

  /// The ordered unique keys of a queue (scene ids, character names, …).
  public func keys(queue: String) -> [ActionKey] { orderedEntries.filter { $0.queue == queue }.map(\.key) }

  public func outcome(for key: ActionKey) -> Outcome? { entries[key.hex]?.outcome }

  /// How many keys ended in each kind (per key; see ``actionCounts`` for per action).
  public var counts: [Outcome.Kind: Int] {
    entries.values.reduce(into: [:]) { $0[$1.outcome.kind, default: 0] += 1 }
  }

  /// How many actions ended in each kind, and the rejections (see Accounting).
  public var actionCounts: ActionCounts {
    var counts = ActionCounts()
    for tally in actions.values { counts.add(tally.kind) }
    counts.rejected = rejections.count
    return counts
  }
}

/// Per-action figures: every action that reached the dispatcher is in exactly one of them,
/// so ``actions`` = ``applied`` + ``duplicates`` + ``conflicts`` + ``rejected`` + ``failed``
/// + ``ambiguous`` + ``planned``.
public struct ActionCounts: Sendable, Hashable {
  public var applied = 0
  public var duplicates = 0
  public var conflicts = 0
  /// Values the validator rejected (they reached the dispatcher in their batch).
  public var rejected = 0
  public var failed = 0
  public var ambiguous = 0
  public var planned = 0

  public init(applied: Int = 0, duplicates: Int = 0, conflicts: Int = 0, rejected: Int = 0, failed: Int = 0,
              ambiguous: Int = 0, planned: Int = 0)
  {
    self.applied = applied
    self.duplicates = duplicates
    self.conflicts = conflicts
    self.rejected = rejected
    self.failed = failed
    self.ambiguous = ambiguous
    self.planned = planned
  }

  /// The sum of the parts: every action counted once.
  public var actions: Int { applied + duplicates + conflicts + rejected + failed + ambiguous + planned }

  /// Counts one action of `kind`.
  public mutating func add(_ kind: Outcome.Kind) {
    switch kind {
    case .applied: applied += 1
    case .duplicate: duplicates += 1
    case .conflict: conflicts += 1
    case .failed: failed += 1
    case .ambiguous: ambiguous += 1
    case .planned: planned += 1
    }
  }

  /// The figures by name, in the identity's order (`actions` first).
  public var named: [(name: String, value: Int)] {
    [("actions", actions), ("applied", applied), ("duplicates", duplicates), ("conflicts", conflicts),
     ("rejected", rejected), ("failed", failed), ("ambiguous", ambiguous), ("planned", planned)]
  }

  /// `actions 12: applied 9, duplicates 1, …` for people.
  public var sentence: String {
    let parts = named.dropFirst().map { "\($0.name) \($0.value)" }
    return "actions \(actions): " + parts.joined(separator: ", ")
  }
}
