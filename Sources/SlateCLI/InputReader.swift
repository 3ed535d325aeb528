#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads a file, or standard input for "-", in blocks as they arrive: one `read(2)` of up to
/// ``blockSize`` bytes into a buffer reused for the whole input, so that a command holds
/// one block of its input at a time and sees bytes as soon as a pipe delivers them.
///
/// A failure to open or read is exit 2 with the reason on standard error (``CLIIO/fail(_:)``).
/// Memory: O(blockSize); time O(bytes).
struct InputReader {
  /// Bytes asked of each `read(2)`.
  static let blockSize = BlockReader.blockSize

  let path: String
  /// Bytes read so far.
  private(set) var bytesRead = 0

  init(_ path: String) { self.path = path }

  /// Whether the input is standard input (a live pipe, by default read line-buffered).
  var isStandardInput: Bool { path == "-" }

  /// Calls `body` with each block in order, until the end of the input. The block is a view
  /// of the reused buffer: valid only during the call.
  mutating func forEachBlock(_ body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
    let reader = BlockReader(path)
    while let block = reader.next() {
      bytesRead += block.count
      try body(block)
    }
  }

  /// Calls `body` with the input cut as `chunking` says (``ChunkCutter``), block by block.
  mutating func forEachChunk(_ chunking: Chunking, _ body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
    var cutter = ChunkCutter(chunking)
    try forEachBlock { block in try cutter.feed(block, body) }
    try cutter.finish(body)
  }
}
