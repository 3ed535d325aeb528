/// Rejections kept without duplicates as fixed-size records in a ``PageCache``'s pages: a
/// ``DispatchTally``'s rejections and the rejections a ``Dispatcher`` has read in a turn's
/// event log (``Dispatcher/RejectionsSeen``). A record (56 bytes) is the value's digest as
/// 4 words when it is a SHA-256 hex (every digest the dispatcher writes; other text is kept
/// in the pages and the record says where), its index, and the rejection's type, phase and
/// codes as numbers its owner gives them (0 when it has none). Nothing grows in memory with
/// the records but the page numbers (4 bytes per page): past the cache's frames, the pages
/// are in its file.
///
/// Complexity: ``insert(_:digest:_:)`` O(1) expected page accesses; ``ordered(_:)`` O(n log n)
/// once, kept until the next insertion.
struct RejectionRecords: Sendable {
  struct Record: Sendable {
    /// The digest as stored.
    var digest: DispatchTally.StoredKey
    var hasIndex: Bool
    var type: UInt32
    var phase: UInt32
    var codes: UInt32
    var index: Int

    /// A record of a rejection at `index` (none: nil), its digest not yet set.
    init(index: Int?, type: UInt32 = 0, phase: UInt32 = 0, codes: UInt32 = 0) {
      digest = .none
      self.index = index ?? 0
      hasIndex = index != nil
      self.type = type
      self.phase = phase
      self.codes = codes
    }

    /// The index, or nil.
    var indexValue: Int? { hasIndex ? index : nil }

    /// Whether the two are the same rejection but maybe for their digests.
    func sameButDigest(_ other: Record) -> Bool {
      index == other.index && hasIndex == other.hasIndex && type == other.type && phase == other.phase
        && codes == other.codes
    }
  }

  private(set) var records: PagedArray<Record>
  private var table: PagedIndex
  private var text = PagedBytes()
  /// The records' numbers by index (none last), then digest, then number
  /// (``ordered(_:)``), dropped at the next insertion.
  private var order: PagedArray<OrderEntry>?

  init(pageSize: Int) {
    records = PagedArray(pageSize: pageSize)
    table = PagedIndex(pageSize: pageSize)
  }

  /// How many rejections are kept.
  var count: Int { records.count }

  /// Keeps `record` with its digest `digest` unless the same rejection is kept; whether it was new.
  @discardableResult
  mutating func insert(_ record: Record, digest: DispatchTally.KeyID, _ cache: inout PageCache) -> Bool {
    let bucket = Self.bucket(record, digest: digest.bucket)
    guard find(record, digest: digest, bucket: bucket, &cache) == nil else { return false }
    var record = record
    record.digest = digest.stored(in: &text, &cache)
    dropOrder(&cache)
    self.records.append(record, &cache)
    let all = self.records
    table.add(all.count - 1, bucket: bucket, &cache) { number, cache in
      let kept = all.get(number, &cache)
      return Self.bucket(kept, digest: DispatchTally.KeyID.bucket(kept.digest, &cache))
    }
    return true
  }

  /// Whether the same rejection is kept (no insertion).
  func contains(_ record: Record, digest: DispatchTally.KeyID, _ cache: inout PageCache) -> Bool {
    find(record, digest: digest, bucket: Self.bucket(record, digest: digest.bucket), &cache) != nil
  }

  /// The number of the kept rejection that is `record` with digest `digest`, or nil.
  private func find(_ record: Record, digest: DispatchTally.KeyID, bucket: Int, _ cache: inout PageCache) -> Int? {
    let records = self.records
    return table.find(bucket: bucket, &cache) { number, cache in
      let kept = records.get(number, &cache)
      return kept.sameButDigest(record) && digest.matches(kept.digest, &cache)
    }
  }

  /// The record numbered `number` and its digest.
  func record(_ number: Int, _ cache: inout PageCache) -> (Record, DispatchTally.KeyID) {
    let record = records.get(number, &cache)
    return (record, DispatchTally.KeyID(record.digest, &cache))
  }

  /// The records' numbers by index (none last), then digest (``DispatchTally/KeyID/precedes(_:_:)``,
  /// the order of ``DispatchResult/RejectionRef``), then number: made in pages when missing
  /// (``PageCache/sorted(count:entry:precedes:)``).
  mutating func ordered(_ cache: inout PageCache) -> PagedArray<OrderEntry> {
    if let order { return order }
    let records = self.records
    let made = cache.sorted(count: records.count) { number, cache in
      let record = records.get(number, &cache)
      return OrderEntry(ordinal: record.hasIndex ? record.index : .max, index: Int32(number))
    } precedes: { a, b, cache in
      if a.ordinal != b.ordinal { return a.ordinal < b.ordinal }
      let (x, y) = (records.get(Int(a.index), &cache), records.get(Int(b.index), &cache))
      return DispatchTally.StoredKey.order(x.digest, y.digest, &cache) ?? (a.index < b.index)
    }
    order = made
    return made
  }

