import SlateJSON

/// The figures of a turn's dispatch results, folded result by result into compact storage:
/// what a report of the turn prints and audits (``IntegrityAudit/run(plan:tally:planType:)``),
/// without every key's ``DispatchResult/Entry``.
///
/// ``add(_:)`` joins a result in with ``DispatchResult/merge(_:)``'s rules (the key's entry
/// of higher precedence, the smaller ordinal; the action's tally of higher precedence;
/// set unions), so a tally of results `r1 … rn` reports the same figures as a tally of
/// their merge (``init(_:)``), with one reading of the effects (see ``pendingEffects``).
///
/// Per key it keeps one slot: the key's digest (32 bytes when its hex is a SHA-256 digest),
/// its readable form, its winning outcome's kind, attempts and canonical JSON, its ordinal,
/// and its queue, type, phase and namespace as indices into one table of names. Per action,
/// a record of its tally's kind (``ActionTallies``: in the same pages as the slots, as are
/// the rejections and pending effects), and the key of a conflict's tally.
/// A full entry holds ~2 KB (an ``ActionKey``'s strings and canonical bytes, the outcome's
/// JSON tree, the action and effect sets); a slot 88 bytes and no allocation of its own
/// (``storageBytes``).
///
/// Complexity: ``add(_:)`` O(entries + actions + effects of the result); the orderings
/// (``forEachOrderedEntry(_:)``, ``keys(queue:)``) sort indices, O(n log n) time and 4 bytes
/// per key of transient memory.
public struct DispatchTally: Sendable {
  /// A key's identity: its hex as 4 words when it is 64 lower-case hexadecimal digits (a
  /// SHA-256 digest, every key a pack derives), else the text itself.
  enum KeyID: Hashable, Sendable {
    case digest(UInt64, UInt64, UInt64, UInt64)
    case text(String)

    init(_ hex: String) {
      var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
      var count = 0
      for byte in hex.utf8 {
        let nibble: UInt64
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = UInt64(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = UInt64(byte - UInt8(ascii: "a") + 10)
        default:
          self = .text(hex)
          return
        }
        guard count < 64 else {
          self = .text(hex)
          return
        }
        switch count / 16 {
        case 0: words.0 = words.0 << 4 | nibble
        case 1: words.1 = words.1 << 4 | nibble
        case 2: words.2 = words.2 << 4 | nibble
        default: words.3 = words.3 << 4 | nibble
        }
        count += 1
      }
      self = count == 64 ? .digest(words.0, words.1, words.2, words.3) : .text(hex)
    }

    /// The key's hex, as it was given.
    var hex: String {
      switch self {
      case .text(let text): return text
      case .digest(let a, let b, let c, let d):
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for word in [a, b, c, d] {
          for shift in stride(from: 60, through: 0, by: -4) { out.append(digits[Int((word >> UInt64(shift)) & 0xF)]) }
        }
        return String(decoding: out, as: UTF8.self)
      }
    }

    /// Where the key starts its probe in a table of a power-of-two size (the same in every
    /// process: a spilled index is rebuilt from the slots).
    var bucket: Int {
      switch self {
      case .digest(let a, _, _, _): return Self.bucket(digest: a)
      case .text(let text): return Self.bucket(text: text.utf8)
      }
    }

    static func bucket(digest a: UInt64) -> Int { Int(truncatingIfNeeded: a ^ (a >> 29)) }

    /// FNV-1a of the text's bytes.
    static func bucket(text bytes: some Sequence<UInt8>) -> Int {
      var hash: UInt64 = 0xcbf2_9ce4_8422_2325
      for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
      return Int(truncatingIfNeeded: hash ^ (hash >> 29))
    }

    /// The order of the hex strings.
    static func precedes(_ x: KeyID, _ y: KeyID) -> Bool {
      if case .digest(let a0, let a1, let a2, let a3) = x, case .digest(let b0, let b1, let b2, let b3) = y {
        return (a0, a1, a2, a3) < (b0, b1, b2, b3)
      }
      return x.hex < y.hex
    }
  }

