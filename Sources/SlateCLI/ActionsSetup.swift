import Slate
import SlateJSON
import SlateSchema

/// What `slate actions` runs: the action stream's options, an optional schema pack, and
/// how to validate. `slate corpus check` builds one from a golden's arguments
/// (`ActionsCommand.parse(args).setup()`) and compares ``lines(_:chunking:)`` with it.
struct ActionsSetup {
  var options: ActionStreamOptions
  var pack: CompiledPack?
  var validation: ValidationOptions

  /// Runs the pipeline over `bytes` fed in `chunking`, handing each output line to `line`
  /// as it is produced (JSON lines with `json`, readable lines otherwise). The lines do not
  /// depend on the chunking. Returns the summary.
  @discardableResult
  func run(_ bytes: [UInt8], chunking: Chunking, json: Bool, line: (String) -> Void) -> TurnSummary {
    var run = start(json: json)
    chunking.forEachChunk(of: bytes) { run.feed($0, line) }
    return run.finish(line)
  }

  /// A run of the pipeline to feed chunk by chunk (an input read as it arrives).
  func start(json: Bool) -> ActionsRun {
    ActionsRun(pipeline: TurnPipeline(pack: pack, options: options, validation: validation),
               renderer: ActionsRenderer(json: json, schema: pack != nil))
  }

  /// Empties `items`, freeing the values they carry without recursion
  /// (``JSONValue/release(_:)``): with a large `--max-depth`, these are the last
  /// references to values nested deeper than a recursive free survives.
  static func release(_ items: inout [TurnItem]) {
    var values: [JSONValue] = []
    while let item = items.popLast() {
      switch consume item {
      case .stream(.value(let value)): if let built = value.builtValue { values.append(built) }
      case .action(let action, let value):
        // Only built values: a document-held payload or value would be built here just to be freed.
        if let built = action.builtPayload { values.append(built) }
        if let built = value.builtValue { values.append(built) }
      case .rejected(_, let value): if let built = value.builtValue { values.append(built) }
      case .batch(let batch): values += batch.actions.compactMap(\.builtPayload)
      case .stream: break
      }
    }
    while let value = values.popLast() { JSONValue.release(consume value) }
  }

  /// The JSON output lines for `bytes` fed in `chunking`.
  func lines(_ bytes: [UInt8], chunking: Chunking = .whole) -> (lines: [String], summary: TurnSummary) {
    var lines: [String] = []
    let summary = run(bytes, chunking: chunking, json: true) { lines.append($0) }
    return (lines, summary)
  }
}

/// One run of `slate actions`: each chunk fed gives the lines of what it completed at once.
/// Memory: the pipeline's state, never the input.
struct ActionsRun {
  var pipeline: TurnPipeline
  let renderer: ActionsRenderer
  private var items: [TurnItem] = []

  init(pipeline: TurnPipeline, renderer: ActionsRenderer) {
    self.pipeline = pipeline
    self.renderer = renderer
  }

  /// Feeds the next chunk and hands `line` the lines of what it completed.
  mutating func feed(_ chunk: UnsafeRawBufferPointer, _ line: (String) -> Void) {
    pipeline.feed(chunk, into: &items)
    renderer.write(items, line)
    ActionsSetup.release(&items)
  }

  /// Ends the input: the last lines and the summary line. Returns the summary.
  mutating func finish(_ line: (String) -> Void) -> TurnSummary {
    let summary = pipeline.finish(into: &items)
    renderer.write(items, line)
    renderer.writeSummary(summary, line)
    ActionsSetup.release(&items)
    return summary
  }
}

/// Prints pipeline items as JSON lines (``TurnItem/jsonLine(schema:)``) or readably (see
/// `slate actions --help`).
struct ActionsRenderer {
  let json: Bool
  /// With a pack, values are shown as their action or rejection, not as values.
  let schema: Bool

  func write(_ items: [TurnItem], _ line: (String) -> Void) {
    for item in items {
      if json {
        if let object = item.jsonLine(schema: schema) { line(object.text) }
        continue
      }
      switch item {
      case .stream(.started(let start)): line(started(start))
      case .stream(.value(let value)) where !schema: line(self.value(value))
      case .stream(.diagnostic(let diagnostic)): line(self.diagnostic(diagnostic))
      case .action(let action, let value): line(self.action(action, value))
      case .rejected(let rejection, let value): line(rejected(rejection, value))
      case .stream, .batch: break
      }
    }
  }

  func started(_ start: ActionStart) -> String {
    let keys = start.keys.map { " \($0.key)=\(Self.readable($0.value))" }.joined()
    let id = start.callId.map { " id=\($0)" } ?? ""
    return "started \(start.channel) at byte \(start.streamOffset): \(Self.readable(start.type))\(keys)\(id)"
  }

  func value(_ value: StreamValue) -> String {
    let type = value.toolName.map { " \($0)" } ?? ""
    return "value \(value.index) \(value.channel)\(type) at byte \(value.streamOffset) (text \(value.textRange)): \(String(decoding: value.canonicalBytes, as: UTF8.self))"
  }

  func action(_ action: Action, _ value: StreamValue) -> String {
    let effects = action.effects.isEmpty ? "" : " effects=\(action.effects.joined(separator: ","))"
    let phase = action.phase.map { " phase=\($0)" } ?? ""
    return "action \(value.index) \(action.type) \(action.key.readable) queue=\(action.queue)\(effects)\(phase) at byte \(value.streamOffset)"
  }

  func rejected(_ rejection: Rejection, _ value: StreamValue) -> String {
    let errors = rejection.errors.map { "\($0.code.rawValue) at \"\($0.instancePath)\": \($0.message)" }
    return "rejected \(value.index) \(rejection.type ?? "?") at byte \(value.streamOffset): " + errors.joined(separator: "; ")
  }

  func diagnostic(_ diagnostic: StreamDiagnostic) -> String { "diagnostic \(diagnostic)" }

  func writeSummary(_ summary: TurnSummary, _ line: (String) -> Void) {
    let stream = summary.stream
    if json {
      line(summary.jsonLine(schema: schema).text)
      return
    }
    var text = "\(stream.dialect): \(stream.values) value\(stream.values == 1 ? "" : "s")"
    if schema { text += " (\(summary.actions) actions, \(summary.rejected) rejected)" }
    text += ", \(stream.diagnostics) diagnostic\(stream.diagnostics == 1 ? "" : "s"): \(stream.status)"
    if let finish = stream.finishes.first { text += ", finish reason \(finish.reason)" }
    if let before = stream.valuesBeforeError { text += ", \(before) value\(before == 1 ? "" : "s") before the error" }
    line(text)
  }

  /// A string without its quotes, anything else in canonical form.
  static func readable(_ value: JSONValue) -> String { value.stringValue ?? value.canonicalString }
}
