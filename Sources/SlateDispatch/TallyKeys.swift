import Synchronization

/// The per-key state of a ``DispatchTally``: its slots (``DispatchTally/Slot``, one per
/// key), their index by key (``PagedIndex``), their bytes (readable keys, text keys,
/// outcomes) and, once asked for, their order (by ordinal, then key); its rejections
/// (``RejectionRecords``), pending effects (``PendingEffects``) and per-action kinds
/// (``ActionTallies``): all in the pages of one ``PageCache``, so in memory up to the
/// tally's ``TallyMemory`` and past it in an unlinked temporary file. Nothing here grows
/// with the keys or the rejections in memory but the page numbers (4 bytes per page).
///
/// Shared by the copies of a tally, which copy it before a change when it is shared
/// (``copy()``). Reads move pages in and out of the cache, so every access holds a lock.
/// Complexity: a lookup or an append O(1) expected page accesses; a page not in memory costs
/// a `pread` (and a `pwrite` of the page it replaces when that one changed).
final class TallyKeys: Sendable {
  struct State: Sendable {
    var cache: PageCache
    var slots: PagedArray<DispatchTally.Slot>
    var table: PagedIndex
    var bytes = PagedBytes()
    /// The slots' indices by ordinal, then key (``DispatchTally/KeyID/precedes(_:_:)``),
    /// made by ``ordered()`` and dropped at the next change.
    var order: PagedArray<OrderEntry>?
    /// The tally's rejections (``DispatchTally/addRejection(_:)``).
    var rejections: RejectionRecords
    /// The tally's pending effects (``DispatchTally/addPending(_:)``).
    var pending: PendingEffects
    /// The tally's per-action kinds and batch ids (``DispatchTally/tally(_:action:)``).
    var actions: ActionTallies

    init(_ memory: TallyMemory) {
      cache = PageCache(memory)
      slots = PagedArray(pageSize: memory.pageSize)
      table = PagedIndex(pageSize: memory.pageSize)
      rejections = RejectionRecords(pageSize: memory.pageSize)
      pending = PendingEffects(pageSize: memory.pageSize)
      actions = ActionTallies(pageSize: memory.pageSize)
    }

    mutating func slot(_ i: Int) -> DispatchTally.Slot { slots.get(i, &cache) }

    mutating func set(_ i: Int, _ slot: DispatchTally.Slot) {
      dropOrder()
      slots.set(i, slot, &cache)
    }

    mutating func dropOrder() { order.release(&cache) }

    mutating func id(of slot: DispatchTally.Slot) -> DispatchTally.KeyID {
      DispatchTally.KeyID(slot.key, &cache)
    }

    mutating func find(_ id: DispatchTally.KeyID) -> Int? {
      let slots = self.slots
      return table.find(bucket: id.bucket, &cache) { index, cache in
        let slot = slots.get(index, &cache)
        return id.matches(slot.key, &cache)
      }
    }

    /// Appends `slot` and indexes it.
    mutating func append(_ slot: DispatchTally.Slot) -> Int {
      dropOrder()
      slots.append(slot, &cache)
      let all = slots
      table.add(all.count - 1, bucket: DispatchTally.KeyID.bucket(slot.key, &cache), &cache) { index, cache in
        DispatchTally.KeyID.bucket(all.get(index, &cache).key, &cache)
      }
      return all.count - 1
    }

    /// The order, made when missing (``PageCache/sorted(count:entry:precedes:)``): by
    /// ordinal, then key.
    mutating func ordered() -> PagedArray<OrderEntry> {
      if let order { return order }
      let slots = self.slots
      let made = cache.sorted(count: slots.count) { index, cache in
        OrderEntry(ordinal: slots.get(index, &cache).ordinal, index: Int32(index))
      } precedes: { a, b, cache in
        if a.ordinal != b.ordinal { return a.ordinal < b.ordinal }
        // The same key does not precede itself (the tally holds each key once).
        return DispatchTally.StoredKey.order(slots.get(Int(a.index), &cache).key, slots.get(Int(b.index), &cache).key, &cache) ?? false
      }
      order = made
      return made
    }
  }

  let memory: TallyMemory
  private let state: Mutex<State>

  init(_ memory: TallyMemory) {
    self.memory = memory
    state = Mutex(State(memory))
  }

  private init(memory: TallyMemory, state: consuming State) {
    self.memory = memory
    self.state = Mutex(state)
  }

  deinit { state.withLock { $0.cache.close() } }

  /// A copy with its own pages.
  func copy() -> TallyKeys {
    let copied: State = state.withLock { state in
      var copy = State(memory)
      copy.cache = state.cache.cloned()
      copy.slots = state.slots
      copy.table = state.table
      copy.bytes = state.bytes
      copy.rejections = state.rejections
      copy.pending = state.pending
      copy.actions = state.actions
      return copy
    }
    return TallyKeys(memory: memory, state: copied)
  }

  var count: Int { state.withLock { $0.slots.count } }