  /// One key's winning entry, compactly: its text (readable form, text key, outcome JSON)
  /// in ``keys``' pages, its names as indices into ``names``. Fixed size, no reference: it
  /// lives in ``TallyKeys``' pages (in memory or in their file).
  struct Slot: Sendable {
    /// The key as stored.
    var key: StoredKey
    /// The outcome kind's rank (``Outcome/Kind/rank``).
    var kindRank: UInt8
    var attempts: Int32
    var namespace: UInt32
    var queue: UInt32
    var type: UInt32
    /// `phase + 1` into the names; 0 for none.
    var phase: UInt32
    var readable: ByteArena.Span
    /// The outcome's canonical JSON (the join's tie-break, and its code and message): its
    /// bytes in the pages, or, when ``ByteArena/Span/page`` is `UInt32.max`, the shape
    /// ``ByteArena/Span/offset`` of ``shapes`` with the key's readable string put back.
    var outcome: ByteArena.Span
    var ordinal: Int

    var kind: Outcome.Kind { Outcome.Kind.byRank[Int(kindRank)] }
  }

  /// The slots, their index by key, their bytes: in memory up to ``memory``, past it in a
  /// temporary file (``TallyKeys``).
  var keys: TallyKeys
  /// Where the per-key state is kept.
  public let memory: TallyMemory
  /// Outcomes with their key's readable string (as canonical JSON) replaced by the byte
  /// 0xFF, which no JSON text holds: a handler's `{"key": readable, …}` answers share a
  /// handful of shapes. Up to ``shapeLimit``; past it, outcomes are kept whole.
  var shapes: [[UInt8]] = []
  var shapeIndex: [[UInt8]: UInt32] = [:]
  static let shapeLimit = 4096
  var names: [String] = []
  var nameIndex: [String: UInt32] = [:]
  /// The key hex of each action whose tally is a conflict (the audit counts them per key).
  var conflictTallies: [DispatchResult.ActionRef: String] = [:]

  public private(set) var conflicts: Set<DispatchResult.Conflict> = []
  /// The rejections' code lists (a rejection's record in ``keys`` holds its list's index).
  var codeLists: [[String]] = []
  var codeListIndex: [[String]: UInt32] = [:]
  public private(set) var phases: Set<String> = []
  public private(set) var notes: Set<String> = []
  /// The effects requested and not (yet) seen queued (``isPending(_:)``, ``pendingCount``,
  /// ``forEachPendingEffect(_:)``): a result's requested effects less those it saw queued,
  /// less those a later result saw queued, less those the outbox holds
  /// (``settle(queued:)``). The dispatcher reports an action's queued effects with every
  /// dispatch of it that requests them, so this equals the merged result's requested less
  /// queued, except for an effect queued under another turn (project scope) seen by an
  /// earlier dispatch only. Kept compactly in ``PendingEffects``, in ``keys``' pages (about
  /// 80 bytes per effect: a 36-byte record, the effect's key, a head per slot; an
  /// ``DispatchResult/EffectRef`` in a set per pair held ~600, heaptrack: its
  /// ``ActionKey``'s strings and canonical bytes).

  /// An effect by its action's hex and kind (how the audit matches requested and queued).
  public struct EffectPair: Hashable, Sendable {
    public var action: String
    public var kind: String

    public init(action: String, kind: String) {
      self.action = action
      self.kind = kind
    }
  }

  /// An empty tally whose per-key state stays within `memory` (``TallyMemory/default``:
  /// 8 MiB) in memory, the rest in a temporary file.
  public init(memory: TallyMemory = .default) {
    self.memory = memory
    keys = TallyKeys(memory)
  }

  /// The tally of one (merged) result.
  public init(_ result: DispatchResult, memory: TallyMemory = .default) {
    self.init(memory: memory)
    add(result)
  }

  /// The number of keys held (one slot each).
  public var keyCount: Int { keys.count }

  /// The bytes the per-key state takes, wherever it is: the slots, the index, the readable
  /// keys and outcomes, the shapes. About 110 bytes per key of a generated film turn
  /// (96 per slot, 4 to 8 of index, the readable key); a ``DispatchResult`` holds ~2 KB.
  public var storageBytes: Int { keys.storageBytes + shapes.reduce(0) { $0 + $1.count } }

  /// The bytes of the per-key state's pages in memory: at most ``memory``'s bytes (unless
  /// the file could not be written). The shapes (at most ``shapeLimit``) and names are apart.
  public var residentBytes: Int { keys.residentBytes }

  /// Whether pages of the per-key state went to the temporary file, and how many pages
  /// were written to it and read back from it.
  public var spill: (spilled: Bool, reads: Int, writes: Int) { keys.spill }

