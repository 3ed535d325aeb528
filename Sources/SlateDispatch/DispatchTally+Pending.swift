/// The pending effects of a ``DispatchTally`` (requested, not seen queued), in the pages of
/// its ``TallyKeys``: per effect one 36-byte record (its action's slot, its kind as a name
/// index, its key in the pages' bytes, the next record of the same action), chained per
/// action from an array of heads parallel to the tally's slots. The action's readable key is
/// its slot's (kept apart only for an effect whose action has no slot, or another readable
/// form). Removed records are dropped, and the records and bytes rebuilt in new pages, when
/// they are more than half the records. In memory: the page numbers and the actions with no
/// slot (``orphans``, rare); the rest is where the tally's pages are.
///
/// Complexity: amortised O(1) page accesses per insertion and removal, O(effects of the
/// action) per lookup; ``ordered(slots:orphanOrdinals:_:)`` O(p log p) once, kept until the
/// next change.
struct PendingEffects: Sendable {
  struct Record: Sendable {
    /// The action's slot (≥ 0), or `-1 - i` for ``orphans``[i] (an action with no slot).
    var owner: Int32
    /// The effect's kind, as an index into the tally's names; `UInt32.max` once removed.
    var kind: UInt32
    var key: ByteArena.Span
    /// The action's readable key in the bytes, or, when its page is `UInt32.max`, its slot's.
    var readable: ByteArena.Span
    /// The next record of the same owner, `index + 1`; 0 for none.
    var next: Int32

    var removed: Bool { kind == .max }
  }

  private(set) var records: PagedArray<Record>
  /// Per slot of the tally, its first record, `index + 1` (0 for none); grown as needed.
  private var heads: PagedArray<Int32>
  /// The actions with pending effects and no slot, and their first record (`index + 1`).
  private(set) var orphans: [DispatchTally.KeyID] = []
  private var orphanHeads: [DispatchTally.KeyID: Int32] = [:]
  private var bytes = PagedBytes()
  private(set) var count = 0
  /// The records' numbers by action ordinal, then key, then number (``ordered(slots:orphanOrdinals:_:)``).
  private var order: PagedArray<OrderEntry>?

  static let ownSlot = ByteArena.Span(page: .max, offset: 0, count: 0)

  /// Whether the order (``ordered(slots:orphanOrdinals:_:)``) is made and kept.
  var isOrdered: Bool { order != nil }

  init(pageSize: Int) {
    records = PagedArray(pageSize: pageSize)
    heads = PagedArray(pageSize: pageSize)
  }

  func key(of record: Record, _ cache: inout PageCache) -> String {
    String(decoding: PagedBytes.read(record.key, &cache), as: UTF8.self)
  }

  /// The action's readable key of a record that keeps its own (``Record/readable``).
  func ownReadable(of record: Record, _ cache: inout PageCache) -> String {
    String(decoding: PagedBytes.read(record.readable, &cache), as: UTF8.self)
  }

  /// The first record of `owner`, or nil.
  func head(of owner: Int32, _ cache: inout PageCache) -> Int? {
    let link: Int32
    if owner >= 0 {
      link = Int(owner) < heads.count ? heads.get(Int(owner), &cache) : 0
    } else {
      link = orphanHeads[orphans[Int(-1 - owner)]] ?? 0
    }
    return link == 0 ? nil : Int(link - 1)
  }

  /// Whether any of `owner`'s records, in chain order, `matches`.
  func any(of owner: Int32, _ cache: inout PageCache, _ matches: (Record, inout PageCache) -> Bool) -> Bool {
    var at = head(of: owner, &cache)
    while let index = at {
      let record = records.get(index, &cache)
      if matches(record, &cache) { return true }
      at = record.next == 0 ? nil : Int(record.next - 1)
    }
    return false
  }

  /// The orphan owner of an action with no slot, if it has one.
  func orphan(_ id: DispatchTally.KeyID, _ cache: inout PageCache) -> Int32? {
    guard !orphanHeads.isEmpty, let first = orphanHeads[id] else { return nil }
    return records.get(Int(first - 1), &cache).owner
  }

  private mutating func setHead(of owner: Int32, to link: Int32, _ cache: inout PageCache) {
    if owner >= 0 {
      while heads.count <= Int(owner) { heads.append(0, &cache) }
      heads.set(Int(owner), link, &cache)
    } else {
      orphanHeads[orphans[Int(-1 - owner)]] = link == 0 ? nil : link
    }
  }

  /// The owner for an action with no slot (a new one unless it has one).
  mutating func orphanOwner(_ id: DispatchTally.KeyID, _ cache: inout PageCache) -> Int32 {
    if let owner = orphan(id, &cache) { return owner }
    orphans.append(id)
    return Int32(-orphans.count)
  }

