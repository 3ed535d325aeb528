/// A run of raw provider bytes a live turn kept for one of its phase streams, so that
/// recovery can read them again after the process died. Unique key: `(turn, stream,
/// offset)`; ``LedgerReader/streamChunks(turn:stream:)`` lists a stream's chunks by offset.
///
/// A writer keeps a stream's bytes as contiguous chunks from offset 0 (each chunk's
/// ``offset`` is the previous one's ``end``); ``contiguousBytes(_:)`` joins them and stops
/// at the first hole.
public struct StreamChunkRecord: Hashable, Sendable {
  public var turn: TurnID
  /// The stream's name in the ledger (the `stream` detail of its `stream.opened` event).
  public var stream: String
  /// The position of the chunk's first byte in the stream.
  public var offset: Int64
  public var bytes: [UInt8]

  public init(turn: TurnID, stream: String, offset: Int64, bytes: [UInt8]) {
    self.turn = turn
    self.stream = stream
    self.offset = offset
    self.bytes = bytes
  }

  /// The offset just past the chunk's last byte.
  public var end: Int64 { offset + Int64(bytes.count) }

  /// The bytes of `chunks` (in offset order) joined from offset 0 up to the first hole or
  /// overlap. O(bytes).
  public static func contiguousBytes(_ chunks: [StreamChunkRecord]) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(chunks.reduce(0) { $0 + $1.bytes.count })
    for chunk in chunks {
      guard chunk.offset == Int64(out.count) else { break }
      out.append(contentsOf: chunk.bytes)
    }
    return out
  }
}
