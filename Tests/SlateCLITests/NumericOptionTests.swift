import Foundation
import SlateTestSupport
import Testing

/// Every numeric option of every command, at its minimum, its maximum, one past each, 0,
/// -1, `inf`, `nan` and a 30-digit value: a value in range runs the command (exit 0, or 1
/// when a small limit cuts the input short; never 2), a value out of range is a usage error
/// (exit 2) naming the range, and nothing crashes. Runs the built `slate` binary on small
/// inputs, several processes at once.
@Suite struct NumericOptionTests {
  /// One numeric option of one command: how to run it, its range's ends as the option
  /// spells them, and what lies just past them.
  struct Case: Sendable {
    var command: [String]
    var option: String
    /// Arguments after the value (another option the value needs).
    var after: [String] = []
    var inRange: [String]
    var outOfRange: [String]
  }

  static let huge = "123456789012345678901234567890"
  static let always = ["0", "-1", "inf", "nan", huge, "1.5"]

  static func integer(_ command: [String], _ option: String, _ low: Int, _ high: Int, after: [String] = [],
                      testHigh: Bool = true) -> Case
  {
    let candidates = Set(always + [String(low - 1), String(high + 1)])
    let inRange = [String(low)] + (testHigh ? [String(high)] : [])
    return Case(command: command, option: option, after: after, inRange: inRange,
                outOfRange: candidates.filter { Int($0).map { !(low...high).contains($0) } ?? true }.sorted())
  }

  static var cases: [Case] {
    let json = ["json", input("json", "[[1],{\"a\":[2]}]")]
    let sse = "Corpus/text/clean.sse"
    let events = ["events", "Corpus/openai-chat/cut-in-action.sse"]
    let actions = ["actions", sse, "--dialect", "text"]
    let inspect = ["inspect", sse, "--dialect", "text", "--around", "10"]
    let replay = ["replay", "Corpus/text/clean.sse", "--dialect", "text"]
    let generate = ["corpus", "generate", "--dialect", "text", "--actions", "2"]
    let bytes = 1 << 40
    var cases = [
      integer(json, "--max-depth", 1, 1_000_000),
      integer(events, "--max-line-bytes", 1, bytes),
      integer(events, "--max-event-bytes", 1, bytes),
      integer(events, "--chunk-size", 1, 1 << 30),
      integer(actions, "--max-depth", 1, 1_000_000),
      integer(actions, "--max-evaluation-depth", 1, 10_000_000),
      integer(actions, "--max-value-bytes", 1, bytes),
      integer(actions, "--max-values", 1, bytes),
      integer(actions, "--max-actions", 1, bytes),
      integer(actions, "--chunk-size", 1, 1 << 30),
      integer(["inspect", sse, "--dialect", "text"], "--around", 0, 1 << 48),
      integer(inspect, "--window", 0, 1 << 48),
      integer(replay, "--chunk-size", 1, 1 << 30),
      integer(replay, "--max-actions", 1, bytes),
      integer(["recover", "nope"], "--max-actions", 1, bytes),
      // The maximum writes a million actions: too slow for a unit test.
      integer(["corpus", "generate", "--dialect", "text"], "--actions", 1, 1_000_000, testHigh: false),
    ]
    let seeds = ["0", String(UInt64.max)]
    let pastSeeds = ["-1", "18446744073709551616", "inf", "nan", huge]
    cases.append(Case(command: events, option: "--chunk-seed", after: ["--chunk-size", "7"], inRange: seeds, outOfRange: pastSeeds))
    cases.append(Case(command: generate, option: "--seed", inRange: seeds, outOfRange: pastSeeds))
    cases.append(Case(command: generate, option: "--delta-sizes", inRange: ["1-1", "1-1048576", "3-3"],
                      outOfRange: ["0-5", "1-1048577", "-1-5", "5-4", "inf-5", "1-nan", huge + "-" + huge]))
    let durations = ["1ms", "0.001", "86400s", "86400000ms", "1.5"]
    let pastDurations = ["0", "0.999ms", "86400.001", "-1", "inf", "nan", "1e300", huge, "ms", ".5", "0x10"]
    cases.append(Case(command: replay, option: "--lease", inRange: durations, outOfRange: pastDurations))
    cases.append(Case(command: ["recover", "nope"], option: "--lease", inRange: ["1ms", "86400s"], outOfRange: pastDurations))
    return cases
  }

