/// Feeds `bytes` to `body` in chunks of `size` bytes (the last may be shorter; `Int.max`
/// gives the whole input as one chunk), as a network would deliver them. O(bytes / size) calls.
@inlinable
public func forEachChunk(of bytes: [UInt8], size: Int, _ body: (UnsafeRawBufferPointer) -> Void) {
  bytes.withUnsafeBytes { all in
    var start = 0
    while start < all.count {
      let end = all.count - start > size ? start + size : all.count
      body(UnsafeRawBufferPointer(rebasing: all[start..<end]))
      start = end
    }
  }
}

/// The chunk sizes the suites compare: one whole input, 64 KiB (a fast network read), 8
/// bytes, and 1 byte (the worst case any split-anywhere parser must survive).
public enum ChunkSize {
  public static let whole = Int.max
  public static let large = 64 << 10
  public static let small = 8
  public static let single = 1

  /// The name a benchmark carries for a chunk size: `whole`, `64KB-chunks`, `8B-chunks`, `1B-chunks`.
  public static func name(_ size: Int) -> String {
    size == whole ? "whole" : "\(BenchMode.sizeName(size))-chunks"
  }
}
