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

  func validate() throws {
    guard DialectKind(rawValue: dialect) != nil else {
      throw ValidationError("unknown dialect '\(dialect)'; use one of \(DialectKind.allCases.map(\.rawValue).joined(separator: ", "))")
    }
  }

  func run() throws {
    let bytes = try CLIIO.readAll(path)
    let pack = try schema.map { try CLIIO.compilePack($0) }
    let options = ActionStreamOptions(dialect: DialectKind(rawValue: dialect)!)
    let timeline = Timeline(bytes: bytes, pack: pack, options: options)
    let colour = !noColor && !json && isatty(1) == 1 && getenv("NO_COLOR") == nil
    var printer = TimelinePrinter(timeline: timeline, style: TerminalStyle(enabled: colour), json: json, schema: pack != nil)
    if let around { printer.focus(on: around, window: window) }
    printer.printAll { print($0) }
    if !timeline.summary.isClean { throw ExitCode(1) }
  }
}

/// Everything one run of a stream reported, with the raw events and the texts the
/// channels accumulated (for excerpts).
struct Timeline {
  /// An SSE event as the timeline shows it.
  struct Event {
    var range: Range<Int>
    var type: String
    var dataBytes: Int
  }

  let bytes: [UInt8]
  var events: [Event] = []
  var items: [TurnItem] = []
  var summary: TurnSummary
  /// Each channel's text, for excerpts of framer diagnostics.
  var texts: [StreamChannel: [UInt8]] = [:]

  init(bytes: [UInt8], pack: CompiledPack?, options: ActionStreamOptions) {
    self.bytes = bytes
    var options = options
    options.emitsDeltas = true
    var pipeline = TurnPipeline(pack: pack, options: options)
    pipeline.feed(bytes, into: &items)
    summary = pipeline.finish(into: &items)
    if summary.stream.dialect != .text { events = Timeline.events(of: bytes) }
    for case .stream(.delta(let delta)) in items {
      switch delta.kind {
      case .text(let channel, let text) where channel.kind == .answer:
        texts[.answer(choice: channel.choice), default: []].append(contentsOf: text.utf8)
      case .toolArguments(let key, let text):
        texts[.call(key), default: []].append(contentsOf: text.utf8)
      default: break
      }
    }
    if summary.stream.dialect == .text { texts[.answer(choice: 0)] = bytes }
  }

  /// The SSE events of `bytes`, named by their `event:` field, else their payload's
  /// `type` or `object` member.
  static func events(of bytes: [UInt8]) -> [Event] {
    var parser = SSEParser()
    var outputs = parser.feed(bytes)
    parser.finish(into: &outputs)
    let json = SimdjsonParser()
    return outputs.compactMap(\.event).map { event in
      var type = event.type == "message" ? "" : event.type
      if type.isEmpty {
        let payload = try? json.parse(event.data)
        type = payload?["type"]?.stringValue ?? payload?["object"]?.stringValue
          ?? (event.data.trimmingWhitespace == "[DONE]" ? "[DONE]" : "data")
      }
      return Event(range: event.byteRange, type: type, dataBytes: event.data.utf8.count)
    }
  }
}

extension String {
  /// Without leading and trailing spaces, tabs and line endings.
  var trimmingWhitespace: Substring {
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" || $0 == "\r\n" }
    guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
    return self[first...last]
  }
}