  func slot(_ i: Int) -> DispatchTally.Slot { state.withLock { $0.slot(i) } }

  func set(_ i: Int, _ slot: DispatchTally.Slot) { state.withLock { $0.set(i, slot) } }

  /// Appends a slot and indexes it by its key; its index.
  func append(_ slot: DispatchTally.Slot) -> Int { state.withLock { $0.append(slot) } }

  /// The slot of a key, or nil.
  func find(_ id: DispatchTally.KeyID) -> Int? { state.withLock { $0.find(id) } }

  /// Keeps `bytes`; where they are.
  func store(_ bytes: some Collection<UInt8>) -> ByteArena.Span {
    let bytes = Array(bytes)
    return state.withLock { $0.bytes.append(bytes, &$0.cache) }
  }

  func bytes(_ span: ByteArena.Span) -> [UInt8] { state.withLock { PagedBytes.read(span, &$0.cache) } }

  func id(of slot: DispatchTally.Slot) -> DispatchTally.KeyID { state.withLock { $0.id(of: slot) } }

  /// Each slot, with its index, by ordinal, then key (the order made once, kept until the
  /// next change).
  func forEachOrdered(_ body: (Int, DispatchTally.Slot) throws -> Void) rethrows {
    let n = state.withLock { $0.ordered().count }
    for k in 0..<n {
      let (index, slot) = state.withLock { state -> (Int, DispatchTally.Slot) in
        let order = state.ordered()
        let index = Int(order.get(k, &state.cache).index)
        return (index, state.slot(index))
      }
      try body(index, slot)
    }
  }

  /// Keeps a rejection unless the same one is kept; whether it was new.
  func insertRejection(_ record: RejectionRecords.Record, digest: DispatchTally.KeyID) -> Bool {
    state.withLock { $0.rejections.insert(record, digest: digest, &$0.cache) }
  }

  /// How many rejections are kept.
  var rejectionCount: Int { state.withLock { $0.rejections.count } }

  /// Each rejection and its digest, in the order they were kept.
  func forEachRejection(_ body: (RejectionRecords.Record, DispatchTally.KeyID) throws -> Void) rethrows {
    for k in 0..<rejectionCount {
      let (record, digest) = state.withLock { $0.rejections.record(k, &$0.cache) }
      try body(record, digest)
    }
  }

  /// The `k`th rejection in order (``RejectionRecords/ordered(_:)``: the order made once,
  /// kept until the next insertion) and its digest.
  func rejection(ordered k: Int) -> (RejectionRecords.Record, DispatchTally.KeyID) {
    state.withLock { state in
      let number = Int(state.rejections.ordered(&state.cache).get(k, &state.cache).index)
      return state.rejections.record(number, &state.cache)
    }
  }

  /// `body` on the per-action kinds and batch ids and the pages (under the lock: `body`
  /// calls nothing of this store).
  func withActions<R>(_ body: (inout ActionTallies, inout PageCache) throws -> R) rethrows -> R {
    try state.withLock { try body(&$0.actions, &$0.cache) }
  }

  /// `body` on the pending effects and the pages (under the lock: `body` calls nothing of
  /// this store).
  func withPending<R>(_ body: (inout PendingEffects, inout PageCache) throws -> R) rethrows -> R {
    try state.withLock { try body(&$0.pending, &$0.cache) }
  }

  /// The `k`th live pending effect in the audit's order (their actions' ordinals, then
  /// effect keys: ``PendingEffects/ordered(slots:orphanOrdinals:_:)``, made once and kept
  /// until the next change).
  func pendingRecord(ordered k: Int) -> PendingEffects.Record {
    state.withLock { state in
      // The orphans' ordinals only when the order is made (each finding reads it).
      var ordinals: [Int] = []
      if !state.pending.isOrdered {
        for id in state.pending.orphans { ordinals.append(state.find(id).map { state.slot($0).ordinal } ?? .max) }
      }
      let number = state.pending.ordered(slots: state.slots, orphanOrdinals: ordinals, &state.cache).get(k, &state.cache).index
      return state.pending.records.get(Int(number), &state.cache)
    }
  }

  /// Bytes of the pages in memory.
  var residentBytes: Int { state.withLock { $0.cache.residentBytes } }

  /// Bytes of the pages in use (in memory or in the file).
  var usedBytes: Int { state.withLock { $0.cache.usedBytes } }

  /// Bytes of the slots, their index and their bytes.
  var storageBytes: Int {
    state.withLock {
      $0.slots.count * MemoryLayout<DispatchTally.Slot>.stride + $0.table.table.count * MemoryLayout<Int32>.stride
        + $0.bytes.count + $0.rejections.count * MemoryLayout<RejectionRecords.Record>.stride
    }
  }

  /// Whether pages went to the file, and how many were read back.
  var spill: (spilled: Bool, reads: Int, writes: Int) {
    state.withLock { ($0.cache.spilled, $0.cache.reads, $0.cache.writes) }
  }
}
