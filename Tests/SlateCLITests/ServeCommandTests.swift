import Foundation
import SlateJSON
import SlateTestSupport
import Testing

/// `slate serve` as a process on a free loopback port, and `slate actions URL` /
/// `slate replay URL` reading from it: the same lines as reading the file (each stamped
/// with `elapsed_ms`), the HTTP diagnostics, and SIGTERM ending the server with exit 0.
@Suite(.serialized, .enabled(if: SlateCLI.binary != nil && SlateCLI.speaksHTTP,
                             "this slate was built without the HTTP trait (make test builds it with --traits Postgres,HTTP)"))
struct ServeCommandTests {
  /// A running `slate serve`: its process and the URLs it printed.
  struct Server {
    let process: Process
    let banner: String
    let urls: [String]

    func stop() -> Int32 {
      process.terminate()
      process.waitUntilExit()
      return process.terminationStatus
    }
  }

  static func serve(_ arguments: [String]) throws -> Server? {
    guard let binary = SlateCLI.binary else { return nil }
    let process = Process()
    process.executableURL = binary
    process.arguments = ["serve"] + arguments
    process.currentDirectoryURL = SharedFixtures.projectRoot
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    // The banner, then one URL per line: read until a line that is not a URL follows, or
    // every file's URL came (the output is flushed once, after the last URL).
    var text = ""
    let deadline = Date().addingTimeInterval(60)
    while Date() < deadline {
      let data = output.fileHandleForReading.availableData
      if data.isEmpty { break }
      text += String(decoding: data, as: UTF8.self)
      let lines = text.split(separator: "\n")
      if let first = lines.first, let count = Int(first.split(separator: " ")[1]), lines.count == count + 1,
        text.hasSuffix("\n")
      {
        break
      }
    }
    let lines = text.split(separator: "\n").map(String.init(_:))
    return Server(process: process, banner: lines.first ?? "", urls: Array(lines.dropFirst()))
  }

  /// `line` without its `"elapsed_ms"` member (which must be its last, a number).
  static func unstamped(_ line: String) -> String? {
    guard let range = line.range(of: #","elapsed_ms":"#, options: .backwards), line.hasSuffix("}") else { return nil }
    let number = line[range.upperBound..<line.index(before: line.endIndex)]
    guard Double(number) != nil else { return nil }
    return String(line[..<range.lowerBound]) + "}"
  }

  @Test func actionsOfAURLAreTheActionsOfTheFile() throws {
    guard let server = try Self.serve(["Corpus/anthropic", "--port", "0", "--pace", "fast"]) else { return }
    #expect(server.banner.hasPrefix("serving "), "\(server.banner)")
    #expect(server.banner.hasSuffix("(pace fast)"))
    #expect(server.urls.allSatisfy { $0.hasPrefix("http://127.0.0.1:") })
    let names = ["clean.sse", "cut-in-action.sse", "tool-calls.sse", "provider-error.sse"]
    for name in names {
      let url = try #require(server.urls.first { $0.hasSuffix("/" + name) }, "\(name) not served: \(server.urls)")
      let common = ["--dialect", "anthropic", "--schema", "Corpus/schemas/film.json", "--json"]
      guard let file = try SlateCLI.run(["actions", "Corpus/anthropic/\(name)"] + common),
        let http = try SlateCLI.run(["actions", url] + common + ["--chunk-size", "7", "--chunk-seed", "3"])
      else { return }
      #expect(http.status == file.status, "\(name): \(http.errorOutput)")
      let stripped = http.lines.map(Self.unstamped)
      #expect(stripped.allSatisfy { $0 != nil }, "\(name): a line without elapsed_ms: \(http.lines)")
      #expect(stripped.compactMap { $0 } == file.lines, "\(name)")
      // Readable output: each line ends with the time since the request.
      guard let text = try SlateCLI.run(["actions", url, "--dialect", "anthropic"]) else { return }
      #expect(!text.lines.isEmpty && text.lines.allSatisfy { $0.hasSuffix(" ms") && $0.contains(" +") }, "\(text.lines)")
    }
    #expect(server.stop() == 0, "SIGTERM ends slate serve with exit 0")
  }

  @Test func replayOfAURLIsTheReplayOfTheFile() throws {
    guard let server = try Self.serve(["Corpus/openai-chat/clean.sse", "--pace", "200/s"]) else { return }
    #expect(server.urls.count == 1)
    let url = try #require(server.urls.first)
    guard let file = try SlateCLI.run(["replay", "Corpus/openai-chat/clean.sse", "--json"]),
      let http = try SlateCLI.run(["replay", url, "--json"])
    else { return }
    #expect(http.status == file.status, "\(http.errorOutput)")
    let parser = SimdjsonParser()
    let fromFile = try parser.parse(try #require(file.lines.last))
    let fromURL = try parser.parse(try #require(http.lines.last))
    for key in ["turn", "status", "actions", "applied", "duplicates", "rejected", "keys", "effects", "audit"] {
      #expect(fromURL[key] == fromFile[key], "\(key)")
    }
    #expect(fromURL["http"] == .array([]))
    let elapsed = try #require(fromURL["elapsed_ms"]?.arrayValue)
    // One time per handler call (the plan action is applied without one).
    let applied = try #require(fromFile["applied"]?.numberValue.flatMap { Int($0.lexeme) })
    #expect(elapsed.count >= 1 && elapsed.count <= applied, "\(elapsed.count) handler calls, \(applied) applied")
    #expect(fromURL["first_action_ms"] == elapsed.first?["elapsed_ms"])
    #expect(server.stop() == 0)
  }

  @Test func httpProblemsAreDiagnosticsAndExit1() throws {
    guard let server = try Self.serve(["Corpus/text", "--pace", "fast"]) else { return }
    let url = try #require(server.urls.first)
    let base = url[..<url.range(of: "/", options: .backwards)!.lowerBound]
    guard let missing = try SlateCLI.run(["actions", base + "/nope.sse", "--json"]) else { return }
    #expect(missing.status == 1)
    #expect(missing.lines.first?.contains(#""code":"http.status""#) == true, "\(missing.lines)")
    #expect(missing.lines.last?.contains(#""kind":"summary""#) == true)
    #expect(server.stop() == 0)
    guard let refused = try SlateCLI.run(["serve", "Corpus/text", "--pace", "slow"]) else { return }
    #expect(refused.status == 2)
  }
}
