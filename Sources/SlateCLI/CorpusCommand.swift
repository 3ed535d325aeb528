import ArgumentParser
import Slate
import SlateFilm
import SlateJSON

/// `slate corpus`: the synthetic stream corpus (`Corpus/<dialect>/<scenario>.sse`).
struct CorpusCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "corpus",
    abstract: "Generate the synthetic stream corpus, or check every stream against its golden output.",
    subcommands: [CorpusGenerateCommand.self, CorpusCheckCommand.self]
  )
}

/// `slate corpus generate [DIR]` writes the committed synthetic set; with `--actions N` it
/// writes one big stream of N film actions to standard output instead.
struct CorpusGenerateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "generate",
    abstract: "Write the synthetic corpus (DIR/<dialect>/<scenario>.sse), or one big stream to standard output.",
    discussion: """
      Without --actions: writes every scenario in every dialect where it applies into DIR \
      (default Corpus), one line per file on standard output (path, bytes, intended status, \
      actions), and names the .sse files in those folders that the generator does not \
      write (left alone). The output is the same on every run and platform.
      With --actions N: writes one complete turn of N film actions in --dialect D to \
      standard output as it is generated (in O(N) time; memory does not grow with N, \
      except with --tool-calls in openai-responses, whose last event repeats every call), \
      as answer text (a JSON array; NDJSON with --ndjson) or, with \
      --tool-calls, one tool call per action. Big streams are for tests and benchmarks; do \
      not commit them.
      Exit codes: 0 written; 2 usage or I/O errors.
      """
  )

  @Argument(help: "The corpus folder (without --actions).")
  var directory: String = "Corpus"

  @Option(help: "The dialect of the big stream: openai-chat, openai-responses, anthropic, gemini or text.")
  var dialect: String?

  @Option(parsing: .unconditional, help: ArgumentHelp("Write one big stream of N actions (1 to 1000000) to standard output.", valueName: "N"),
          transform: OptionValues.integer(OptionRanges.generatedActions))
  var actions: Int?

  @Flag(help: "Carry the actions as tool calls (not in the text dialect).")
  var toolCalls = false

  @Flag(help: "List the files written as JSON lines {\"path\",\"bytes\"} instead of text.")
  var json = false

  @Flag(help: "Lay out the answer text as NDJSON instead of a JSON array.")
  var ndjson = false

  @Option(parsing: .unconditional, help: "The generator's seed (0 to 2^64-1).", transform: OptionValues.seed)
  var seed: UInt64 = SyntheticCorpus.committedSeed

  @Option(parsing: .unconditional, help: ArgumentHelp("Delta sizes in characters, MIN-MAX with 1 ≤ MIN ≤ MAX ≤ 2^20 (big streams).", valueName: "MIN-MAX"))
  var deltaSizes: String = "8-32"

  func validate() throws {
    guard actions != nil else {
      if dialect != nil || toolCalls || ndjson { throw ValidationError("--dialect, --tool-calls and --ndjson need --actions N") }
      return
    }
    guard let dialect, let kind = DialectKind(rawValue: dialect), SyntheticCorpus.dialects.contains(kind) else {
      throw ValidationError("--actions needs --dialect, one of: \(SyntheticCorpus.dialects.map(\.rawValue).joined(separator: ", "))")
    }
    if kind == .text && toolCalls { throw ValidationError("the text dialect has no tool calls") }
    if toolCalls && ndjson { throw ValidationError("--tool-calls and --ndjson exclude each other") }
    guard sizes != nil else { throw ValidationError("--delta-sizes must be MIN-MAX with 1 ≤ MIN ≤ MAX ≤ \(OptionRanges.deltaSize.upperBound), got '\(deltaSizes)'") }
  }

  /// `--delta-sizes` parsed.
  var sizes: DeltaSizes? {
    let parts = deltaSizes.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
    guard parts.count == 2, let low = parts[0], let high = parts[1], OptionRanges.deltaSize.contains(low),
          OptionRanges.deltaSize.contains(high), low <= high else { return nil }
    return DeltaSizes(low...high)
  }

  func run() throws {
    if let actions, let dialect = dialect.flatMap(DialectKind.init(rawValue:)), let sizes {
      let form: ContentForm = toolCalls ? .toolCalls : .answer(ndjson ? .ndjson : .array)
      // Written as it is generated, in blocks: memory does not grow with N.
      let output = OutputWriter(lineBuffered: false)
      guard SyntheticCorpus.write(dialect: dialect, actions: actions, form: form, seed: seed, deltaSizes: sizes, to: { output.append($0) }) != nil
      else { throw ValidationError("no \(dialect) stream of that form") }
      output.flush()
      return
    }
    let streams = SyntheticCorpus.committed(seed: seed)
    for stream in streams {
      try CLIIO.makeDirectories("\(directory)/\(stream.dialect.rawValue)")
      try CLIIO.writeAll(stream.bytes, to: "\(directory)/\(stream.path)")
      report(stream.path, stream.bytes.count, "\(stream.intent.status.name)\t\(stream.intent.actions.count) actions")
    }
    for turn in SyntheticCorpus.committedTurns(seed: seed) {
      let folder = "\(directory)/turns/\(turn.name)"
      try CLIIO.makeDirectories(folder)
      for file in turn.files {
        try CLIIO.writeAll(file.bytes, to: "\(folder)/\(file.path)")
        report("turns/\(turn.name)/\(file.path)", file.bytes.count, nil)
      }
    }
    let written = Set(streams.map(\.path))
    for dialect in SyntheticCorpus.dialects {
      for name in CLIIO.listDirectory("\(directory)/\(dialect.rawValue)") where name.hasSuffix(".sse") {
        let path = "\(dialect.rawValue)/\(name)"
        if !written.contains(path) { CLIIO.printError("slate: not generated (left alone): \(path)") }
      }
    }
  }

  /// One line per file written.
  func report(_ path: String, _ bytes: Int, _ note: String?) {
    guard json else { return print("\(path)\t\(bytes) bytes" + (note.map { "\t\($0)" } ?? "")) }
    var line = JSONLine()
    line.add("path", .string(path))
    line.add("bytes", .number(JSONNumber(bytes)))
    print(line.text)
  }
}

