import Foundation
import SlateCore
import SlateTestSupport
import Testing

/// `slate inspect` prints each entry as soon as nothing earlier can follow, keeping only
/// recent bytes: its output, fed in any chunking, is the same as holding every entry to
/// the end and sorting them (`--hold-all`, the reference), on every Corpus stream and real
/// recording, readable and as JSON, with and without a pack, and around an offset.
@Suite struct InspectStreamingTests {
  /// Every `.sse` under `Corpus/` and `../shared/corpus-real`, by path.
  static func streams() throws -> [String] {
    let root = SharedFixtures.projectRoot
    var paths: [String] = []
    if let walker = FileManager.default.enumerator(atPath: root.appendingPathComponent("Corpus").path) {
      for case let name as String in walker where name.hasSuffix(".sse") { paths.append("Corpus/" + name) }
    }
    if let shared = SharedFixtures.shared, let walker = FileManager.default.enumerator(atPath: shared.appendingPathComponent("corpus-real").path) {
      for case let name as String in walker where name.hasSuffix(".sse") {
        paths.append(shared.appendingPathComponent("corpus-real/" + name).path)
      }
    }
    return paths.sorted()
  }

  /// `inspect ARGS` windowed in each chunking equals `inspect ARGS --hold-all`.
  static func expectSameAsHeld(_ arguments: [String], chunkings: [[String]]) throws {
    guard let reference = try SlateCLI.run(["inspect", "--no-color", "--hold-all"] + arguments) else { return }
    #expect(reference.status != 2, "\(arguments)")
    for chunking in chunkings {
      guard let windowed = try SlateCLI.run(["inspect", "--no-color"] + arguments + chunking) else { return }
      #expect(windowed.lines == reference.lines && windowed.status == reference.status, "\(arguments + chunking)")
    }
  }

  @Test func everyStreamIsPrintedAsIfSortedAtTheEnd() throws {
    let paths = try Self.streams()
    #expect(paths.count > 60)
    for path in paths {
      try Self.expectSameAsHeld([path], chunkings: [[], ["--chunk-size", "1"]])
      try Self.expectSameAsHeld(["--json", path], chunkings: [["--chunk-size", "61", "--chunk-seed", "3"]])
    }
  }

  @Test func withThePackAndAroundAnOffset() throws {
    let paths = try Self.streams().filter { $0.hasPrefix("Corpus/text/") || $0.hasPrefix("Corpus/turns/") }
    #expect(!paths.isEmpty)
    for path in paths {
      let pack = ["--schema", "Corpus/schemas/film.json"]
      try Self.expectSameAsHeld(pack + [path], chunkings: [["--chunk-size", "1"], ["--chunk-size", "97", "--chunk-seed", "11"]])
      try Self.expectSameAsHeld(pack + ["--json", path], chunkings: [["--chunk-size", "13", "--chunk-seed", "5"]])
      try Self.expectSameAsHeld(pack + ["--around", "600", "--window", "300", path], chunkings: [["--chunk-size", "1"]])
    }
  }

  /// Hostile inputs: bytes that are not UTF-8, a cut multi-byte character, a line past the
  /// SSE limits, random bytes; from a pipe in several chunkings.
  @Test func hostileInputsAsIfSortedAtTheEnd() throws {
    var seeded = SplitMix64(seed: 42)
    var inputs: [[UInt8]] = []
    inputs.append(Array("data: {\"choices\":[{\"delta\":{\"content\":\"[{\\\"type\\\":\\\"x\\\",\"}}]}\n\n".utf8) + [0xFF, 0xC3, 0x0A, 0x0A]
                  + Array("data: {\"choices\":[{\"delta\":{\"content\":\"é\\\"}]\"}}]}\n\ndata: [DONE]\n\n".utf8))
    inputs.append(Array("[{\"type\":\"a\",\"n\":1} {\"type\":\"b\"} 12 tru".utf8))
    inputs.append((0..<5000).map { _ in UInt8(truncatingIfNeeded: seeded.next()) })
    inputs.append(Array("data: ".utf8) + [UInt8](repeating: 0x41, count: 200_000) + Array("\n\ndata: {\"type\":\"ping\"}\n\n".utf8))
    // A text past the text dialect's 64 KiB lag: values, prose-like junk inside strings, a bad literal.
    inputs.append(Array(("[" + (0..<6000).map { #"{"type":"a","n":\#($0),"s":"\u00e9\t"},"# }.joined()
                         + #"{"type":"b","x":tru}]"#).utf8))
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("slate-inspect-\(getpid())")
    defer { try? FileManager.default.removeItem(at: file) }
    for input in inputs {
      try Data(input).write(to: file)
      try Self.expectSameAsHeld([file.path], chunkings: [[], ["--chunk-size", input.count > 100_000 ? "7" : "1"],
                                                        ["--chunk-size", "50", "--chunk-seed", "9"]])
      try Self.expectSameAsHeld(["--json", "--dialect", "text", file.path], chunkings: [["--chunk-size", "3"]])
    }
  }
}

