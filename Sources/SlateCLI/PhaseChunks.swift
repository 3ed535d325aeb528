import Slate

/// A phase stream of `slate replay` as the `AsyncSequence` a ``LiveTurn`` reads: from a
/// file or standard input one 64 KiB block at a time (``BlockReader``), or from bytes in
/// memory (a bundle's), cut as `--chunk-size`/`--chunk-seed` say (``ChunkCutter``: the same
/// chunks whatever the blocks). A block is read only when the turn asks for the next chunk,
/// that is once the batches of the previous one are dispatched, so a replay holds one block
/// of its stream at a time.
///
/// Each element is a copy of one chunk (the reader's buffer is reused). Memory: one block
/// and its chunks, plus the stream's bytes when ``kept`` is given (a bundle records them).
struct PhaseChunks: AsyncSequence {
  typealias Element = [UInt8]

  enum Origin {
    case reader(BlockReader)
    case bytes([UInt8])
  }

  /// Collects every byte of a stream as it is read.
  final class Sink {
    var bytes: [UInt8] = []
  }

  let origin: Origin
  let chunking: Chunking
  /// Keeps the stream's bytes, when given.
  let kept: Sink?
  /// Hears of each block read, with the stream's bytes read so far.
  let onBlock: ((Int) -> Void)?

  init(_ origin: Origin, chunking: Chunking, keeping kept: Sink? = nil, onBlock: ((Int) -> Void)? = nil) {
    self.origin = origin
    self.chunking = chunking
    self.kept = kept
    self.onBlock = onBlock
  }

  struct AsyncIterator: AsyncIteratorProtocol {
    let chunks: PhaseChunks
    var cutter: ChunkCutter
    var pending: [[UInt8]] = []
    var index = 0
    var read = 0
    var ended = false

    mutating func next() async -> [UInt8]? {
      while index == pending.count {
        pending.removeAll(keepingCapacity: true)
        index = 0
        if ended { return nil }
        var cut: [[UInt8]] = []
        let more = Self.nextBlock(of: chunks.origin, started: read > 0) { block in
          chunks.kept?.bytes.append(contentsOf: block)
          read += block.count
          cutter.feed(block) { cut.append(Array($0)) }
        }
        if more {
          chunks.onBlock?(read)
        } else {
          cutter.finish { cut.append(Array($0)) }
          ended = true
        }
        pending = cut
      }
      defer { index += 1 }
      return pending[index]
    }

    /// Calls `body` with the next block of `origin` (bytes in memory are one block, read
    /// unless `started`); false at the end of the stream.
    private static func nextBlock(of origin: Origin, started: Bool, _ body: (UnsafeRawBufferPointer) -> Void) -> Bool {
      switch origin {
      case .reader(let reader):
        guard let block = reader.next() else { return false }
        body(block)
        return true
      case .bytes(let bytes):
        guard !started, !bytes.isEmpty else { return false }
        bytes.withUnsafeBytes(body)
        return true
      }
    }
  }

  func makeAsyncIterator() -> AsyncIterator { AsyncIterator(chunks: self, cutter: ChunkCutter(chunking)) }
}