  /// Joins `result` in (see the type's documentation).
  public mutating func add(_ result: DispatchResult) {
    if !isKnownUniquelyReferenced(&keys) { keys = keys.copy() }
    for entry in result.entries.values { record(entry) }
    for (ref, tally) in result.actions { self.tally(tally, action: ref) }
    conflicts.formUnion(result.conflicts)
    for rejection in result.rejections { addRejection(rejection) }
    keys.withActions { actions, cache in
      for batch in result.batches { actions.insert(batch: batch, &cache) }
    }
    phases.formUnion(result.phases)
    notes.formUnion(result.notes)
    let queued = Set(result.effectsQueued.map { EffectPair(action: $0.action.hex, kind: $0.kind) })
    for effect in result.effectsRequested {
      let pair = EffectPair(action: effect.action.hex, kind: effect.kind)
      if !queued.contains(pair) { addPending(effect) }
    }
    for pair in queued { drop(pair) }
  }

  /// Drops the pending effects the outbox holds (`queued`: its entries' action hex and kind).
  /// A tally whose pages are shared with a copy of it copies them first, only when a pair
  /// is pending (a turn whose effects were all seen queued, or a dry run's, copies nothing).
  public mutating func settle(queued pairs: some Sequence<EffectPair>) {
    guard pendingCount > 0 else { return }
    let settled = pairs.filter { isPending($0) }
    guard !settled.isEmpty else { return }
    if !isKnownUniquelyReferenced(&keys) { keys = keys.copy() }
    for pair in settled { drop(pair) }
  }

  mutating func name(_ text: String) -> UInt32 {
    if let index = nameIndex[text] { return index }
    let index = UInt32(names.count)
    names.append(text)
    nameIndex[text] = index
    return index
  }

  /// Joins one key's entry (``DispatchResult/Entry/join(_:_:)``).
  mutating func record(_ entry: DispatchResult.Entry) {
    let id = KeyID(entry.key.hex)
    let outcome = entry.outcome.json.canonicalBytes
    if let at = keys.find(id) {
      let present = keys.slot(at)
      var joined = present
      let replaced = precedes(present, entry, outcome)
      // The same key: its readable form and text are already kept.
      if replaced { joined = slot(entry, id: id, outcome: outcome, kept: present) }
      joined.ordinal = min(present.ordinal, entry.ordinal)
      if replaced || joined.ordinal != present.ordinal { keys.set(at, joined) }
    } else {
      _ = keys.append(slot(entry, id: id, outcome: outcome))
    }
  }

  /// A slot for `entry`; `kept`: the slot of the same key it replaces (whose readable key
  /// and text are kept), else they are stored.
  mutating func slot(_ entry: DispatchResult.Entry, id: KeyID, outcome: [UInt8], kept: Slot? = nil) -> Slot {
    let readable = entry.key.readable
    return Slot(key: kept?.key ?? id.stored { keys.store($0) }, kindRank: UInt8(entry.outcome.kind.rank),
                attempts: Int32(clamping: entry.outcome.attempts), namespace: name(entry.key.namespace),
                queue: name(entry.queue), type: name(entry.type), phase: entry.phase.map { name($0) + 1 } ?? 0,
                readable: kept?.readable ?? keys.store(readable.utf8), outcome: keep(outcome, readable: readable),
                ordinal: entry.ordinal)
  }

  /// Where an outcome's bytes are kept: as a shape when they hold the key's readable
  /// string once or more (the first is the shape's hole), else in the arena.
  mutating func keep(_ outcome: [UInt8], readable: String) -> ByteArena.Span {
    var quoted: [UInt8] = []
    JSONValue.writeCanonicalString(readable, into: &quoted)
    if let hole = Self.firstRange(of: quoted, in: outcome) {
      var shape = Array(outcome[..<hole.lowerBound])
      shape.append(0xFF)
      shape += outcome[hole.upperBound...]
      if let index = shapeIndex[shape] { return ByteArena.Span(page: .max, offset: index, count: 0) }
      if shapes.count < Self.shapeLimit {
        let index = UInt32(shapes.count)
        shapes.append(shape)
        shapeIndex[shape] = index
        return ByteArena.Span(page: .max, offset: index, count: 0)
      }
    }
    return keys.store(outcome)
  }

