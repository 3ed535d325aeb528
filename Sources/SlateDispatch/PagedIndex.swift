/// An index of values numbered from 0 by their key, in a ``PageCache``'s pages: open
/// addressing, linear probing, at most half full (doubled past it, every value placed
/// again). An entry is a value's number + 1; 0 is empty. The values themselves live
/// elsewhere (a ``PagedArray``): ``find(bucket:_:matches:)`` asks the caller whether the
/// value at a number has the key sought.
///
/// Complexity: a lookup or an addition O(1) expected page accesses; a doubling O(values).
struct PagedIndex: Sendable {
  private(set) var table: PagedArray<Int32>

  init(pageSize: Int) { table = PagedArray(pageSize: pageSize) }

  /// The first value probed from `bucket` on that `matches`, or nil at an empty entry.
  func find(bucket: Int, _ cache: inout PageCache, matches: (Int, inout PageCache) -> Bool) -> Int? {
    guard table.count > 0 else { return nil }
    let mask = table.count - 1
    var at = bucket & mask
    while true {
      let entry = table.get(at, &cache)
      if entry == 0 { return nil }
      if matches(Int(entry - 1), &cache) { return Int(entry - 1) }
      at = (at + 1) & mask
    }
  }

  /// Indexes value `number` (values `0..<number` indexed before), whose key starts its probe
  /// at `bucket`; past half full the table doubles and every value is placed again
  /// (`bucketOf` gives a value's bucket).
  mutating func add(_ number: Int, bucket: Int, _ cache: inout PageCache, bucketOf: (Int, inout PageCache) -> Int) {
    if (number + 1) * 2 > table.count {
      table.reset(zeros: Swift.max(16, table.count * 2), &cache)
      for k in 0..<number { place(k, bucket: bucketOf(k, &cache), &cache) }
    }
    place(number, bucket: bucket, &cache)
  }

  /// Gives the table's pages back; empty after.
  mutating func release(_ cache: inout PageCache) { table.release(&cache) }

  private mutating func place(_ number: Int, bucket: Int, _ cache: inout PageCache) {
    let mask = table.count - 1
    var at = bucket & mask
    while table.get(at, &cache) != 0 { at = (at + 1) & mask }
    table.set(at, Int32(number + 1), &cache)
  }
}

/// A value's place in an order made in pages (``PageCache/sorted(count:entry:precedes:)``):
/// its rank (compared first) and its number.
struct OrderEntry: Sendable {
  var ordinal: Int
  var index: Int32
}

extension PageCache {
  /// Entries sorted in memory at a time by ``sorted(count:entry:precedes:)`` (16 bytes each).
  static let runLength = 1 << 15

  /// The entries of values `0..<count` (`entry`; nil leaves a value out), sorted by `precedes` (a strict order: a
  /// caller whose values can tie breaks ties by ``OrderEntry/index``): runs of ``runLength`` sorted in memory, then merged two by two, each
  /// pass reading two runs and writing one, page by page. O(n log n) time; ``runLength`` ×
  /// 16 bytes of memory; the runs in this cache's pages.
  mutating func sorted(count: Int, entry: (Int, inout PageCache) -> OrderEntry?,
                       precedes: (OrderEntry, OrderEntry, inout PageCache) -> Bool) -> PagedArray<OrderEntry>
  {
    var runs: [PagedArray<OrderEntry>] = []
    var start = 0
    while start < count {
      let end = Swift.min(count, start + Self.runLength)
      var chunk: [OrderEntry] = []
      chunk.reserveCapacity(end - start)
      for i in start..<end { if let made = entry(i, &self) { chunk.append(made) } }
      chunk.sort { precedes($0, $1, &self) }
      var run = PagedArray<OrderEntry>(pageSize: pageSize)
      for entry in chunk { run.append(entry, &self) }
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
          merged.append(merge(&a, &b, precedes: precedes))
        }
        k += 2
      }
      runs = merged
    }
    return runs.first ?? PagedArray(pageSize: pageSize)
  }

  /// The merge of two sorted runs (the first's entry first on a tie); their pages given back.
  private mutating func merge(_ a: inout PagedArray<OrderEntry>, _ b: inout PagedArray<OrderEntry>,
                              precedes: (OrderEntry, OrderEntry, inout PageCache) -> Bool) -> PagedArray<OrderEntry>
  {
    var out = PagedArray<OrderEntry>(pageSize: pageSize)
    var (i, j) = (0, 0)
    while i < a.count || j < b.count {
      if j == b.count {
        out.append(a.get(i, &self), &self)
        i += 1
      } else if i == a.count {
        out.append(b.get(j, &self), &self)
        j += 1
      } else {
        let (x, y) = (a.get(i, &self), b.get(j, &self))
        if precedes(y, x, &self) {
          out.append(y, &self)
          j += 1
        } else {
          out.append(x, &self)
          i += 1
        }
      }
    }
    a.release(&self)
    b.release(&self)
    return out
  }
}
