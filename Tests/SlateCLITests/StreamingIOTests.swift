import Foundation
import SlateTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The stream commands read their input as it arrives and write each line as soon as it is
/// known: a live pipe shows output before its end, and a reader that goes away ends the
/// command at once, quietly.
@Suite struct StreamingIOTests {
  /// A `slate` process with pipes on its standard input and output (and error).
  final class Piped {
    let process = Process()
    let input = Pipe()
    let output = Pipe()
    let errors = Pipe()

    init?(_ arguments: [String]) throws {
      guard let binary = SlateCLI.binary else { return nil }
      process.executableURL = binary
      process.arguments = arguments
      process.currentDirectoryURL = SharedFixtures.projectRoot
      process.standardInput = input
      process.standardOutput = output
      process.standardError = errors
      try process.run()
    }

    /// Writes all of `bytes` to the command's standard input (false when it is gone).
    func send(_ bytes: some Collection<UInt8>) -> Bool {
      let fd = input.fileHandleForWriting.fileDescriptor
      return Array(bytes).withUnsafeBytes { raw in
        var rest = raw
        while !rest.isEmpty {
          let n = write(fd, rest.baseAddress, rest.count)
          if n < 0 && errno == EINTR { continue }
          if n <= 0 { return false }
          rest = UnsafeRawBufferPointer(rebasing: rest[n...])
        }
        return true
      }
    }

    /// Reads standard output until it holds a full line or `seconds` pass; what was read.
    func readFirstLine(within seconds: Double) -> [UInt8] {
      let fd = output.fileHandleForReading.fileDescriptor
      let deadline = Date().addingTimeInterval(seconds)
      var got: [UInt8] = []
      var buffer = [UInt8](repeating: 0, count: 4096)
      while !got.contains(0x0A) {
        let left = Int32(max(0, deadline.timeIntervalSinceNow * 1000))
        if left == 0 { break }
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        if poll(&poller, 1, left) <= 0 { continue }
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n <= 0 { break }
        got += buffer[0..<n]
      }
      return got
    }

    /// Waits up to `seconds` for the process to end; whether it did.
    func waitForExit(within seconds: Double) -> Bool {
      let deadline = Date().addingTimeInterval(seconds)
      while process.isRunning && Date() < deadline { usleep(20_000) }
      return !process.isRunning
    }
  }

  /// The first lines of `slate actions - --json` arrive while the input is still open; the
  /// whole output is the same as for the file read at once.
  @Test func aLivePipeGetsItsFirstLineBeforeTheEndOfInput() throws {
    let path = "Corpus/openai-chat/clean.sse"
    let stream = try [UInt8](Data(contentsOf: SharedFixtures.projectRoot.appendingPathComponent(path)))
    guard let expected = try SlateCLI.run(["actions", "--json", path]) else { return }
    guard let slate = try Piped(["actions", "-", "--json"]) else { return }
    let half = stream.count / 2
    #expect(slate.send(stream[..<half]))
    let first = slate.readFirstLine(within: 120)
    #expect(first.contains(0x0A), "a line arrives before the second part is written")
    #expect(slate.send(stream[half...]))
    try slate.input.fileHandleForWriting.close()
    let rest = slate.output.fileHandleForReading.readDataToEndOfFile()
    slate.process.waitUntilExit()
    let lines = String(decoding: first + rest, as: UTF8.self).split(separator: "\n").map { String($0) }
    #expect(lines == expected.lines)
    #expect(slate.process.terminationStatus == expected.status)
  }

  /// A reader that closes its end (`| head -c 100`) ends the command at once, without it
  /// reading the rest of its input and without a word on standard error.
  @Test func aClosedOutputEndsTheCommandQuietly() throws {
    let path = "Corpus/openai-chat/clean.sse"
    let stream = try [UInt8](Data(contentsOf: SharedFixtures.projectRoot.appendingPathComponent(path)))
    let previous = signal(SIGPIPE, SIG_IGN)  // our own writes to a command that ended
    defer { signal(SIGPIPE, previous) }
    guard let slate = try Piped(["actions", "-", "--json"]) else { return }
    #expect(slate.send(stream))
    #expect(!slate.readFirstLine(within: 120).isEmpty)
    try slate.output.fileHandleForReading.close()
    // More input that makes more output; the input stays open: only the closed output can
    // end the command.
    for _ in 0..<200 where slate.process.isRunning {
      if !slate.send(stream) { break }
      usleep(10_000)
    }
    #expect(slate.waitForExit(within: 120), "the command ends while its input is still open")
    if slate.process.isRunning { slate.process.terminate() }
    try slate.input.fileHandleForWriting.close()
    slate.process.waitUntilExit()
    #expect(slate.process.terminationReason == .uncaughtSignal && slate.process.terminationStatus == SIGPIPE)
    let errorText = slate.errors.fileHandleForReading.readDataToEndOfFile()
    #expect(errorText.isEmpty, "nothing on standard error: \(String(decoding: errorText, as: UTF8.self))")
  }

  /// `slate events` reads its input in blocks: the summary's byte count and every line are
  /// the same from a file, from a pipe, and in any chunking.
  @Test func eventsReadAsTheyArriveGiveTheSameLines() throws {
    let path = "Corpus/anthropic/clean.sse"
    let stream = try [UInt8](Data(contentsOf: SharedFixtures.projectRoot.appendingPathComponent(path)))
    guard let fromFile = try SlateCLI.run(["events", "--json", path]),
      let fromPipe = try SlateCLI.run(["events", "--json", "-"], stdin: stream),
      let chunked = try SlateCLI.run(["events", "--json", "--chunk-size", "7", "--chunk-seed", "3", "--line-buffered", path])
    else { return }
    #expect(fromFile.lines.last?.contains("\"bytes\":\(stream.count)") == true)
    #expect(fromPipe.lines == fromFile.lines && chunked.lines == fromFile.lines)
  }

  /// An input of several read blocks (64 KiB each), fed whole as it arrives or re-cut into
  /// random chunks across the blocks, from a file or a pipe: the same lines.
  @Test func anInputOfManyBlocksGivesTheSameLinesInEveryChunking() throws {
    guard let binary = SlateCLI.binary else { return }
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("slate-blocks-\(getpid()).sse")
    defer { try? FileManager.default.removeItem(at: file) }
    let generate = Process()
    generate.executableURL = binary
    generate.arguments = ["corpus", "generate", "--actions", "300", "--dialect", "anthropic"]
    FileManager.default.createFile(atPath: file.path, contents: nil)
    generate.standardOutput = try FileHandle(forWritingTo: file)
    try generate.run()
    generate.waitUntilExit()
    let stream = try [UInt8](Data(contentsOf: file))
    #expect(stream.count > 3 << 16)
    guard let whole = try SlateCLI.run(["actions", "--json", file.path]),
      let piped = try SlateCLI.run(["actions", "--json", "-"], stdin: stream),
      let cut = try SlateCLI.run(["actions", "--json", "--chunk-size", "70000", "--chunk-seed", "5", "-"], stdin: stream)
    else { return }
    #expect(whole.lines.count > 100 && whole.status == 0)
    #expect(piped.lines == whole.lines && cut.lines == whole.lines)
  }
}
