import ArgumentParser
import SlateFilm

/// `--chunk-size N [--chunk-seed S]`: how a command feeds its input to an incremental
/// parser, to reproduce what a network might do. Shared by the stream commands through
/// `@OptionGroup var chunking: ChunkingOptions`.
struct ChunkingOptions: ParsableArguments {
  @Option(parsing: .unconditional, help: ArgumentHelp("Feed the input in chunks of N bytes, 1 to 2^30 (whole when not given).", valueName: "N"),
          transform: OptionValues.integer(OptionRanges.chunkSize))
  var chunkSize: Int?

  @Option(parsing: .unconditional, help: ArgumentHelp("Make chunk sizes random from 1 to --chunk-size, from this seed (0 to 2^64-1; reproducible).", valueName: "S"),
          transform: OptionValues.seed)
  var chunkSeed: UInt64?

  func validate() throws {
    if chunkSeed != nil && chunkSize == nil { throw ValidationError("--chunk-seed needs --chunk-size (the largest chunk)") }
  }

  var chunking: Chunking {
    switch (chunkSize, chunkSeed) {
    case (let size?, let seed?): .random(maxSize: size, seed: seed)
    case (let size?, nil): .fixed(size)
    case (nil, _): .whole
    }
  }
}

/// A way of cutting an input into chunks.
enum Chunking: Sendable, Hashable {
  /// The whole input as one chunk.
  case whole
  /// Chunks of `size` bytes (the last may be shorter).
  case fixed(Int)
  /// Chunks of random sizes from 1 to `maxSize`: `1 + next() % maxSize` of a
  /// ``SplitMix64`` (SlateFilm) seeded with `seed` (spelled out, so that no library change alters it).
  case random(maxSize: Int, seed: UInt64)

  /// Calls `body` with each chunk of `bytes` in order (nothing for an empty input).
  /// O(bytes.count); the chunks are views of `bytes`, never copies.
  func forEachChunk(of bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
    try bytes.withUnsafeBytes { all in
      var generator = SplitMix64(seed: 0)
      var maxSize = all.count
      switch self {
      case .whole: break
      case .fixed(let size): maxSize = max(1, size)
      case .random(let size, let seed):
        maxSize = max(1, size)
        generator = SplitMix64(seed: seed)
      }
      var start = 0
      while start < all.count {
        var size = maxSize
        if case .random = self { size = 1 + Int(generator.next() % UInt64(maxSize)) }
        let end = min(all.count, start + size)
        try body(UnsafeRawBufferPointer(rebasing: all[start..<end]))
        start = end
      }
    }
  }
}
