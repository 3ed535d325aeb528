import Foundation
import SlateTestSupport
import Testing

/// `slate corpus check`, run as a process: the committed corpus and the real recordings
/// match their goldens whole and rechunked; a changed byte, a missing or stray golden fail.
@Suite(.serialized) struct CorpusCheckTests {
  /// A scratch corpus holding `files` (paths relative to `Corpus/`) copied from the project.
  static func scratch(_ files: [String]) throws -> URL {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("slate-corpus-check-\(UUID().uuidString)")
    for file in files {
      let target = root.appendingPathComponent(file)
      try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
      try FileManager.default.copyItem(at: SharedFixtures.projectRoot.appendingPathComponent("Corpus/\(file)"), to: target)
    }
    return root
  }

  /// `slate corpus check [OPTIONS] ROOT` without the real recordings; nil without a binary.
  static func check(_ root: URL, _ options: [String] = []) throws -> SlateCLI.Result? {
    try SlateCLI.run(["corpus", "check"] + options + [root.path, "--real", "/nonexistent-slate-recordings"])
  }

  @Test func theCommittedCorpusAndTheRecordingsMatchTheirGoldens() throws {
    guard let result = try SlateCLI.run(["corpus", "check"]) else { return }
    #expect(result.status == 0, "\(result.lines.suffix(20).joined(separator: "\n"))")
    #expect(result.lines.last?.hasSuffix("all match") == true)
    let rows = result.lines.filter { $0.hasSuffix(" ok  ok") || $0.hasSuffix("ok     ok") }
    let expected = 57 + (SharedFixtures.shared == nil ? 0 : 30)
    #expect(result.lines.first { $0.hasPrefix("stream ") }?.contains("rechunked") == true)
    #expect(rows.count == expected, "one matching row per stream")
  }

  @Test func aGoldenWithOneByteChangedFails() throws {
    let root = try Self.scratch(["anthropic/tool-calls.sse", "anthropic/tool-calls.expected.json"])
    defer { try? FileManager.default.removeItem(at: root) }
    guard let clean = try Self.check(root) else { return }
    #expect(clean.status == 0)
    #expect(clean.errorOutput.contains("skipping the real recordings"))

    let golden = root.appendingPathComponent("anthropic/tool-calls.expected.json")
    var bytes = Array(try Data(contentsOf: golden))
    let i = try #require(bytes.indices.first { bytes[$0] == UInt8(ascii: "7") && $0 > 200 })
    bytes[i] = UInt8(ascii: "8")
    try Data(bytes).write(to: golden)
    let changed = try #require(try Self.check(root))
    #expect(changed.status == 1)
    #expect(changed.lines.contains { $0.contains("DIFF") })
    #expect(changed.lines.contains { $0.contains("golden line") })
    #expect(changed.lines.contains { $0.hasPrefix("    golden:") } && changed.lines.contains { $0.hasPrefix("    output:") })

    // --update rewrites it from the stream; then it matches again.
    let update = try #require(try Self.check(root, ["--update"]))
    #expect(update.status == 0)
    #expect(try Self.check(root)?.status == 0)
    #expect(Array(try Data(contentsOf: golden)) == Array(try Data(contentsOf:
      SharedFixtures.projectRoot.appendingPathComponent("Corpus/anthropic/tool-calls.expected.json"))))
  }

  @Test func aMissingOrStrayGoldenFails() throws {
    let root = try Self.scratch(["gemini/clean.sse", "text/clean.expected.json"])
    defer { try? FileManager.default.removeItem(at: root) }
    guard let result = try Self.check(root) else { return }
    #expect(result.status == 1)
    #expect(result.lines.contains { $0.contains("MISSING") })
    #expect(result.lines.contains { $0.contains("gemini/clean.expected.json is missing") })
    #expect(result.lines.contains { $0.contains("text/clean.expected.json: a golden whose stream is gone") })
  }

  @Test func usageAndIOErrorsExitWithTwo() throws {
    guard let missing = try SlateCLI.run(["corpus", "check", "/nonexistent-slate-corpus"]) else { return }
    #expect(missing.status == 2)
    let root = try Self.scratch(["text/clean.sse"])
    defer { try? FileManager.default.removeItem(at: root) }
    try Data("{\"args\": 3}".utf8).write(to: root.appendingPathComponent("text/clean.expected.json"))
    #expect(try Self.check(root)?.status == 2)
    try Data(#"{"args": ["--dialect", "klingon"], "lines": []}"#.utf8).write(to: root.appendingPathComponent("text/clean.expected.json"))
    let bad = try #require(try Self.check(root))
    #expect(bad.status == 2)
    #expect(bad.errorOutput.contains("klingon"))
    #expect(try SlateCLI.run(["corpus", "generate", "--actions", "0", "--dialect", "text"])?.status == 2)
    #expect(try SlateCLI.run(["corpus", "generate", "--actions", "3", "--dialect", "text", "--tool-calls"])?.status == 2)
  }

  @Test func generateWritesABigStreamToStandardOutput() throws {
    guard let result = try SlateCLI.run(["corpus", "generate", "--dialect", "text", "--actions", "40", "--ndjson"]) else { return }
    #expect(result.status == 0)
    #expect(result.lines.count == 40)
    #expect(result.lines.first?.hasPrefix(#"{"type": "plan""#) == true)
  }
}