  /// The outcome's canonical JSON of a slot.
  func outcomeBytes(of slot: Slot) -> [UInt8] {
    guard slot.outcome.page == .max else { return keys.bytes(slot.outcome) }
    let shape = shapes[Int(slot.outcome.offset)]
    let hole = shape.firstIndex(of: 0xFF)!
    var out = Array(shape[..<hole])
    JSONValue.writeCanonicalString(readable(of: slot), into: &out)
    out += shape[(hole + 1)...]
    return out
  }

  static func firstRange(of needle: [UInt8], in haystack: [UInt8]) -> Range<Int>? {
    guard !needle.isEmpty, needle.count <= haystack.count else { return nil }
    let first = needle[0]
    var at = 0
    while at + needle.count <= haystack.count {
      if haystack[at] == first, haystack[at..<(at + needle.count)].elementsEqual(needle) { return at..<(at + needle.count) }
      at += 1
    }
    return nil
  }

  /// The slot of a key, or nil.
  func slot(of id: KeyID) -> Int? { keys.find(id) }

  /// The slot at `index`.
  func slot(at index: Int) -> Slot { keys.slot(index) }

  /// ``DispatchResult/Entry/precedes(_:_:)`` of a slot and an entry (whose outcome's
  /// canonical bytes are `outcome`).
  func precedes(_ a: Slot, _ b: DispatchResult.Entry, _ outcome: [UInt8]) -> Bool {
    if a.kind != b.outcome.kind { return a.kind < b.outcome.kind }
    if Int(a.attempts) != b.outcome.attempts { return Int(a.attempts) < b.outcome.attempts }
    let stored = outcomeBytes(of: a)
    if stored != outcome { return stored.lexicographicallyPrecedes(outcome) }
    let type = names[Int(a.type)]
    if type != b.type { return type.utf8.lexicographicallyPrecedes(b.type.utf8) }
    return phase(of: a).utf8.lexicographicallyPrecedes((b.phase ?? "").utf8)
  }

  func phase(of slot: Slot) -> String { slot.phase == 0 ? "" : names[Int(slot.phase - 1)] }

  func readable(of slot: Slot) -> String { String(decoding: keys.bytes(slot.readable), as: UTF8.self) }

  /// The key of a slot.
  func id(of slot: Slot) -> KeyID { keys.id(of: slot) }

  /// Joins one action's tally (``DispatchResult/Tally/join(_:_:)``).
  mutating func tally(_ tally: DispatchResult.Tally, action ref: DispatchResult.ActionRef) {
    let rank = UInt8(tally.kind.rank + 1)
    let present = keys.withActions { actions, cache in
      actions.join(batch: ref.batch, position: ref.position, rank: rank, &cache)
    }
    if present < rank {
      conflictTallies[ref] = tally.kind == .conflict ? tally.key : nil
    } else if present == rank, tally.kind == .conflict, let key = conflictTallies[ref], key < tally.key {
      conflictTallies[ref] = tally.key
    }
  }

  /// Each slot, in no fixed order.
  func forEachSlot(_ body: (Slot) throws -> Void) rethrows {
    for i in 0..<keys.count { try body(keys.slot(i)) }
  }

  /// How many keys ended in each kind (``DispatchResult/counts``).
  public var counts: [Outcome.Kind: Int] {
    var counts: [Outcome.Kind: Int] = [:]
    forEachSlot { counts[$0.kind, default: 0] += 1 }
    return counts
  }

  /// The ids of the batches dispatched (``DispatchResult/batches``), made from their records. O(batches).
  public var batches: Set<String> {
    keys.withActions { actions, cache in
      var out = Set<String>()
      actions.forEach(&cache) { record, cache in
        if record.position < 0 { out.insert(KeyID(record.id, &cache).hex) }
      }
      return out
    }
  }

  /// How many actions ended in each kind, and the rejections (``DispatchResult/actionCounts``).
  public var actionCounts: ActionCounts {
    var counts = ActionCounts()
    keys.withActions { actions, cache in
      actions.forEach(&cache) { record, _ in
        if record.position >= 0 && record.rank > 0 { counts.add(Outcome.Kind.allCases[Int(record.rank - 1)]) }
      }
    }
    counts.rejected = keys.rejectionCount
    return counts
  }

