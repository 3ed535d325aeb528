import ArgumentParser
import SlateJSON

/// `slate actions FILE|- --dialect text`: frame the JSON values of an action stream,
/// feeding it to the framer in chunks, and list values, early announcements and
/// diagnostics as they come.
struct ActionsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "actions",
    abstract: "Frame the JSON values (actions) of a stream, as they would arrive in chunks.",
    discussion: """
      With --json, one object per line: {"kind":"value","index":i,"offset":o,"value":v} (v in \
      canonical form), {"kind":"started","index":i,"offset":o,"type":t,"keys":{…}} where an \
      object's discriminator and key fields are complete before it closes, \
      {"kind":"diagnostic","code":c,"offset":o,"message":m}, and last \
      {"kind":"summary","values":n,"diagnostics":d,"status":"complete"|"truncated"|"failed"}. \
      Offsets are byte offsets in the text.
      Exit codes: 0 a clean, complete stream; 1 a diagnostic or truncated input; 2 usage or I/O errors.
      """
  )

  static let dialects = ["text"]

  @Argument(help: "The stream to read, or - for standard input.")
  var path: String = "-"

  @Option(help: "The stream's dialect. Supported: text (the input is the text itself).")
  var dialect: String

  @Option(help: "auto, array, sequence, value, or field:NAME.")
  var framing: String = "auto"

  @OptionGroup var chunking: ChunkingOptions

  @Flag(help: "One JSON object per line.")
  var json = false

  @Option(help: "The member naming an object's action, announced early.")
  var discriminator: String = "type"

  @Option(name: .customLong("key-field"), help: "A top-level member announced with the discriminator (repeatable).")
  var keyFields: [String] = []

  @Option(help: "Deepest nesting of arrays and objects.")
  var maxDepth: Int = FramerLimits.default.maxDepth

  @Option(help: "Largest value, in bytes.")
  var maxValueBytes: Int = FramerLimits.default.maxValueBytes

  @Option(help: "Most values.")
  var maxValues: Int = FramerLimits.default.maxValues

  func validate() throws {
    guard Self.dialects.contains(dialect) else {
      throw ValidationError("unsupported dialect '\(dialect)'; supported: \(Self.dialects.joined(separator: ", "))")
    }
    guard Framing(framing) != nil else {
      throw ValidationError("unknown framing '\(framing)'; use auto, array, sequence, value or field:NAME")
    }
    guard maxDepth >= 1, maxValueBytes >= 1, maxValues >= 0 else {
      throw ValidationError("limits must be positive")
    }
  }

  func run() throws {
    let text = try CLIIO.readAll(path)
    let limits = FramerLimits(maxDepth: maxDepth, maxValueBytes: maxValueBytes, maxValues: maxValues)
    var framer = JSONFramer(
      framing: Framing(framing)!, limits: limits,
      announcements: AnnouncementRule(discriminator: discriminator, keyFields: keyFields),
      parser: SimdjsonParser(limits: limits.parserLimits))
    var report = ActionsReport(json: json)
    var events: [FramerEvent] = []
    chunking.chunking.forEachChunk(of: text) { chunk in
      framer.feed(chunk, into: &events)
      if !events.isEmpty {
        report.write(events)
        events.removeAll(keepingCapacity: true)
      }
    }
    framer.finish(into: &events)
    report.write(events)
    report.writeSummary(framer.status)
    if framer.status != .complete { throw ExitCode(1) }
  }
}

/// Prints the framer's events, as JSON lines or readably.
private struct ActionsReport {
  let json: Bool
  var values = 0
  var diagnostics = 0

  mutating func write(_ events: [FramerEvent]) {
    for event in events {
      switch event {
      case .value(let framed):
        values += 1
        let value = framed.value.map(\.canonicalString) ?? "null"
        print(json
          ? #"{"kind":"value","index":\#(framed.index),"offset":\#(framed.range.lowerBound),"value":\#(value)}"#
          : "value \(framed.index) at bytes \(framed.range): \(value)")
      case .started(let started):
        let keys = JSONValue.object(started.keys).canonicalString
        print(json
          ? #"{"kind":"started","index":\#(started.index),"offset":\#(started.offset),"type":\#(started.type.canonicalString),"keys":\#(keys)}"#
          : "started \(started.index) at byte \(started.offset): \(Self.readable(started.type))"
            + started.keys.map { " \($0.key)=\(Self.readable($0.value))" }.joined())
      case .diagnostic(let diagnostic):
        diagnostics += 1
        print(json
          ? #"{"kind":"diagnostic","code":\#(Self.quoted(diagnostic.code.rawValue)),"offset":\#(diagnostic.offset),"message":\#(Self.quoted(diagnostic.message))}"#
          : "error \(diagnostic.code.rawValue) at byte \(diagnostic.offset): \(diagnostic.message)")
      }
    }
  }

  func writeSummary(_ status: JSONFramer.Status) {
    let name =
      switch status {
      case .complete: "complete"
      case .truncated: "truncated"
      case .failed, .running: "failed"
      }
    print(json
      ? #"{"kind":"summary","values":\#(values),"diagnostics":\#(diagnostics),"status":"\#(name)"}"#
      : "\(values) value\(values == 1 ? "" : "s"), \(diagnostics) diagnostic\(diagnostics == 1 ? "" : "s"): \(name)")
  }

  /// A string without its quotes, anything else in canonical form.
  static func readable(_ value: JSONValue) -> String { value.stringValue ?? value.canonicalString }

  static func quoted(_ s: String) -> String {
    var out: [UInt8] = []
    JSONValue.writeCanonicalString(s, into: &out)
    return String(decoding: out, as: UTF8.self)
  }
}
