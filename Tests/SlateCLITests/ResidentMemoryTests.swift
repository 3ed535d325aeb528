import Foundation
import SlateTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The stream commands read standard input in blocks as it arrives and keep only what is
/// still open: a large input piped in (generated on the fly by this process, never a file)
/// leaves each command at most 64 MB resident (the child's own peak, GNU time's `%M`). The size is modest for CI (`SLATE_RSS_TEST_MB`, default 64); the README gives
/// the 1 GB run as a manual command.
@Suite struct ResidentMemoryTests {
  static let limitKB = 64 * 1024

  /// Megabytes of input per command.
  static var inputMB: Int { ProcessInfo.processInfo.environment["SLATE_RSS_TEST_MB"].flatMap { Int($0) } ?? 64 }

  /// An OpenAI Chat Completions stream of about `bytes` bytes: an answer text that is one
  /// JSON array of actions of about 2 KB each, 400 text bytes per event (valid throughout).
  struct ChatStream {
    let bytes: Int
    static let piece = 400

    /// Calls `body` with the stream's bytes in order, in blocks of about 64 KiB.
    func write(_ body: ([UInt8]) -> Bool) {
      var block: [UInt8] = []
      block.reserveCapacity(1 << 17)
      var written = 0
      func event(_ content: String) -> Bool {
        block += Array(#"data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":""#.utf8)
        block += Array(content.utf8)
        block += Array("\"}}]}\n\n".utf8)
        guard block.count >= 1 << 16 else { return true }
        written += block.count
        defer { block.removeAll(keepingCapacity: true) }
        return body(block)
      }
      guard event("[") else { return }
      var index = 0
      let body2 = String(repeating: "lorem ipsum ", count: 170)
      while written < bytes {
        let value = #"{\"type\":\"note\",\"id\":\"n\#(index)\",\"body\":\"\#(body2)\"}"# + ","
        var rest = Substring(value)
        while !rest.isEmpty {
          var cut = rest.index(rest.startIndex, offsetBy: min(Self.piece, rest.count))
          while cut < rest.endIndex && rest[rest.index(before: cut)] == "\\" { cut = rest.index(after: cut) }  // not inside an escape
          guard event(String(rest[..<cut])) else { return }
          rest = rest[cut...]
        }
        index += 1
      }
      guard event(#"{\"type\":\"note\",\"id\":\"last\"}]"#) else { return }
      block += Array(#"data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#.utf8)
      block += Array("\n\ndata: [DONE]\n\n".utf8)
      _ = body(block)
    }
  }

  /// One JSON array of about `bytes` bytes (strings of 2 KB), written in 64 KiB blocks.
  struct JSONArray {
    let bytes: Int

    func write(_ body: ([UInt8]) -> Bool) {
      let element = Array(("\"" + String(repeating: "lorem ipsum ", count: 170) + "\",").utf8)
      var block: [UInt8] = [UInt8(ascii: "[")]
      var written = 0
      while written < bytes {
        block += element
        if block.count >= 1 << 16 {
          guard body(block) else { return }
          written += block.count
          block.removeAll(keepingCapacity: true)
        }
      }
      _ = body(block + Array("0]".utf8))
    }
  }

  /// Runs `slate ARGUMENTS` with `input` written to its standard input by a thread of this
  /// process, its output discarded; returns its exit status and peak resident memory (KB).
  static func peakResident(_ arguments: [String], input: (([UInt8]) -> Bool) -> Void) throws -> (status: Int32, maxKB: Int)? {
    guard let binary = SlateCLI.binary else { return nil }
    // Through GNU time: a child spawned straight from this (large) test process would
    // count this process's resident pages in its own peak (Linux folds the spawning
    // memory's high-water mark into the child's at exec); time forks slate from a small one.
    let time = "/usr/bin/time"
    guard FileManager.default.isExecutableFile(atPath: time) else {
      print("skipping: no \(time) to measure the peak resident memory of a child alone")
      return nil
    }
    let report = FileManager.default.temporaryDirectory.appendingPathComponent("slate-rss-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    defer { try? FileManager.default.removeItem(at: report) }
    var fds: [Int32] = [0, 0]
    guard pipe(&fds) == 0 else { throw POSIXError(.EIO) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, fds[0], 0)
    posix_spawn_file_actions_addclose(&actions, fds[0])
    posix_spawn_file_actions_addclose(&actions, fds[1])
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let argv: [UnsafeMutablePointer<CChar>?] = ([time, "-f", "%M", "-o", report.path, binary.path] + arguments).map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, time, &actions, nil, argv, environ)
    close(fds[0])
    guard spawned == 0 else {
      close(fds[1])
      throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO)
    }
    let previous = signal(SIGPIPE, SIG_IGN)
    defer { signal(SIGPIPE, previous) }
    let writer = fds[1]
    input { block in
      block.withUnsafeBytes { raw in
        var rest = raw
        while !rest.isEmpty {
          let n = Glibc.write(writer, rest.baseAddress, rest.count)
          if n < 0 && errno == EINTR { continue }
          if n <= 0 { return false }
          rest = UnsafeRawBufferPointer(rebasing: rest[n...])
        }
        return true
      }
    }
    close(writer)
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    let text = (try? String(contentsOf: report, encoding: .utf8)) ?? ""
    let kilobytes = text.split(separator: "\n").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? Int.max
    return (exit, kilobytes)  // GNU time's %M: the child's own peak, in kilobytes
  }

  @Test(arguments: [["inspect", "-"], ["inspect", "--json", "-"], ["events", "--json", "-"], ["actions", "--json", "-"],
                    ["actions", "-", "--schema", "Corpus/schemas/film.json"]])
  func aLargePipedStreamStaysUnder64MB(_ arguments: [String]) throws {
    let input = ChatStream(bytes: Self.inputMB << 20)
    guard let run = try Self.peakResident(arguments, input: input.write) else { return }
    print("slate \(arguments.joined(separator: " ")): \(Self.inputMB) MB piped in, peak resident \(run.maxKB / 1024) MB, exit \(run.status)")
    #expect(run.status == 0 || run.status == 1, "\(arguments): exit \(run.status)")
    #expect(run.maxKB <= Self.limitKB, "\(arguments): \(run.maxKB) KB resident")
  }

  /// `slate json -` holds one document, at most the value limit: a document under it is
  /// printed, a larger one is `json.value_too_large` at the limit, without reading the rest.
  @Test func jsonHoldsAtMostItsValueLimit() throws {
    let limit = ["--max-value-bytes", String(8 << 20)]
    guard let small = try Self.peakResident(["json", "-"] + limit, input: JSONArray(bytes: 3 << 20).write),
      let large = try Self.peakResident(["json", "-"] + limit, input: JSONArray(bytes: Self.inputMB << 20).write)
    else { return }
    print("slate json -: 3 MB document, peak \(small.maxKB / 1024) MB; \(Self.inputMB) MB document, peak \(large.maxKB / 1024) MB")
    #expect(small.status == 0 && small.maxKB <= Self.limitKB, "json, 3 MB: exit \(small.status), \(small.maxKB) KB")
    #expect(large.status == 1 && large.maxKB <= Self.limitKB, "json, large: exit \(large.status), \(large.maxKB) KB")
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("slate-json-\(getpid()).json")
    defer { try? FileManager.default.removeItem(at: file) }
    try Data(("    [" + String(repeating: "1,", count: 5 << 20) + "1]").utf8).write(to: file)
    guard let refused = try SlateCLI.run(["json", file.path] + limit) else { return }
    #expect(refused.status == 1 && refused.errorOutput.hasPrefix("json.value_too_large at byte "), "\(refused.errorOutput)")
  }
}
