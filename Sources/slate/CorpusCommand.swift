import ArgumentParser
import Slate
import SlateCorpus

/// `slate corpus`: the synthetic stream corpus (`Corpus/<dialect>/<scenario>.sse`).
struct CorpusCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "corpus",
    abstract: "Generate the synthetic stream corpus, or one big generated stream.",
    subcommands: [CorpusGenerateCommand.self]
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
      standard output, as answer text (a JSON array; NDJSON with --ndjson) or, with \
      --tool-calls, one tool call per action. Big streams are for tests and benchmarks; do \
      not commit them.
      Exit codes: 0 written; 2 usage or I/O errors.
      """
  )

  @Argument(help: "The corpus folder (without --actions).")
  var directory: String = "Corpus"

  @Option(help: "The dialect of the big stream: openai-chat, openai-responses, anthropic, gemini or text.")
  var dialect: String?

  @Option(help: ArgumentHelp("Write one big stream of N actions to standard output.", valueName: "N"))
  var actions: Int?

  @Flag(help: "Carry the actions as tool calls (not in the text dialect).")
  var toolCalls = false

  @Flag(help: "Lay out the answer text as NDJSON instead of a JSON array.")
  var ndjson = false

  @Option(help: "The generator's seed.")
  var seed: UInt64 = SyntheticCorpus.committedSeed

  @Option(help: ArgumentHelp("Delta sizes in characters, MIN-MAX (big streams).", valueName: "MIN-MAX"))
  var deltaSizes: String = "8-32"

  func validate() throws {
    guard let actions else {
      if dialect != nil || toolCalls || ndjson { throw ValidationError("--dialect, --tool-calls and --ndjson need --actions N") }
      return
    }
    guard actions >= 1 else { throw ValidationError("--actions must be at least 1, got \(actions)") }
    guard let dialect, let kind = DialectKind(rawValue: dialect), SyntheticCorpus.dialects.contains(kind) else {
      throw ValidationError("--actions needs --dialect, one of: \(SyntheticCorpus.dialects.map(\.rawValue).joined(separator: ", "))")
    }
    if kind == .text && toolCalls { throw ValidationError("the text dialect has no tool calls") }
    if toolCalls && ndjson { throw ValidationError("--tool-calls and --ndjson exclude each other") }
    guard sizes != nil else { throw ValidationError("--delta-sizes must be MIN-MAX with 1 ≤ MIN ≤ MAX, got '\(deltaSizes)'") }
  }

  /// `--delta-sizes` parsed.
  var sizes: DeltaSizes? {
    let parts = deltaSizes.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
    guard parts.count == 2, let low = parts[0], let high = parts[1], 1 <= low, low <= high else { return nil }
    return DeltaSizes(low...high)
  }

  func run() throws {
    if let actions, let dialect = dialect.flatMap(DialectKind.init(rawValue:)), let sizes {
      let form: ContentForm = toolCalls ? .toolCalls : .answer(ndjson ? .ndjson : .array)
      guard let stream = SyntheticCorpus.generate(dialect: dialect, actions: actions, form: form, seed: seed, deltaSizes: sizes)
      else { throw ValidationError("no \(dialect) stream of that form") }
      try CLIIO.writeAll(stream.bytes, to: "-")
      return
    }
    let streams = SyntheticCorpus.committed(seed: seed)
    for stream in streams {
      try CLIIO.makeDirectories("\(directory)/\(stream.dialect.rawValue)")
      try CLIIO.writeAll(stream.bytes, to: "\(directory)/\(stream.path)")
      print("\(stream.path)\t\(stream.bytes.count) bytes\t\(stream.intent.status.name)\t\(stream.intent.actions.count) actions")
    }
    let written = Set(streams.map(\.path))
    for dialect in SyntheticCorpus.dialects {
      for name in CLIIO.listDirectory("\(directory)/\(dialect.rawValue)") where name.hasSuffix(".sse") {
        let path = "\(dialect.rawValue)/\(name)"
        if !written.contains(path) { print("not generated (left alone): \(path)") }
      }
    }
  }
}