/// `slate corpus check [DIR]`: every stream of the corpus (and the real recordings, when
/// their folder exists) against its golden `slate actions --json` output, whole and
/// rechunked; a table, and exit 1 on any difference.
struct CorpusCheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Run every corpus stream against its golden output, whole and rechunked.",
    discussion: """
      Each DIR/<dialect>/NAME.sse is checked against DIR/<dialect>/NAME.expected.json, and \
      each recording REAL/<dialect>/NAME.sse against DIR/real/<dialect>/NAME.expected.json \
      (skipped, with a message, when REAL does not exist). A golden is {"args": [...], \
      "lines": [...]}: the `slate actions` arguments (paths relative to the current \
      directory) and its JSON output lines. Every stream is run whole, in 1-byte chunks \
      and in three seeded random chunkings; each run must give the golden's lines. \
      Prints one row per stream (status, values, diagnostics, whole and rechunked match), \
      then the first differing line of each stream that differs. --update (re)writes the \
      goldens from the whole run, keeping an existing golden's arguments; new goldens use \
      --schema SCHEMA for the corpus streams and no pack for the recordings.
      Exit codes: 0 every stream matches; 1 a difference, a missing or stray golden; \
      2 usage or I/O errors.
      """
  )

  @Argument(help: "The corpus folder.")
  var directory: String = "Corpus"

  @Option(help: "The real recordings (<dialect>/NAME.sse); skipped when absent.")
  var real: String = "../shared/corpus-real"

  @Option(help: "The schema pack new corpus goldens validate against.")
  var schema: String = "Corpus/schemas/film.json"

  @Flag(help: "Write the goldens from the whole run instead of comparing.")
  var update = false

  @Flag(help: "One JSON object per stream, then a summary, instead of the table.")
  var json = false

  func run() throws {
    guard !CLIIO.listDirectory(directory).isEmpty else { CLIIO.fail("\(directory): no corpus there") }
    let hasReal = !CLIIO.listDirectory(real).isEmpty
    if !hasReal { CLIIO.printError("slate: skipping the real recordings: \(real) does not exist") }
    let check = CorpusCheck(directory: directory, real: hasReal ? real : nil, schema: schema)
    let entries = check.entries()
    var outcomes: [CorpusCheck.Outcome] = []
    var progress = ProgressBar(total: entries.count)
    for entry in entries {
      outcomes.append(try check.check(entry, update: update))
      progress.step(entry.label)
    }
    progress.finish()
    let strays = update ? [] : check.strayGoldens(entries)
    let differing = outcomes.filter { $0.whole != true || !$0.rechunked }.count + strays.count
    if json {
      printJSON(outcomes, strays: strays, differing: differing)
      if differing > 0 { throw ExitCode(1) }
      return
    }
    printTable(outcomes)
    var failed = false
    for outcome in outcomes where outcome.whole != true || !outcome.rechunked {
      failed = true
      print("\n\(outcome.entry.label): \(outcome.difference ?? "differs")")
    }
    for stray in strays {
      failed = true
      print("\n\(stray): a golden whose stream is gone")
    }
    print("\n\(outcomes.count) stream\(outcomes.count == 1 ? "" : "s")\(update ? ", goldens written" : ""): "
      + (differing == 0 ? "all match" : "\(differing) differ"))
    if failed { throw ExitCode(1) }
  }

  /// `{"stream","dialect","status","values","diagnostics","whole","rechunked"[,"difference"]}` per
  /// stream, `{"stray":golden}` per stray golden, then `{"kind":"summary","streams","differ"}`.
  private func printJSON(_ outcomes: [CorpusCheck.Outcome], strays: [String], differing: Int) {
    for outcome in outcomes {
      let stream = outcome.summary?.stream
      var line = JSONLine()
      line.add("stream", .string(outcome.entry.label))
      line.add("dialect", .string(stream?.dialect.rawValue ?? outcome.entry.dialect))
      line.add("status", stream.map { .string($0.status.name) } ?? .null)
      line.add("values", stream.map { .number(JSONNumber($0.values)) } ?? .null)
      line.add("diagnostics", stream.map { .number(JSONNumber($0.diagnostics)) } ?? .null)
      line.add("whole", outcome.whole.map { .string($0 ? "match" : "differs") } ?? "missing")
      line.add("rechunked", .string(outcome.rechunked ? "match" : "differs"))
      if let difference = outcome.difference { line.add("difference", .string(difference)) }
      print(line.text)
    }
    for stray in strays {
      var line = JSONLine()
      line.add("stray", .string(stray))
      print(line.text)
    }
    var summary = JSONLine()
    summary.add("kind", "summary")
    summary.add("streams", .number(JSONNumber(outcomes.count)))
    summary.add("differ", .number(JSONNumber(differing)))
    print(summary.text)
  }

  private func printTable(_ outcomes: [CorpusCheck.Outcome]) {
    let header = ["stream", "dialect", "status", "values", "diagnostics", "whole", "rechunked"]
    let rows = outcomes.map { outcome -> [String] in
      let stream = outcome.summary?.stream
      return [
        outcome.entry.label, stream?.dialect.rawValue ?? outcome.entry.dialect, stream?.status.name ?? "-",
        stream.map { "\($0.values)" } ?? "-", stream.map { "\($0.diagnostics)" } ?? "-",
        outcome.whole.map { $0 ? "ok" : "DIFF" } ?? "MISSING", outcome.rechunked ? "ok" : "DIFF",
      ]
    }
    let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
    for row in [header] + rows {
      let cells = row.enumerated().map { $0.element + String(repeating: " ", count: widths[$0.offset] - $0.element.count) }
      print(cells.joined(separator: "  ").trimmingTrailingSpaces)
    }
  }
}

extension String {
  /// The string without its trailing spaces.
  var trimmingTrailingSpaces: String {
    var s = Substring(self)
    while s.last == " " { s = s.dropLast() }
    return String(s)
  }
}