  /// A small input file holding `text`.
  static func input(_ name: String, _ text: String) -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("slate-options-\(getpid())-\(name)").path
    _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
    return path
  }

  struct Run: Sendable {
    var arguments: [String]
    var inRange: Bool
  }

  @Test func everyNumericOptionIsParsedIntoItsRange() throws {
    guard SlateCLI.binary != nil else { return }
    var runs: [Run] = []
    for c in Self.cases {
      for value in c.inRange { runs.append(Run(arguments: c.command + [c.option, value] + c.after, inRange: true)) }
      for value in c.outOfRange { runs.append(Run(arguments: c.command + [c.option, value] + c.after, inRange: false)) }
    }
    let results = Self.runAll(runs)
    for (run, result) in zip(runs, results) {
      guard let result else { continue }
      let shown = run.arguments.joined(separator: " ")
      #expect(!result.signaled, "\(shown): died of signal \(result.status)\n\(result.errorOutput)")
      if run.inRange {
        #expect(result.status == 0 || result.status == 1, "\(shown): exit \(result.status)\n\(result.errorOutput)")
      } else {
        #expect(result.status == 2, "\(shown): exit \(result.status)\n\(result.errorOutput)")
        #expect(result.errorOutput.contains(" to ") || result.errorOutput.contains("≤"),
                "\(shown): the usage error should name the range: \(result.errorOutput)")
      }
    }
  }

  /// Runs every run, four processes at a time, in order of `runs`.
  static func runAll(_ runs: [Run]) -> [SlateCLI.Result?] {
    // Four at a time: most runs end at the usage error, so process start-up dominates.
    let results = Results(count: runs.count)
    DispatchQueue.concurrentPerform(iterations: 4) { worker in
      for i in stride(from: worker, to: runs.count, by: 4) {
        results.set(i, try? SlateCLI.run(runs[i].arguments, timeout: 120))
      }
    }
    return results.values
  }

  final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [SlateCLI.Result?]
    init(count: Int) { storage = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: SlateCLI.Result?) { lock.withLock { storage[i] = value } }
    var values: [SlateCLI.Result?] { lock.withLock { storage } }
  }
}

/// `slate json` on a million nested arrays with a matching `--max-depth`: parsed, written
/// canonically and freed without recursion (no crash); one level more is exit 1.
@Suite struct DeepDocumentCommandTests {
  @Test func slateJSONHandlesAMillionLevels() throws {
    let depth = 1_000_000
    let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    let path = NumericOptionTests.input("deep", text)
    guard let result = try SlateCLI.run(["json", path, "--max-depth", String(depth)], timeout: 600) else { return }
    #expect(!result.signaled && result.status == 0, "exit \(result.status): \(result.errorOutput.prefix(300))")
    #expect(result.lines == [text])
    let refused = try #require(try SlateCLI.run(["json", path, "--max-depth", String(depth - 1)], timeout: 600))
    #expect(refused.status == 1 && refused.errorOutput.contains("json.depth_exceeded"), "\(refused.errorOutput.prefix(300))")
  }

  /// `slate actions --schema` frames and validates an action whose member nests a million
  /// levels (with the object, the framer's limit), against a recursive schema: each level
  /// is two evaluations, so the innermost array is evaluated at depth 2,000,000. At that
  /// evaluation limit the action is accepted, without a crash (the limit's exactness is
  /// `DeepValidationTests`' business).
  @Test func slateActionsValidatesAMillionLevels() throws {
    let depth = 1_000_000
    let text = "{\"type\":\"deep\",\"v\":" + String(repeating: "[", count: depth - 1) + String(repeating: "]", count: depth - 1) + "}"
    let path = NumericOptionTests.input("deep-validated", text)
    let pack = NumericOptionTests.input("deep-pack", ##"""
      {"name":"deep","version":"1","$defs":{"nest":{"type":"array","items":{"$ref":"#/$defs/nest"}}},
       "x-slate-actions":{"deep":{"type":"object","properties":{"v":{"$ref":"#/$defs/nest"}}}}}
      """##)
    for (limit, accepted) in [(2_000_000, true)] {
      guard let result = try SlateCLI.run(["actions", path, "--dialect", "text", "--framing", "value", "--schema", pack,
                                           "--max-depth", String(depth), "--max-evaluation-depth", String(limit), "--json"],
                                          timeout: 600) else { return }
      #expect(!result.signaled && result.status == (accepted ? 0 : 1), "exit \(result.status): \(result.errorOutput.prefix(300))")
      let summary = result.lines.last ?? ""
      #expect(summary.contains(accepted ? "\"actions\":1" : "\"rejected\":1"), "\(summary.prefix(300))")
      #expect(accepted || result.lines.contains { $0.contains("schema.depth_exceeded") })
    }
  }

  /// `slate actions` frees the values it printed without recursion (50,000 levels crashed
  /// a recursive free).
  @Test func slateActionsHandlesDeepValues() throws {
    let depth = 300_000
    let path = NumericOptionTests.input("deep-actions", String(repeating: "[", count: depth) + String(repeating: "]", count: depth))
    guard let result = try SlateCLI.run(["actions", path, "--dialect", "text", "--framing", "value", "--max-depth", String(depth),
                                         "--json"], timeout: 600) else { return }
    #expect(!result.signaled && result.status == 0, "exit \(result.status): \(result.errorOutput.prefix(300))")
    #expect(result.lines.count == 2 && result.lines.last?.contains("\"status\":\"complete\"") == true)
  }
}