  /// The queues, sorted by name (``DispatchResult/queues``).
  public var queues: [String] {
    var seen = Set<UInt32>()
    forEachSlot { seen.insert($0.queue) }
    return seen.map { names[Int($0)] }.sorted()
  }

  /// The readable keys of a queue's keys, in order (``DispatchResult/keys(queue:)``), and
  /// their namespaces: what ``forEachKey(queue:_:)`` hands over.
  public func forEachKey(queue: String, _ body: (_ readable: String, _ namespace: String) throws -> Void) rethrows {
    guard let queue = nameIndex[queue] else { return }
    try keys.forEachOrdered { _, slot in
      if slot.queue == queue { try body(readable(of: slot), names[Int(slot.namespace)]) }
    }
  }

  /// The readable keys of `queue`, in order.
  public func keys(queue: String) -> [String] {
    var out: [String] = []
    forEachKey(queue: queue) { readable, _ in out.append(readable) }
    return out
  }

  /// The entry of a slot. Its key has no canonical bytes; its outcome is read back from
  /// its canonical JSON for kinds failed, conflict and ambiguous (the audit's sentences),
  /// and is only its kind and attempts for the others.
  func entry(_ slot: Slot) -> DispatchResult.Entry {
    var outcome = Outcome(kind: slot.kind, attempts: Int(slot.attempts))
    if slot.kind == .failed || slot.kind == .conflict || slot.kind == .ambiguous,
      let json = try? SimdjsonParser().parse(outcomeBytes(of: slot)), let read = try? Outcome(json: json)
    {
      outcome = read
    }
    return DispatchResult.Entry(
      key: ActionKey(hex: id(of: slot).hex, namespace: names[Int(slot.namespace)], readable: readable(of: slot),
                     canonicalBytes: []),
      queue: names[Int(slot.queue)], type: names[Int(slot.type)], phase: slot.phase == 0 ? nil : names[Int(slot.phase - 1)],
      ordinal: slot.ordinal, outcome: outcome)
  }

  /// Each key's entry (see ``entry(_:)``) by ordinal, then key.
  func forEachOrderedEntry(_ body: (DispatchResult.Entry) throws -> Void) rethrows {
    try keys.forEachOrdered { _, slot in try body(entry(slot)) }
  }

  /// The entry of the key whose hex is `hex` (see ``entry(_:)``).
  func entry(hex: String) -> DispatchResult.Entry? {
    slot(of: KeyID(hex)).map { entry(keys.slot($0)) }
  }

  /// The ordinal of the key whose hex is `hex`.
  func ordinal(hex: String) -> Int? {
    slot(of: KeyID(hex)).map { keys.slot($0).ordinal }
  }

  /// How many actions were refused as conflicts, per key hex.
  var refusedPerKey: [String: Int] {
    conflictTallies.values.reduce(into: [:]) { $0[$1, default: 0] += 1 }
  }
}

extension Outcome.Kind {
  /// The kinds by ``rank``.
  static let byRank: [Outcome.Kind] = allCases.sorted { $0.rank < $1.rank }
}

/// Bytes kept in pages of ``pageSize`` bytes, each allocated once at its full size and never
/// moved: many small values without an allocation each (nor the heap's holes between them).
struct ByteArena: Sendable {
  static let pageSize = 1 << 18

  /// Where a value is: its page, offset and length.
  struct Span: Sendable {
    var page: UInt32
    var offset: UInt32
    var count: UInt32
  }

  private(set) var pages: [[UInt8]] = []

  /// Keeps `bytes`; a value longer than a page has a page of its own.
  mutating func append(_ bytes: some Collection<UInt8>) -> Span {
    let count = bytes.count
    if pages.isEmpty || pages[pages.count - 1].count + count > Self.pageSize {
      var page: [UInt8] = []
      page.reserveCapacity(Swift.max(Self.pageSize, count))
      pages.append(page)
    }
    let last = pages.count - 1
    let offset = pages[last].count
    pages[last].append(contentsOf: bytes)
    return Span(page: UInt32(last), offset: UInt32(offset), count: UInt32(count))
  }

  subscript(span: Span) -> ArraySlice<UInt8> {
    pages[Int(span.page)][Int(span.offset)..<Int(span.offset + span.count)]
  }

  /// The bytes kept.
  var count: Int { pages.reduce(0) { $0 + $1.count } }
}
