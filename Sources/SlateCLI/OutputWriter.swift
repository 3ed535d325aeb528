import ArgumentParser

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `--line-buffered`: how a stream command flushes its output. Shared through
/// `@OptionGroup var output: OutputOptions`.
struct OutputOptions: ParsableArguments {
  @Flag(help: "Write each output line at once (the default on a terminal and when reading standard input).")
  var lineBuffered = false

  /// The writer for a command reading `path`: line-buffered with the flag, on a terminal,
  /// or when the input is standard input (a pipe someone may be watching live); otherwise
  /// flushed in large blocks.
  func writer(input path: String) -> OutputWriter {
    OutputWriter(lineBuffered: lineBuffered || path == "-" || isatty(1) == 1)
  }
}

/// Standard output through a buffer: lines are gathered and written with one `write(2)` per
/// ``blockSize`` bytes, or at each line when line-buffered. ``flush()`` writes what is
/// left (call it before the process ends).
///
/// A closed output (EPIPE, a reader that went away like `head`) ends the process at once
/// and quietly, as a default SIGPIPE would: nothing on standard error. Other write errors
/// are exit 2. Memory: O(blockSize + longest line).
final class OutputWriter {
  /// Bytes gathered before a write when not line-buffered.
  static let blockSize = 1 << 16

  let lineBuffered: Bool
  private var buffer: [UInt8] = []

  init(lineBuffered: Bool) {
    self.lineBuffered = lineBuffered
    buffer.reserveCapacity(Self.blockSize + 4096)
  }

  deinit { flush() }

  /// Writes `text` and a line feed.
  func line(_ text: String) {
    var text = text
    text.withUTF8 { buffer.append(contentsOf: $0) }
    buffer.append(0x0A)
    if lineBuffered || buffer.count >= Self.blockSize { flush() }
  }

  /// Writes `bytes` as they are (no line feed added): gathered like lines, written at once
  /// when line-buffered or once a block is gathered.
  func append(_ bytes: some Collection<UInt8>) {
    buffer.append(contentsOf: bytes)
    if lineBuffered || buffer.count >= Self.blockSize { flush() }
  }

  /// Writes everything gathered.
  func flush() {
    guard !buffer.isEmpty else { return }
    buffer.withUnsafeBytes { Self.writeAll($0) }
    buffer.removeAll(keepingCapacity: true)
  }

  /// Writes `bytes` to standard output, ending the process quietly on a closed pipe.
  static func writeAll(_ bytes: UnsafeRawBufferPointer) {
    var rest = bytes
    while !rest.isEmpty {
      let n = write(1, rest.baseAddress, rest.count)
      if n < 0 {
        if errno == EINTR { continue }
        if errno == EPIPE { endOnClosedPipe() }
        CLIIO.fail("cannot write to standard output: \(String(cString: strerror(errno)))")
      }
      rest = UnsafeRawBufferPointer(rebasing: rest[n...])
    }
  }

  /// The reader of standard output is gone: end as SIGPIPE's default action would (the
  /// status a shell reports as 141), even where the signal was ignored.
  static func endOnClosedPipe() -> Never {
    signal(SIGPIPE, SIG_DFL)
    raise(SIGPIPE)
    _exit(128 + SIGPIPE)
  }
}
