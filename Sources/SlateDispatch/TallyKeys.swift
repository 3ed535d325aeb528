import Synchronization

/// The per-key state of a ``DispatchTally``: its slots (``DispatchTally/Slot``, one per
/// key), their index by key (open addressing, linear probing, at most half full), their
/// bytes (readable keys, text keys, outcomes) and, once asked for, their order (by ordinal,
/// then key): all in the pages of one ``PageCache``, so in memory up to the tally's
/// ``TallyMemory`` and past it in an unlinked temporary file. Nothing here grows with the
/// keys in memory but the page numbers (4 bytes per page).
///
/// Shared by the copies of a tally, which copy it before a change when it is shared
/// (``copy()``). Reads move pages in and out of the cache, so every access holds a lock.
/// Complexity: a lookup or an append O(1) expected page accesses; a page not in memory costs
/// a `pread` (and a `pwrite` of the page it replaces when that one changed).
final class TallyKeys: Sendable {
  /// A slot's place in the order: its ordinal (compared first), its index.
  struct OrderEntry: Sendable {
    var ordinal: Int
    var index: Int32
  }

  struct State: Sendable {
    var cache: PageCache
    var slots: PagedArray<DispatchTally.Slot>
    var table: PagedArray<Int32>
    var bytes = PagedBytes()
    /// The slots' indices by ordinal, then key (``DispatchTally/KeyID/precedes(_:_:)``),
    /// made by ``ordered()`` and dropped at the next change.
    var order: PagedArray<OrderEntry>?

    init(_ memory: TallyMemory) {
      cache = PageCache(memory)
      slots = PagedArray(pageSize: memory.pageSize)
      table = PagedArray(pageSize: memory.pageSize)
    }

    mutating func slot(_ i: Int) -> DispatchTally.Slot { slots.get(i, &cache) }

    mutating func set(_ i: Int, _ slot: DispatchTally.Slot) {
      dropOrder()
      slots.set(i, slot, &cache)
    }

    mutating func dropOrder() {
      if order != nil {
        order!.release(&cache)
        order = nil
      }
    }

    mutating func id(of slot: DispatchTally.Slot) -> DispatchTally.KeyID {
      guard slot.isText else { return .digest(slot.words.0, slot.words.1, slot.words.2, slot.words.3) }
      return .text(String(decoding: PagedBytes.read(slot.textSpan, &cache), as: UTF8.self))
    }

    mutating func bucket(of slot: DispatchTally.Slot) -> Int {
      guard slot.isText else { return DispatchTally.KeyID.bucket(digest: slot.words.0) }
      return DispatchTally.KeyID.bucket(text: PagedBytes.read(slot.textSpan, &cache))
    }

    mutating func matches(_ slot: DispatchTally.Slot, _ id: DispatchTally.KeyID) -> Bool {
      switch id {
      case .digest(let a, let b, let c, let d):
        return !slot.isText && slot.words == (a, b, c, d)
      case .text(let text):
        return slot.isText && PagedBytes.read(slot.textSpan, &cache).elementsEqual(text.utf8)
      }
    }

    mutating func find(_ id: DispatchTally.KeyID) -> Int? {
      guard table.count > 0 else { return nil }
      let mask = table.count - 1
      var at = id.bucket & mask
      while true {
        let entry = table.get(at, &cache)
        if entry == 0 { return nil }
        let index = Int(entry - 1)
        if matches(slots.get(index, &cache), id) { return index }
        at = (at + 1) & mask
      }
    }

    /// Appends `slot` and indexes it, doubling the index past half full.
    mutating func append(_ slot: DispatchTally.Slot) -> Int {
      dropOrder()
      slots.append(slot, &cache)
      let index = slots.count - 1
      if slots.count * 2 > table.count {
        table.reset(zeros: Swift.max(16, table.count * 2), &cache)
        for k in 0..<index { place(k, bucket: bucket(of: slots.get(k, &cache))) }
      }
      place(index, bucket: bucket(of: slot))
      return index
    }