  /// Appends a record to `owner`'s chain.
  mutating func insert(owner: Int32, kind: UInt32, key: some Collection<UInt8>, readable: String?,
                       _ cache: inout PageCache)
  {
    dropOrder(&cache)
    var last: Int?
    var at = head(of: owner, &cache)
    while let index = at {
      last = index
      let next = records.get(index, &cache).next
      at = next == 0 ? nil : Int(next - 1)
    }
    let record = Record(owner: owner, kind: kind, key: bytes.append(key, &cache),
                        readable: readable.map { bytes.append($0.utf8, &cache) } ?? Self.ownSlot, next: 0)
    records.append(record, &cache)
    if let last {
      var linked = records.get(last, &cache)
      linked.next = Int32(records.count)
      records.set(last, linked, &cache)
    } else {
      setHead(of: owner, to: Int32(records.count), &cache)
    }
    count += 1
  }

  /// Whether `owner` has a record of `kind` whose key is `key`.
  func contains(owner: Int32, kind: UInt32, key: [UInt8], _ cache: inout PageCache) -> Bool {
    any(of: owner, &cache) { record, cache in record.kind == kind && PagedBytes.read(record.key, &cache) == key }
  }

  func contains(owner: Int32, kind: UInt32, _ cache: inout PageCache) -> Bool {
    any(of: owner, &cache) { record, _ in record.kind == kind }
  }

  /// Removes `owner`'s records of `kind`.
  mutating func remove(owner: Int32, kind: UInt32, _ cache: inout PageCache) {
    var previous: Int?
    var at = head(of: owner, &cache)
    while let index = at {
      var record = records.get(index, &cache)
      let next = record.next
      if record.kind == kind {
        dropOrder(&cache)
        record.kind = .max
        records.set(index, record, &cache)
        count -= 1
        if let previous {
          var linked = records.get(previous, &cache)
          linked.next = next
          records.set(previous, linked, &cache)
        } else {
          setHead(of: owner, to: next, &cache)
        }
      } else {
        previous = index
      }
      at = next == 0 ? nil : Int(next - 1)
    }
    if count * 2 < records.count && records.count >= 64 { compact(&cache) }
  }

  /// Rebuilds the records, heads and bytes without the removed records, in new pages; the
  /// old ones given back.
  private mutating func compact(_ cache: inout PageCache) {
    var rebuilt = PendingEffects(pageSize: cache.pageSize)
    rebuilt.orphans = orphans
    for i in 0..<records.count {
      let record = records.get(i, &cache)
      guard !record.removed else { continue }
      rebuilt.insert(owner: record.owner, kind: record.kind, key: PagedBytes.read(record.key, &cache),
                     readable: record.readable.page == .max ? nil : ownReadable(of: record, &cache), &cache)
    }
    release(&cache)
    self = rebuilt
  }

  /// Gives every page back.
  mutating func release(_ cache: inout PageCache) {
    dropOrder(&cache)
    records.release(&cache)
    heads.release(&cache)
    bytes.release(&cache)
  }

  private mutating func dropOrder(_ cache: inout PageCache) { order.release(&cache) }

  /// The live records' numbers by their action's ordinal (`slots`' ordinal, or for an
  /// orphan `orphanOrdinals`' entry), then effect key (as strings compare), then number:
  /// made in pages when missing (``PageCache/sorted(count:entry:precedes:)``).
  mutating func ordered(slots: PagedArray<DispatchTally.Slot>, orphanOrdinals: [Int], _ cache: inout PageCache)
    -> PagedArray<OrderEntry>
  {
    if let order { return order }
    let records = self.records
    let made = cache.sorted(count: records.count) { number, cache in
      let record = records.get(number, &cache)
      guard !record.removed else { return nil }
      let ordinal = record.owner >= 0 ? slots.get(Int(record.owner), &cache).ordinal : orphanOrdinals[Int(-1 - record.owner)]
      return OrderEntry(ordinal: ordinal, index: Int32(number))
    } precedes: { a, b, cache in
      if a.ordinal != b.ordinal { return a.ordinal < b.ordinal }
      let x = String(decoding: PagedBytes.read(records.get(Int(a.index), &cache).key, &cache), as: UTF8.self)
      let y = String(decoding: PagedBytes.read(records.get(Int(b.index), &cache).key, &cache), as: UTF8.self)
      return x != y ? x < y : a.index < b.index
    }
    order = made
    return made
  }