  /// Gives every page back; empty after.
  mutating func release(_ cache: inout PageCache) {
    dropOrder(&cache)
    records.release(&cache)
    table.release(&cache)
    text.release(&cache)
  }

  private mutating func dropOrder(_ cache: inout PageCache) { order.release(&cache) }

  /// Where a record starts its probe: its digest's bucket mixed with its other fields
  /// (FNV-1a over their words; the same in every process).
  static func bucket(_ record: Record, digest: Int) -> Int {
    var hash = UInt64(bitPattern: Int64(digest))
    @inline(__always) func mix(_ word: UInt64) { hash = (hash ^ word) &* 0x100_0000_01b3 }
    mix(UInt64(bitPattern: Int64(record.index)))
    mix(UInt64(record.hasIndex ? 1 : 0) | UInt64(record.type) << 32)
    mix(UInt64(record.phase) | UInt64(record.codes) << 32)
    return Int(truncatingIfNeeded: hash ^ (hash >> 29))
  }
}

extension DispatchTally {
  /// A key as a record in pages holds it (``Slot``, ``RejectionRecords/Record``,
  /// ``ActionTallies/Record``): a digest's 4 words, or for a text key (``isText``) where its
  /// bytes are, page, offset and length in words 0 to 2. Fixed size, no reference.
  struct StoredKey: Sendable {
    var words: (UInt64, UInt64, UInt64, UInt64)
    var isText: Bool

    /// No key yet (a digest of zeros).
    static let none = StoredKey(words: (0, 0, 0, 0), isText: false)

    /// Where a text key's bytes are.
    var span: ByteArena.Span {
      ByteArena.Span(page: UInt32(truncatingIfNeeded: words.0), offset: UInt32(truncatingIfNeeded: words.1),
                     count: UInt32(truncatingIfNeeded: words.2))
    }

    /// Whether `a`'s key precedes `b`'s (``KeyID/precedes(_:_:)``), or nil when they are
    /// the same key: two digests by their words, without reading any text.
    static func order(_ a: StoredKey, _ b: StoredKey, _ cache: inout PageCache) -> Bool? {
      if !a.isText && !b.isText { return a.words == b.words ? nil : a.words < b.words }
      let (p, q) = (KeyID(a, &cache), KeyID(b, &cache))
      return p == q ? nil : KeyID.precedes(p, q)
    }
  }
}

extension DispatchTally.KeyID {
  /// The key `stored` holds (a text key's bytes read back from the pages).
  init(_ stored: DispatchTally.StoredKey, _ cache: inout PageCache) {
    guard stored.isText else {
      let words = stored.words
      self = .digest(words.0, words.1, words.2, words.3)
      return
    }
    self = .text(String(decoding: PagedBytes.read(stored.span, &cache), as: UTF8.self))
  }

  /// ``bucket`` of the key `stored` holds.
  static func bucket(_ stored: DispatchTally.StoredKey, _ cache: inout PageCache) -> Int {
    stored.isText ? bucket(text: PagedBytes.read(stored.span, &cache)) : bucket(digest: stored.words.0)
  }

  /// This key as a record holds it, a text key's bytes stored by `store` (which returns
  /// where they are).
  func stored(_ store: (String.UTF8View) -> ByteArena.Span) -> DispatchTally.StoredKey {
    switch self {
    case .digest(let a, let b, let c, let d): return DispatchTally.StoredKey(words: (a, b, c, d), isText: false)
    case .text(let value):
      let span = store(value.utf8)
      return DispatchTally.StoredKey(words: (UInt64(span.page), UInt64(span.offset), UInt64(span.count), 0), isText: true)
    }
  }

  /// This key as a record holds it, a text key's bytes appended to `text`.
  func stored(in text: inout PagedBytes, _ cache: inout PageCache) -> DispatchTally.StoredKey {
    stored { text.append($0, &cache) }
  }

  /// Whether this is the key `stored` holds.
  func matches(_ stored: DispatchTally.StoredKey, _ cache: inout PageCache) -> Bool {
    switch self {
    case .digest(let a, let b, let c, let d):
      return !stored.isText && stored.words == (a, b, c, d)
    case .text(let text):
      return stored.isText && PagedBytes.read(stored.span, &cache).elementsEqual(text.utf8)
    }
  }
}
