import SlateCore

/// The fuzz checks' generator, seeded from the input's own bytes: every choice a check
/// makes (a chunking, a limit) is derived from the input, so a saved input replays exactly.
/// Its draws are SlateCore's ``SplitMix64`` (the one seeded generator of the engine, the
/// tests and the benchmarks).
public struct FuzzRandom {
  private var base: SplitMix64

  public init(seed: UInt64) { base = SplitMix64(seed: seed) }

  public mutating func next() -> UInt64 { base.next() }

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
