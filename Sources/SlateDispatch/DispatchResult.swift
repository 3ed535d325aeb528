import SlateJSON

/// What one or more dispatches of a turn did: per key, the outcome; per queue, the ordered
/// unique keys; the effects requested and queued; conflicts, rejections, batches, notes.
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

  /// By key hex.
  public private(set) var entries: [String: Entry] = [:]
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

  /// Joins `other` into this result (see the type's documentation).
  public mutating func merge(_ other: DispatchResult) {
    for entry in other.entries.values { record(entry) }
    conflicts.formUnion(other.conflicts)
    effectsRequested.formUnion(other.effectsRequested)
    effectsQueued.formUnion(other.effectsQueued)
    rejections.formUnion(other.rejections)
    batches.formUnion(other.batches)
    phases.formUnion(other.phases)
    notes.formUnion(other.notes)
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

  /// How many keys ended in each kind.
  public var counts: [Outcome.Kind: Int] {
    entries.values.reduce(into: [:]) { $0[$1.outcome.kind, default: 0] += 1 }
  }
}
