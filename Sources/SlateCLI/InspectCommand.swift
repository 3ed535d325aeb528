import ArgumentParser
import Slate
import SlateJSON
import SlateSSE
import SlateSchema

#if canImport(Glibc)
  import Glibc
#endif

/// `slate inspect PATH`: a readable timeline of what a provider stream did, for the
/// engineer on call.
struct InspectCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "inspect",
    abstract: "Show a readable timeline of a provider stream: events, actions, rejections, diagnostics, status.",
    discussion: """
      Each line starts with the byte offset in the raw stream. Events show their type, their size and what they \
      carried (text bytes per channel, tool-call fragments, finish reasons); actions where they started and closed \
      (with their key when a schema pack is given); rejections with the instance path and the offending text; \
      diagnostics with an excerpt of the bytes around their offset (escaped), a caret under the byte. The end \
      says how the stream ended and whether the turn can be recovered.
      The input is read in 64 KiB blocks as it arrives (--chunk-size N [--chunk-seed S] re-cuts it, as for \
      `slate actions`); each entry is printed once nothing earlier can follow, with only recent bytes kept.
      --around OFFSET keeps the entries within --window bytes of OFFSET and shows the raw bytes there first.
      With --json, one object per line: the `slate actions --json` lines plus {"kind":"event",…} lines, and an \
      "excerpt" on each diagnostic.
      Colour only on a terminal (never with --no-color or NO_COLOR set).
      Exit codes: 0 a clean, complete stream; 1 a truncated or failed stream, an error diagnostic or a rejected \
      action; 2 usage or I/O errors.
      """
  )

  @Argument(help: "The stream to read, or - for standard input.")
  var path: String

  @Option(help: "auto, openai-chat, openai-responses, anthropic, gemini, or text.")
  var dialect: String = "auto"

  @Option(help: "Validate each value against this schema pack.")
  var schema: String?

  @Option(parsing: .unconditional, help: "Show only what happened within --window bytes of this raw offset (0 to 2^48).",
          transform: OptionValues.integer(OptionRanges.offset))
  var around: Int?

  @Option(parsing: .unconditional, help: "Bytes on each side of --around (0 to 2^48).", transform: OptionValues.integer(OptionRanges.offset))
  var window: Int = 256

  @Flag(help: "No colour, even on a terminal.")
  var noColor = false

  @Flag(help: "One JSON object per line.")
  var json = false

  @OptionGroup var output: OutputOptions

  @OptionGroup var chunking: ChunkingOptions

  @Flag(help: .hidden) var holdAll = false

  func validate() throws {
    guard DialectKind(rawValue: dialect) != nil else {
      throw ValidationError("unknown dialect '\(dialect)'; use one of \(DialectKind.allCases.map(\.rawValue).joined(separator: ", "))")
    }
  }

  func run() throws {
    let pack = try schema.map { try CLIIO.compilePack($0) }
    let options = ActionStreamOptions(dialect: DialectKind(rawValue: dialect)!)
    let colour = !noColor && !json && isatty(1) == 1 && getenv("NO_COLOR") == nil
    var printer = TimelinePrinter(style: TerminalStyle(enabled: colour), json: json, schema: pack != nil)
    if let around { printer.focus(on: around, window: window) }
    // --hold-all (hidden, for tests): every entry held until the end and sorted, the
    // reference the windowed output equals.
    var timeline = Timeline(pack: pack, options: options, printer: printer, streaming: !holdAll)
    var input = InputReader(path)
    let out = output.writer(input: path)
    input.forEachChunk(chunking.chunking) { timeline.feed($0, out.line) }
    let summary = timeline.finish(out.line)
    out.flush()
    if !summary.isClean { throw ExitCode(1) }
  }
}