    private mutating func place(_ index: Int, bucket: Int) {
      let mask = table.count - 1
      var at = bucket & mask
      while table.get(at, &cache) != 0 { at = (at + 1) & mask }
      table.set(at, Int32(index + 1), &cache)
    }

    /// Whether slot `i`'s entry goes before slot `j`'s: by ordinal, then key.
    mutating func precedes(_ a: OrderEntry, _ b: OrderEntry) -> Bool {
      if a.ordinal != b.ordinal { return a.ordinal < b.ordinal }
      let (x, y) = (slot(Int(a.index)), slot(Int(b.index)))
      if !x.isText && !y.isText { return x.words < y.words }
      return DispatchTally.KeyID.precedes(id(of: x), id(of: y))
    }

    /// The order, made when missing: runs of ``runLength`` slots sorted in memory, then
    /// merged two by two, each pass reading two runs and writing one, page by page.
    /// O(n log n) time; ``runLength`` × 16 bytes of memory; the runs in the cache's pages.
    mutating func ordered() -> PagedArray<OrderEntry> {
      if let order { return order }
      var runs: [PagedArray<OrderEntry>] = []
      var start = 0
      while start < slots.count {
        let end = Swift.min(slots.count, start + TallyKeys.runLength)
        var chunk: [OrderEntry] = []
        chunk.reserveCapacity(end - start)
        for i in start..<end { chunk.append(OrderEntry(ordinal: slot(i).ordinal, index: Int32(i))) }
        chunk.sort { precedes($0, $1) }
        var run = PagedArray<OrderEntry>(pageSize: cache.pageSize)
        for entry in chunk { run.append(entry, &cache) }
        runs.append(run)
        start = end
      }
      while runs.count > 1 {
        var merged: [PagedArray<OrderEntry>] = []
        var k = 0
        while k < runs.count {
          if k + 1 == runs.count {
            merged.append(runs[k])
          } else {
            var (a, b) = (runs[k], runs[k + 1])
            merged.append(merge(&a, &b))
          }
          k += 2
        }
        runs = merged
      }
      let made = runs.first ?? PagedArray(pageSize: cache.pageSize)
      order = made
      return made
    }

    /// The merge of two sorted runs (the first's entry first on a tie); their pages given back.
    private mutating func merge(_ a: inout PagedArray<OrderEntry>, _ b: inout PagedArray<OrderEntry>)
      -> PagedArray<OrderEntry>
    {
      var out = PagedArray<OrderEntry>(pageSize: cache.pageSize)
      var (i, j) = (0, 0)
      while i < a.count || j < b.count {
        if j == b.count {
          out.append(a.get(i, &cache), &cache)
          i += 1
        } else if i == a.count {
          out.append(b.get(j, &cache), &cache)
          j += 1
        } else {
          let (x, y) = (a.get(i, &cache), b.get(j, &cache))
          if precedes(y, x) {
            out.append(y, &cache)
            j += 1
          } else {
            out.append(x, &cache)
            i += 1
          }
        }
      }
      a.release(&cache)
      b.release(&cache)
      return out
    }
  }

  /// Slots sorted in memory at a time when ordering (16 bytes each).
  static let runLength = 1 << 15

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

  /// Bytes of the pages in memory.
  var residentBytes: Int { state.withLock { $0.cache.residentBytes } }

  /// Bytes of the pages in use (in memory or in the file).
  var usedBytes: Int { state.withLock { $0.cache.usedBytes } }

  /// Bytes of the slots, their index and their bytes.
  var storageBytes: Int {
    state.withLock {
      $0.slots.count * MemoryLayout<DispatchTally.Slot>.stride + $0.table.count * MemoryLayout<Int32>.stride
        + $0.bytes.count
    }
  }

  /// Whether pages went to the file, and how many were read back.
  var spill: (spilled: Bool, reads: Int, writes: Int) {
    state.withLock { ($0.cache.spilled, $0.cache.reads, $0.cache.writes) }
  }
}
