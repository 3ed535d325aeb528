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
    /// The digest's 4 words, or for a text digest (``isText``) where its bytes are: page,
    /// offset and length in words 0 to 2.
    var words: (UInt64, UInt64, UInt64, UInt64)
    var index: Int
    var type: UInt32
    var phase: UInt32
    var codes: UInt32
    var hasIndex: Bool
    var isText: Bool

    /// A record of a rejection at `index` (none: nil), its digest not yet set.
    init(index: Int?, type: UInt32 = 0, phase: UInt32 = 0, codes: UInt32 = 0) {
      words = (0, 0, 0, 0)
      self.index = index ?? 0
      hasIndex = index != nil
      isText = false
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
    (record.words, record.isText) = digest.stored(in: &text, &cache)
    dropOrder(&cache)
    self.records.append(record, &cache)
    let all = self.records
    table.add(all.count - 1, bucket: bucket, &cache) { number, cache in
      let kept = all.get(number, &cache)
      return Self.bucket(kept, digest: DispatchTally.KeyID.bucket(words: kept.words, isText: kept.isText, &cache))
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
      return kept.sameButDigest(record) && digest.matches(words: kept.words, isText: kept.isText, &cache)
    }
  }

  /// The record numbered `number` and its digest.
  func record(_ number: Int, _ cache: inout PageCache) -> (Record, DispatchTally.KeyID) {
    let record = records.get(number, &cache)
    return (record, DispatchTally.KeyID(words: record.words, isText: record.isText, &cache))
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
      if !x.isText && !y.isText {
        if x.words != y.words { return x.words < y.words }
      } else {
        let (p, q) = (DispatchTally.KeyID(words: x.words, isText: x.isText, &cache),
                      DispatchTally.KeyID(words: y.words, isText: y.isText, &cache))
        if p != q { return DispatchTally.KeyID.precedes(p, q) }
      }
      return a.index < b.index
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

extension DispatchTally.KeyID {
  /// The key a record in pages holds: its 4 words, or for a text key (`isText`) the bytes
  /// the words say where they are (page, offset, length).
  init(words: (UInt64, UInt64, UInt64, UInt64), isText: Bool, _ cache: inout PageCache) {
    guard isText else {
      self = .digest(words.0, words.1, words.2, words.3)
      return
    }
    self = .text(String(decoding: PagedBytes.read(Self.span(words), &cache), as: UTF8.self))
  }

  /// ``bucket`` of the key a record in pages holds.
  static func bucket(words: (UInt64, UInt64, UInt64, UInt64), isText: Bool, _ cache: inout PageCache) -> Int {
    isText ? bucket(text: PagedBytes.read(span(words), &cache)) : bucket(digest: words.0)
  }

  /// The words a record in pages holds for this key: its 4 words, or for a text key, where
  /// its bytes are once appended to `text` (``init(words:isText:_:)`` reads them back).
  func stored(in text: inout PagedBytes, _ cache: inout PageCache) -> (words: (UInt64, UInt64, UInt64, UInt64), isText: Bool) {
    switch self {
    case .digest(let a, let b, let c, let d): return ((a, b, c, d), false)
    case .text(let value):
      let span = text.append(value.utf8, &cache)
      return ((UInt64(span.page), UInt64(span.offset), UInt64(span.count), 0), true)
    }
  }

  /// Whether this is the key a record in pages holds.
  func matches(words: (UInt64, UInt64, UInt64, UInt64), isText: Bool, _ cache: inout PageCache) -> Bool {
    switch self {
    case .digest(let a, let b, let c, let d):
      return !isText && words == (a, b, c, d)
    case .text(let text):
      return isText && PagedBytes.read(Self.span(words), &cache).elementsEqual(text.utf8)
    }
  }

  /// Where a text key's bytes are, from a record's words.
  static func span(_ words: (UInt64, UInt64, UInt64, UInt64)) -> ByteArena.Span {
    ByteArena.Span(page: UInt32(truncatingIfNeeded: words.0), offset: UInt32(truncatingIfNeeded: words.1),
                   count: UInt32(truncatingIfNeeded: words.2))
  }
}
