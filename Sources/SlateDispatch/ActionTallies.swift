/// A ``DispatchTally``'s per-action kinds (``DispatchTally/tally(_:action:)``: each action's
/// tally of highest precedence, as its kind's rank + 1) and its batch ids
/// (``DispatchTally/batches``), as fixed-size records in its ``TallyKeys`` pages, indexed
/// by ``PagedIndex``. A batch reference `<id>#<sequence>` whose id is a SHA-256 hex (every
/// batch's) is kept as the id's 4 words and the sequence; any other text in the pages.
/// A batch id's own record has position and sequence -1. Nothing grows in memory with the
/// actions or batches but page numbers (a per-batch array of kinds keyed by the reference's
/// `String` took ~250 bytes a batch, the batch ids' set ~130 more).
///
/// Complexity: O(1) expected page accesses per join; ``forEach(_:)`` O(records).
struct ActionTallies: Sendable {
  struct Record: Sendable {
    /// The batch id as stored.
    var id: DispatchTally.StoredKey
    /// The kind's rank + 1 (0: none).
    var rank: UInt8
    /// The reference's sequence, or -1 (a batch id's record, a reference of another form).
    var sequence: Int
    /// The action's position in its batch, or -1 for a batch id's record.
    var position: Int
  }

  private(set) var records: PagedArray<Record>
  private var table: PagedIndex
  private var text = PagedBytes()

  init(pageSize: Int) {
    records = PagedArray(pageSize: pageSize)
    table = PagedIndex(pageSize: pageSize)
  }

  /// Joins `rank` into the action at `position` of the batch reference `batch`: the higher
  /// rank stays. Returns the rank it had (0 when new).
  mutating func join(batch: String, position: Int, rank: UInt8, _ cache: inout PageCache) -> UInt8 {
    let (id, sequence) = Self.split(batch)
    return join(id, sequence: sequence, position: position, rank: rank, &cache)
  }

  /// Keeps a batch id (once).
  mutating func insert(batch: String, _ cache: inout PageCache) {
    _ = join(DispatchTally.KeyID(batch), sequence: -1, position: -1, rank: 0, &cache)
  }

  /// Each record, in the order kept.
  func forEach(_ cache: inout PageCache, _ body: (Record, inout PageCache) -> Void) {
    for i in 0..<records.count { body(records.get(i, &cache), &cache) }
  }

  private mutating func join(_ id: DispatchTally.KeyID, sequence: Int, position: Int, rank: UInt8,
                             _ cache: inout PageCache) -> UInt8
  {
    let bucket = Self.bucket(digest: id.bucket, sequence: sequence, position: position)
    let records = self.records
    if let found = table.find(bucket: bucket, &cache, matches: { number, cache in
      let kept = records.get(number, &cache)
      return kept.sequence == sequence && kept.position == position
        && id.matches(kept.id, &cache)
    }) {
      var kept = records.get(found, &cache)
      let present = kept.rank
      if rank > present {
        kept.rank = rank
        self.records.set(found, kept, &cache)
      }
      return present
    }
    let record = Record(id: id.stored(in: &text, &cache), rank: rank, sequence: sequence, position: position)
    self.records.append(record, &cache)
    let all = self.records
    table.add(all.count - 1, bucket: bucket, &cache) { number, cache in
      let kept = all.get(number, &cache)
      return Self.bucket(digest: DispatchTally.KeyID.bucket(kept.id, &cache),
                         sequence: kept.sequence, position: kept.position)
    }
    return 0
  }

  /// A batch reference's id and sequence: `<64 hex>#<decimal>` split there, anything else
  /// whole with sequence -1.
  static func split(_ batch: String) -> (DispatchTally.KeyID, Int) {
    let utf8 = batch.utf8
    if utf8.count > 65, let hash = utf8.firstIndex(of: UInt8(ascii: "#")), utf8.distance(from: utf8.startIndex, to: hash) == 64,
      let sequence = Int(Substring(batch[batch.index(after: hash)...])), sequence >= 0,
      String(sequence) == batch[batch.index(after: hash)...],
      case .digest(let a, let b, let c, let d) = DispatchTally.KeyID(String(batch[..<hash]))
    {
      return (.digest(a, b, c, d), sequence)
    }
    return (.text(batch), -1)
  }

  /// Where a record starts its probe (FNV-1a of its fields over its id's bucket).
  static func bucket(digest: Int, sequence: Int, position: Int) -> Int {
    var hash = UInt64(bitPattern: Int64(digest))
    hash = (hash ^ UInt64(bitPattern: Int64(sequence))) &* 0x100_0000_01b3
    hash = (hash ^ UInt64(bitPattern: Int64(position))) &* 0x100_0000_01b3
    return Int(truncatingIfNeeded: hash ^ (hash >> 29))
  }
}
