/// The pending effects of a ``DispatchTally`` (requested, not seen queued): per effect one
/// 36-byte record (its action's slot, its kind as a name index, its key in an arena of its
/// own, the next record of the same action), chained per action from an array parallel to
/// the tally's slots. The action's readable key is its slot's (kept apart only for an effect
/// whose action has no slot, or another readable form). Removed records are dropped, and
/// the records and arena rebuilt, when they are more than half the records: O(pending)
/// memory, amortised O(1) per insertion and removal (O(effects of the action) per lookup).
struct PendingEffects: Sendable {
  struct Record: Sendable {
    /// The action's slot (≥ 0), or `-1 - i` for ``orphans``[i] (an action with no slot).
    var owner: Int32
    /// The effect's kind, as an index into the tally's names; `UInt32.max` once removed.
    var kind: UInt32
    var key: ByteArena.Span
    /// The action's readable key in ``arena``, or, when its page is `UInt32.max`, its slot's.
    var readable: ByteArena.Span
    /// The next record of the same owner, `index + 1`; 0 for none.
    var next: Int32

    var removed: Bool { kind == .max }
  }

  private(set) var records: [Record] = []
  /// Per slot of the tally, its first record, `index + 1` (0 for none); grown as needed.
  private var heads: [Int32] = []
  /// The actions with pending effects and no slot, and their first record (`index + 1`).
  private(set) var orphans: [DispatchTally.KeyID] = []
  private var orphanHeads: [DispatchTally.KeyID: Int32] = [:]
  private var arena = ByteArena()
  private(set) var count = 0

  static let ownSlot = ByteArena.Span(page: .max, offset: 0, count: 0)

  func key(of record: Record) -> String { String(decoding: arena[record.key], as: UTF8.self) }

  /// The action's readable key of a record that keeps its own (``Record/readable``).
  func ownReadable(of record: Record) -> String { String(decoding: arena[record.readable], as: UTF8.self) }

  func keyBytes(of record: Record) -> ArraySlice<UInt8> { arena[record.key] }

  /// The first record of `owner`, or nil.
  func head(of owner: Int32) -> Int? {
    let link: Int32
    if owner >= 0 {
      link = Int(owner) < heads.count ? heads[Int(owner)] : 0
    } else {
      link = orphanHeads[orphans[Int(-1 - owner)]] ?? 0
    }
    return link == 0 ? nil : Int(link - 1)
  }

  /// The indices of `owner`'s records, in chain order.
  func chain(of owner: Int32) -> UnfoldSequence<Int, Int?> {
    sequence(state: head(of: owner)) { [records] (at: inout Int?) -> Int? in
      guard let index = at else { return nil }
      at = records[index].next == 0 ? nil : Int(records[index].next - 1)
      return index
    }
  }

  /// The orphan owner of an action with no slot, if it has one.
  func orphan(_ id: DispatchTally.KeyID) -> Int32? {
    guard !orphanHeads.isEmpty, let first = orphanHeads[id] else { return nil }
    return records[Int(first - 1)].owner
  }

  private mutating func setHead(of owner: Int32, to link: Int32) {
    if owner >= 0 {
      if Int(owner) >= heads.count { heads.append(contentsOf: repeatElement(0, count: Int(owner) + 1 - heads.count)) }
      heads[Int(owner)] = link
    } else {
      orphanHeads[orphans[Int(-1 - owner)]] = link == 0 ? nil : link
    }
  }

  /// The owner for an action with no slot (a new one unless it has one).
  mutating func orphanOwner(_ id: DispatchTally.KeyID) -> Int32 {
    if let owner = orphan(id) { return owner }
    orphans.append(id)
    return Int32(-orphans.count)
  }

  /// Appends a record to `owner`'s chain.
  mutating func insert(owner: Int32, kind: UInt32, key: some Collection<UInt8>, readable: String?) {
    var last: Int?
    for index in chain(of: owner) { last = index }
    let record = Record(owner: owner, kind: kind, key: arena.append(key),
                        readable: readable.map { arena.append($0.utf8) } ?? Self.ownSlot, next: 0)
    records.append(record)
    if let last { records[last].next = Int32(records.count) } else { setHead(of: owner, to: Int32(records.count)) }
    count += 1
  }

  /// Whether `owner` has a record of `kind` whose key is `key`.
  func contains(owner: Int32, kind: UInt32, key: some Collection<UInt8>) -> Bool {
    chain(of: owner).contains { records[$0].kind == kind && arena[records[$0].key].elementsEqual(key) }
  }

  func contains(owner: Int32, kind: UInt32) -> Bool {
    chain(of: owner).contains { records[$0].kind == kind }
  }

