import SlateCore
import ArgumentParser

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
  /// ``SplitMix64`` (SlateCore) seeded with `seed` (spelled out, so that no library change alters it).
  case random(maxSize: Int, seed: UInt64)

  /// Calls `body` with each chunk of `bytes` in order (nothing for an empty input).
  /// O(bytes.count); the chunks are views of `bytes`, never copies.
  func forEachChunk(of bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
    var cutter = ChunkCutter(self)
    try bytes.withUnsafeBytes { all in try cutter.feed(all, body) }
    try cutter.finish(body)
  }
}

/// Cuts an input that arrives in blocks (as `read(2)` returns them) into the chunks of a
/// ``Chunking``, as if the whole input had been cut at once: the same chunk sizes in the
/// same order whatever the blocks. ``Chunking/whole`` passes each block on as it arrives
/// (the parsers' output does not depend on the chunking).
///
/// Memory: at most one chunk carried between blocks (less than the chunk size); none for
/// `.whole`. O(bytes) time; chunks that lie inside one block are views of it, not copies.
struct ChunkCutter {
  let chunking: Chunking
  private var generator: SplitMix64
  /// The size of the chunk being cut (0 for `.whole`).
  private var size: Int
  /// The start of the chunk being cut, when it spans blocks.
  private var carry: [UInt8] = []

  init(_ chunking: Chunking) {
    self.chunking = chunking
    switch chunking {
    case .whole:
      generator = SplitMix64(seed: 0)
      size = 0
    case .fixed(let size):
      generator = SplitMix64(seed: 0)
      self.size = max(1, size)
    case .random(let maxSize, let seed):
      generator = SplitMix64(seed: seed)
      size = 0
      size = nextRandomSize(maxSize)
    }
  }

  private mutating func nextRandomSize(_ maxSize: Int) -> Int { 1 + Int(generator.next() % UInt64(max(1, maxSize))) }

  /// The chunk after this one starts: draws its size.
  private mutating func advance() {
    if case .random(let maxSize, _) = chunking { size = nextRandomSize(maxSize) }
  }

  /// Hands `body` every chunk that `block` completes, keeping an incomplete tail.
  mutating func feed(_ block: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
    guard !block.isEmpty else { return }
    guard size > 0 else { return try body(block) }
    var rest = block
    if !carry.isEmpty {
      let take = min(size - carry.count, rest.count)
      carry.append(contentsOf: rest.prefix(take))
      rest = UnsafeRawBufferPointer(rebasing: rest.dropFirst(take))
      guard carry.count == size else { return }
      try carry.withUnsafeBytes { try body($0) }
      carry.removeAll(keepingCapacity: true)
      advance()
    }
    while rest.count >= size {
      try body(UnsafeRawBufferPointer(rebasing: rest.prefix(size)))
      rest = UnsafeRawBufferPointer(rebasing: rest.dropFirst(size))
      advance()
    }
    carry.append(contentsOf: rest)
  }

  /// Hands `body` the incomplete last chunk, if any.
  mutating func finish(_ body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
    guard !carry.isEmpty else { return }
    try carry.withUnsafeBytes { try body($0) }
    carry.removeAll()
  }
}