  /// The bytes the pending effects take: records, heads, orphans, the bytes in use.
  var storageBytes: Int {
    records.count * MemoryLayout<Record>.stride + heads.count * 4
      + orphans.capacity * MemoryLayout<DispatchTally.KeyID>.stride
      + orphanHeads.capacity * (MemoryLayout<DispatchTally.KeyID>.stride + 4) + bytes.count
  }
}

extension DispatchTally {
  /// The owners (``PendingEffects/Record/owner``) an action's pending effects may be under:
  /// its slot, and its orphan entry (effects requested before its slot was made).
  func pendingOwners(_ id: KeyID, slot at: Int?) -> [Int32] {
    var owners: [Int32] = []
    if let at { owners.append(Int32(at)) }
    if let orphan = keys.withPending({ pending, cache in pending.orphan(id, &cache) }) { owners.append(orphan) }
    return owners
  }

  /// Keeps a requested effect not seen queued, once per key, kind and action hex (an
  /// ``DispatchResult/EffectRef``'s identity: the first one kept stays).
  mutating func addPending(_ effect: DispatchResult.EffectRef) {
    let id = KeyID(effect.action.hex)
    let kind = name(effect.kind)
    let at = slot(of: id)
    let owners = pendingOwners(id, slot: at)
    let key = Array(effect.key.utf8)
    let kept = keys.withPending { pending, cache in
      owners.contains { pending.contains(owner: $0, kind: kind, key: key, &cache) }
    }
    if kept { return }
    let readable = effect.action.readable
    var own: String? = readable
    if let at, keys.bytes(slot(at: at).readable).elementsEqual(readable.utf8) { own = nil }
    keys.withPending { pending, cache in
      let owner = at.map { Int32($0) } ?? pending.orphanOwner(id, &cache)
      pending.insert(owner: owner, kind: kind, key: key, readable: own, &cache)
    }
  }

  /// Drops the pending effects of `pair`.
  mutating func drop(_ pair: EffectPair) {
    guard pendingCount > 0, let kind = nameIndex[pair.kind] else { return }
    let id = KeyID(pair.action)
    let owners = pendingOwners(id, slot: slot(of: id))
    keys.withPending { pending, cache in
      for owner in owners { pending.remove(owner: owner, kind: kind, &cache) }
    }
  }

  /// Whether an effect of `pair` is pending (requested, not seen queued). O(effects of the
  /// action).
  public func isPending(_ pair: EffectPair) -> Bool {
    guard pendingCount > 0, let kind = nameIndex[pair.kind] else { return false }
    let id = KeyID(pair.action)
    let owners = pendingOwners(id, slot: slot(of: id))
    return keys.withPending { pending, cache in owners.contains { pending.contains(owner: $0, kind: kind, &cache) } }
  }

  /// How many effects are pending.
  public var pendingCount: Int { keys.withPending { pending, _ in pending.count } }

  /// The bytes the pending effects take (records, per-slot heads, keys), wherever their
  /// pages are; about 60 per effect of a generated dry run.
  public var pendingStorageBytes: Int { keys.withPending { pending, _ in pending.storageBytes } }

  /// The slot of a pending effect's action, if it has one.
  func actionSlot(of record: PendingEffects.Record) -> Int? {
    record.owner >= 0 ? Int(record.owner) : slot(of: orphan(of: record))
  }

  /// The action of a record whose owner is an orphan.
  private func orphan(of record: PendingEffects.Record) -> KeyID {
    keys.withPending { pending, _ in pending.orphans[Int(-1 - record.owner)] }
  }

  /// The readable key of a pending effect's action.
  func actionReadable(of record: PendingEffects.Record) -> String {
    record.readable.page == .max ? readable(of: slot(at: Int(record.owner)))
      : keys.withPending { pending, cache in pending.ownReadable(of: record, &cache) }
  }

  /// The hex of a pending effect's action.
  func actionHex(of record: PendingEffects.Record) -> String {
    record.owner >= 0 ? id(of: slot(at: Int(record.owner))).hex : orphan(of: record).hex
  }

  /// Each pending effect: its key, kind, action's hex and readable key, in no fixed order.
  public func forEachPendingEffect(_ body: (_ key: String, _ kind: String, _ actionHex: String, _ actionReadable: String)
    throws -> Void) rethrows
  {
    let count = keys.withPending { pending, _ in pending.records.count }
    for i in 0..<count {
      let (record, key) = keys.withPending { pending, cache in
        let record = pending.records.get(i, &cache)
        return (record, record.removed ? "" : pending.key(of: record, &cache))
      }
      guard !record.removed else { continue }
      try body(key, names[Int(record.kind)], actionHex(of: record), actionReadable(of: record))
    }
  }
}