  /// Removes `owner`'s records of `kind`.
  mutating func remove(owner: Int32, kind: UInt32) {
    var previous: Int?
    var at = head(of: owner)
    while let index = at {
      let next = records[index].next
      if records[index].kind == kind {
        records[index].kind = .max
        count -= 1
        if let previous { records[previous].next = next } else { setHead(of: owner, to: next) }
      } else {
        previous = index
      }
      at = next == 0 ? nil : Int(next - 1)
    }
    if count * 2 < records.count && records.count >= 64 { compact() }
  }

  /// Rebuilds the records, heads and arena without the removed records.
  private mutating func compact() {
    var rebuilt = PendingEffects()
    rebuilt.orphans = orphans
    for record in records where !record.removed {
      rebuilt.insert(owner: record.owner, kind: record.kind, key: keyBytes(of: record),
                     readable: record.readable.page == .max ? nil : ownReadable(of: record))
    }
    self = rebuilt
  }

  /// The bytes the pending effects take: records, heads, orphans (capacities), the arena's bytes in use.
  var storageBytes: Int {
    records.capacity * MemoryLayout<Record>.stride + heads.capacity * 4
      + orphans.capacity * MemoryLayout<DispatchTally.KeyID>.stride
      + orphanHeads.capacity * (MemoryLayout<DispatchTally.KeyID>.stride + 4) + arena.count
  }
}

extension DispatchTally {
  /// The owners (``PendingEffects/Record/owner``) an action's pending effects may be under:
  /// its slot, and its orphan entry (effects requested before its slot was made).
  func pendingOwners(_ id: KeyID) -> [Int32] {
    var owners: [Int32] = []
    if let at = slot(of: id) { owners.append(Int32(at)) }
    if let orphan = pending.orphan(id) { owners.append(orphan) }
    return owners
  }

  /// Keeps a requested effect not seen queued, once per key, kind and action hex (an
  /// ``DispatchResult/EffectRef``'s identity: the first one kept stays).
  mutating func addPending(_ effect: DispatchResult.EffectRef) {
    let id = KeyID(effect.action.hex)
    let kind = name(effect.kind)
    let owners = pendingOwners(id)
    if owners.contains(where: { pending.contains(owner: $0, kind: kind, key: effect.key.utf8) }) { return }
    let readable = effect.action.readable
    let owner: Int32
    var own: String? = readable
    if let at = slot(of: id) {
      owner = Int32(at)
      if keys.bytes(slot(at: at).readable).elementsEqual(readable.utf8) { own = nil }
    } else {
      owner = pending.orphanOwner(id)
    }
    pending.insert(owner: owner, kind: kind, key: effect.key.utf8, readable: own)
  }

  /// Drops the pending effects of `pair`.
  mutating func drop(_ pair: EffectPair) {
    guard pending.count > 0, let kind = nameIndex[pair.kind] else { return }
    for owner in pendingOwners(KeyID(pair.action)) { pending.remove(owner: owner, kind: kind) }
  }

  /// Whether an effect of `pair` is pending (requested, not seen queued). O(effects of the
  /// action).
  public func isPending(_ pair: EffectPair) -> Bool {
    guard pending.count > 0, let kind = nameIndex[pair.kind] else { return false }
    return pendingOwners(KeyID(pair.action)).contains { pending.contains(owner: $0, kind: kind) }
  }

  /// How many effects are pending.
  public var pendingCount: Int { pending.count }

  /// The bytes the pending effects take (records, per-slot heads, keys); about 60 per effect
  /// of a generated dry run.
  public var pendingStorageBytes: Int { pending.storageBytes }

  /// The slot of a pending effect's action, if it has one.
  func actionSlot(of record: PendingEffects.Record) -> Int? {
    record.owner >= 0 ? Int(record.owner) : slot(of: pending.orphans[Int(-1 - record.owner)])
  }

  /// The readable key of a pending effect's action.
  func actionReadable(of record: PendingEffects.Record) -> String {
    record.readable.page == .max ? readable(of: slot(at: Int(record.owner))) : pending.ownReadable(of: record)
  }

  /// The hex of a pending effect's action.
  func actionHex(of record: PendingEffects.Record) -> String {
    record.owner >= 0 ? id(of: slot(at: Int(record.owner))).hex : pending.orphans[Int(-1 - record.owner)].hex
  }

  /// Each pending effect: its key, kind, action's hex and readable key, in no fixed order.
  public func forEachPendingEffect(_ body: (_ key: String, _ kind: String, _ actionHex: String, _ actionReadable: String)
    throws -> Void) rethrows
  {
    for record in pending.records where !record.removed {
      try body(pending.key(of: record), names[Int(record.kind)], actionHex(of: record), actionReadable(of: record))
    }
  }
}
