/// The most recent bytes of a longer sequence, addressed by their offset in the whole
/// sequence: bytes are appended at the end and discarded from the start once nothing needs
/// them. `slate inspect` keeps one for the raw stream and one per channel text, for the
/// excerpts it prints, instead of the whole input.
///
/// Memory: the bytes from ``start`` to ``end`` (plus at most as many already discarded,
/// reclaimed when they outgrow the kept ones). Appending is O(bytes) amortised; reading a
/// byte O(1).
struct ByteWindow {
  /// The kept bytes: `storage[head...]` are the bytes from ``start``.
  private var storage: [UInt8] = []
  private var head = 0
  /// The offset of the first kept byte.
  private(set) var start = 0

  init() {}

  /// A window over all of `bytes`.
  init(_ bytes: [UInt8]) { storage = bytes }

  /// The length of the whole sequence so far (the offset after the last byte).
  var end: Int { start + storage.count - head }

  /// Whether no byte was ever appended.
  var isEmpty: Bool { end == 0 }

  /// The byte at offset `i`, which must be kept (`start <= i < end`).
  subscript(i: Int) -> UInt8 { storage[head + i - start] }

  /// The kept bytes in `range` (clamped to what is kept), copied.
  func bytes(_ range: Range<Int>) -> [UInt8] {
    let lower = max(range.lowerBound, start), upper = min(range.upperBound, end)
    guard lower < upper else { return [] }
    return Array(storage[(head + lower - start)..<(head + upper - start)])
  }

  mutating func append(_ bytes: UnsafeRawBufferPointer) { storage.append(contentsOf: bytes) }

  mutating func append(_ text: String) {
    var text = text
    text.withUTF8 { storage.append(contentsOf: $0) }
  }

  /// Discards the bytes before offset `offset` (nothing when they are already gone).
  mutating func discard(before offset: Int) {
    let drop = min(offset, end) - start
    guard drop > 0 else { return }
    head += drop
    start += drop
    if head >= 1 << 16 && head >= storage.count - head {
      storage.removeFirst(head)
      head = 0
    }
  }
}
