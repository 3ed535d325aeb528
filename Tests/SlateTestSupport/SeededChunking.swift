import SlateCore

/// Deterministic ways of cutting an input into chunks, for testing incremental parsers
/// (every result must be the same however the bytes are split).
///
/// A chunking is given by its cut offsets: strictly increasing, each in `1..<count`.
public enum SeededChunking {
  /// Cuts giving chunks of random sizes from 1 to `maxChunk` (the last may be shorter).
  public static func randomCuts(count: Int, maxChunk: Int, seed: UInt64) -> [Int] {
    var generator = SplitMix64(seed: seed)
    var cuts: [Int] = []
    var position = 0
    while true {
      position += Int.random(in: 1...max(1, maxChunk), using: &generator)
      if position >= count { return cuts }
      cuts.append(position)
    }
  }

  /// Cuts giving chunks of exactly `size` bytes (the last may be shorter).
  public static func fixedCuts(count: Int, size: Int) -> [Int] {
    Array(stride(from: max(1, size), to: count, by: max(1, size)))
  }

  /// The chunks of `bytes` (or of any elements) between `cuts` (offsets outside
  /// `1..<count` are ignored).
  public static func chunks<Element>(of bytes: [Element], cuts: [Int]) -> [ArraySlice<Element>] {
    var chunks: [ArraySlice<Element>] = []
    var start = 0
    for cut in cuts where cut > start && cut < bytes.count {
      chunks.append(bytes[start..<cut])
      start = cut
    }
    chunks.append(bytes[start...])
    return chunks
  }
}
