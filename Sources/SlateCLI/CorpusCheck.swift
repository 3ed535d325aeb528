import ArgumentParser
import Slate
import SlateFilm
import SlateJSON

/// `slate corpus check`: every stream of a corpus against its golden output.
///
/// A golden (`NAME.expected.json` beside `NAME.sse`; for the real recordings,
/// `DIR/real/<dialect>/NAME.expected.json`) is `{"args": […], "lines": […]}`: the `slate
/// actions` arguments that produce it (without the stream's path; relative paths are
/// relative to the current directory, the project root) and the JSON output lines, one
/// per line of the file. Each stream is run whole, in 1-byte chunks and in three seeded
/// random chunkings; every run must give the golden's lines (compared as JSON values).
struct CorpusCheck {
  /// One stream and its golden.
  struct Entry {
    /// How the table names it: `openai-chat/clean.sse`, `real/anthropic/….sse`.
    var label: String
    var dialect: String
    var stream: String
    var golden: String
    /// The arguments of a golden written for the first time.
    var defaultArgs: [String]
  }

  /// What one stream gave.
  struct Outcome {
    var entry: Entry
    var summary: TurnSummary?
    /// Whether the whole run matched the golden; nil when there was none to compare.
    var whole: Bool?
    /// Whether every rechunked run gave the whole run's lines.
    var rechunked: Bool
    /// The first difference, for the report.
    var difference: String?
  }

  /// The ways each stream is fed: whole, 1-byte chunks, three seeded random chunkings.
  static let chunkings: [(name: String, chunking: Chunking)] = [
    ("whole", .whole), ("1-byte", .fixed(1)),
    ("random seed 1", .random(maxSize: 64, seed: 1)), ("random seed 2", .random(maxSize: 64, seed: 2)),
    ("random seed 3", .random(maxSize: 256, seed: 3)),
  ]

  /// The dialect folders a corpus has.
  static let dialects = ["openai-chat", "openai-responses", "anthropic", "gemini", "text"]

  var directory: String
  var real: String?
  var schema: String

  /// The corpus streams (`DIR/<dialect>/*.sse`) and, when `real` is given, the recordings
  /// (`REAL/<dialect>/*.sse`, goldens under `DIR/real/`); goldens without a stream are
  /// reported by ``strayGoldens()``.
  func entries() -> [Entry] {
    var entries: [Entry] = []
    for dialect in Self.dialects {
      for name in CLIIO.listDirectory("\(directory)/\(dialect)") where name.hasSuffix(".sse") {
        let base = String(name.dropLast(4))
        entries.append(Entry(label: "\(dialect)/\(name)", dialect: dialect, stream: "\(directory)/\(dialect)/\(name)",
                             golden: "\(directory)/\(dialect)/\(base).expected.json",
                             defaultArgs: ["--dialect", dialect, "--schema", schema, "--json"]))
      }
    }
    guard let real else { return entries }
    for dialect in Self.dialects {
      for name in CLIIO.listDirectory("\(real)/\(dialect)") where name.hasSuffix(".sse") {
        let base = String(name.dropLast(4))
        entries.append(Entry(label: "real/\(dialect)/\(name)", dialect: dialect, stream: "\(real)/\(dialect)/\(name)",
                             golden: "\(directory)/real/\(dialect)/\(base).expected.json",
                             defaultArgs: ["--dialect", dialect, "--json"]))
      }
    }
    return entries
  }

  /// Goldens whose stream is gone.
  func strayGoldens(_ entries: [Entry]) -> [String] {
    let known = Set(entries.map(\.golden))
    var folders = Self.dialects.map { "\(directory)/\($0)" }
    if real != nil { folders += Self.dialects.map { "\(directory)/real/\($0)" } }
    return folders.flatMap { folder in
      CLIIO.listDirectory(folder).filter { $0.hasSuffix(".expected.json") }.map { "\(folder)/\($0)" }
    }.filter { !known.contains($0) }
  }

