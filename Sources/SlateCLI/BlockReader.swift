#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A file, or standard input for "-", opened at once and read on demand one block at a
/// time: each ``next()`` is one `read(2)` of up to ``blockSize`` bytes into a buffer reused
/// for the whole input. ``InputReader`` drives it with a callback; `slate replay` pulls it
/// from an `AsyncSequence` (``PhaseChunks``), so that a live turn reads the next block only
/// when its batches are dispatched.
///
/// A failure to open or read is exit 2 with the reason on standard error (``CLIIO/fail(_:)``),
/// so opening every input first reports a missing one before any work. Memory:
/// O(blockSize); time O(bytes). The descriptor is closed when the reader is released.
final class BlockReader {
  /// Bytes asked of each `read(2)`: 64 KiB.
  static let blockSize = 1 << 16

  let path: String
  /// Bytes read so far.
  private(set) var bytesRead = 0
  private let fd: Int32
  private let buffer: UnsafeMutableRawBufferPointer

  init(_ path: String) {
    self.path = path
    fd = path == "-" ? 0 : open(path, O_RDONLY)
    if fd < 0 { CLIIO.fail("cannot open \(path): \(String(cString: strerror(errno)))") }
    buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.blockSize, alignment: 16)
  }

  deinit {
    if fd > 0 { close(fd) }
    buffer.deallocate()
  }

  /// The size of the file in bytes, when it is a regular file (nil for a pipe or a terminal).
  var fileSize: Int? {
    var info = stat()
    guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
    return Int(info.st_size)
  }

  /// The next block, or nil at the end of the input. The block is a view of the reused
  /// buffer: valid until the next call.
  func next() -> UnsafeRawBufferPointer? {
    while true {
      let n = read(fd, buffer.baseAddress, buffer.count)
      if n < 0 {
        if errno == EINTR { continue }
        CLIIO.fail("cannot read \(path): \(String(cString: strerror(errno)))")
      }
      if n == 0 { return nil }
      bytesRead += n
      return UnsafeRawBufferPointer(rebasing: buffer[0..<n])
    }
  }
}
