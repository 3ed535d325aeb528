/// A xorshift64 generator seeded from the input's own bytes: every choice a check makes
/// (a chunking, a limit) is derived from the input, so a saved input replays exactly.
public struct FuzzRandom {
  private var state: UInt64

  /// Seeds are spread by the golden-ratio multiplier; the state is never zero.
  public init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }

  public mutating func next() -> UInt64 {
    state ^= state << 13
    state ^= state >> 7
    state ^= state << 17
    return state
  }

  /// The ends of the chunks that cut `count` bytes into pieces of 1…`maxChunk` bytes, the
  /// last one `count` (empty for no bytes). O(chunks).
  public mutating func chunkEnds(count: Int, maxChunk: Int) -> [Int] {
    var ends: [Int] = []
    var start = 0
    while start < count {
      start = min(count, start + 1 + Int(next() % UInt64(max(1, maxChunk))))
      ends.append(start)
    }
    return ends
  }
}

extension UnsafeRawBufferPointer {
  /// The chunks of this buffer ending at `ends` (as ``FuzzRandom/chunkEnds(count:maxChunk:)`` gives them).
  func chunks(endingAt ends: [Int]) -> [UnsafeRawBufferPointer] {
    var start = 0
    return ends.map { end in
      defer { start = end }
      return UnsafeRawBufferPointer(rebasing: self[start..<end])
    }
  }
}