  /// Runs `entry` in every chunking and compares with its golden; with `update`, writes
  /// the golden from the whole run first (keeping an existing golden's arguments).
  func check(_ entry: Entry, update: Bool) throws -> Outcome {
    let goldenExists = CLIIO.listDirectory(Self.folder(of: entry.golden)).contains(Self.name(of: entry.golden))
    var golden: Golden?
    if goldenExists {
      golden = try Golden(bytes: try CLIIO.readAll(entry.golden), path: entry.golden)
    }
    let args = golden?.args ?? entry.defaultArgs
    let setup: ActionsSetup
    do {
      setup = try ActionsCommand.parse(args).setup()
    } catch let error as ExitCode {
      throw error
    } catch {
      CLIIO.fail("\(entry.golden): the arguments \(args) are not valid for slate actions: \(ActionsCommand.message(for: error))")
    }
    let bytes = try CLIIO.readAll(entry.stream)
    let (whole, summary) = setup.lines(bytes, chunking: .whole)
    var outcome = Outcome(entry: entry, summary: summary, whole: nil, rechunked: true)
    for (name, chunking) in Self.chunkings.dropFirst() {
      let lines = setup.lines(bytes, chunking: chunking).lines
      if let difference = Self.firstDifference(expected: whole, got: lines, label: "whole", against: name) {
        outcome.rechunked = false
        outcome.difference = outcome.difference ?? difference
      }
    }
    if update {
      try CLIIO.makeDirectories(Self.folder(of: entry.golden))
      try CLIIO.writeAll(Golden.text(args: args, lines: whole), to: entry.golden)
      golden = Golden(args: args, lines: whole.map(Self.parse))
    }
    guard let golden else {
      outcome.difference = outcome.difference ?? "\(entry.golden) is missing: run `slate corpus check --update`"
      return outcome
    }
    let got = whole.map(Self.parse)
    if let difference = Self.firstDifference(golden: golden.lines, got: got, lines: whole) {
      outcome.whole = false
      outcome.difference = difference
    } else {
      outcome.whole = true
    }
    return outcome
  }

  static func parse(_ line: String) -> JSONValue {
    (try? SimdjsonParser().parse(line)) ?? .string(line)
  }

  /// The first line where `got` differs from the golden, described; nil when equal.
  static func firstDifference(golden: [JSONValue], got: [JSONValue], lines: [String]) -> String? {
    for i in 0..<max(golden.count, got.count) {
      let expected: JSONValue? = i < golden.count ? golden[i] : nil
      let actual: JSONValue? = i < got.count ? got[i] : nil
      if expected != actual {
        return "golden line \(i + 1):\n    golden: \(expected.map { $0.text() } ?? "(none)")\n    output: \(i < lines.count ? lines[i] : "(none)")"
      }
    }
    return nil
  }

  /// The first line where two runs differ, described; nil when equal.
  static func firstDifference(expected: [String], got: [String], label: String, against name: String) -> String? {
    for i in 0..<max(expected.count, got.count) where (i < expected.count ? expected[i] : nil) != (i < got.count ? got[i] : nil) {
      return "line \(i + 1) of the \(name) run differs from the \(label) run:\n    \(label): \(i < expected.count ? expected[i] : "(none)")\n    \(name): \(i < got.count ? got[i] : "(none)")"
    }
    return nil
  }

  static func folder(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return String(path[..<slash])
  }

  static func name(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return path }
    return String(path[path.index(after: slash)...])
  }
}

/// A golden file: the `slate actions` arguments and the expected JSON lines.
struct Golden {
  var args: [String]
  var lines: [JSONValue]

  init(args: [String], lines: [JSONValue]) {
    self.args = args
    self.lines = lines
  }

  /// Reads a golden; a malformed one is exit 2 with the reason.
  init(bytes: [UInt8], path: String) throws {
    guard let document = try? SimdjsonParser().parse(bytes),
          let args = document["args"]?.arrayValue?.compactMap(\.stringValue), args.count == document["args"]?.arrayValue?.count,
          let lines = document["lines"]?.arrayValue
    else { CLIIO.fail("\(path): expected a JSON object {\"args\": [strings], \"lines\": [objects]}") }
    self.args = args
    self.lines = lines
  }

  /// The file's text: the arguments on one line, then each output line on its own line.
  static func text(args: [String], lines: [String]) -> [UInt8] {
    var out = "{\n  \"args\": [" + args.map { JSONValue.string($0).text() }.joined(separator: ", ") + "],\n  \"lines\": ["
    for (i, line) in lines.enumerated() { out += (i == 0 ? "\n    " : ",\n    ") + line }
    out += lines.isEmpty ? "]\n}\n" : "\n  ]\n}\n"
    return Array(out.utf8)
  }
}
