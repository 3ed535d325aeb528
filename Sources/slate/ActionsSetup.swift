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
    var pipeline = TurnPipeline(pack: pack, options: options, validation: validation)
    var items: [TurnItem] = []
    let renderer = ActionsRenderer(json: json, schema: pack != nil)
    chunking.forEachChunk(of: bytes) { chunk in
      pipeline.feed(chunk, into: &items)
      renderer.write(items, line)
      items.removeAll(keepingCapacity: true)
    }
    let summary = pipeline.finish(into: &items)
    renderer.write(items, line)
    renderer.writeSummary(summary, line)
    return summary
  }

  /// The JSON output lines for `bytes` fed in `chunking`.
  func lines(_ bytes: [UInt8], chunking: Chunking = .whole) -> (lines: [String], summary: TurnSummary) {
    var lines: [String] = []
    let summary = run(bytes, chunking: chunking, json: true) { lines.append($0) }
    return (lines, summary)
  }
}

/// Prints pipeline items as JSON lines or readably (see `slate actions --help`).
struct ActionsRenderer {
  let json: Bool
  /// With a pack, values are shown as their action or rejection, not as values.
  let schema: Bool

  func write(_ items: [TurnItem], _ line: (String) -> Void) {
    for item in items {
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

  /// Where a value came from: index, channel, offsets, and the call binding.
  func place(_ line: inout JSONLine, _ value: StreamValue) {
    line.add("index", .number(JSONNumber(value.index)))
    line.add("channel", .string(value.channel.description))
    line.add("streamOffset", .number(JSONNumber(value.streamOffset)))
    line.add("offset", .number(JSONNumber(value.textRange.lowerBound)))
  }

  func started(_ start: ActionStart) -> String {
    guard json else {
      let keys = start.keys.map { " \($0.key)=\(Self.readable($0.value))" }.joined()
      let id = start.callId.map { " id=\($0)" } ?? ""
      return "started \(start.channel) at byte \(start.streamOffset): \(Self.readable(start.type))\(keys)\(id)"
    }
    var line = JSONLine()
    line.add("kind", "started")
    line.add("channel", .string(start.channel.description))
    line.add("streamOffset", .number(JSONNumber(start.streamOffset)))
    line.add("offset", .number(JSONNumber(start.textOffset)))
    line.add("type", start.type)
    line.add("keys", .object(start.keys))
    if let id = start.callId { line.add("callId", .string(id)) }
    return line.text
  }

  func value(_ value: StreamValue) -> String {
    guard json else {
      let type = value.toolName.map { " \($0)" } ?? ""
      return "value \(value.index) \(value.channel)\(type) at byte \(value.streamOffset) (text \(value.textRange)): \(value.value.canonicalString)"
    }
    var line = JSONLine()
    line.add("kind", "value")
    place(&line, value)
    if let name = value.toolName { line.add("type", .string(name)) }
    if let id = value.callId { line.add("callId", .string(id)) }
    line.add("value", value.value)
    return line.text
  }

  func action(_ action: Action, _ value: StreamValue) -> String {
    guard json else {
      let effects = action.effects.isEmpty ? "" : " effects=\(action.effects.joined(separator: ","))"
      let phase = action.phase.map { " phase=\($0)" } ?? ""
      return "action \(value.index) \(action.type) \(action.key.readable) queue=\(action.queue)\(effects)\(phase) at byte \(value.streamOffset)"
    }
    var line = JSONLine()
    line.add("kind", "action")
    place(&line, value)
    line.add("type", .string(action.type))
    if let id = value.callId { line.add("callId", .string(id)) }
    line.add("key", .string(action.key.readable))
    line.add("keyDigest", .string(action.key.hex))
    line.add("queue", .string(action.queue))
    line.add("effects", .array(action.effects.map(JSONValue.string)))
    line.add("phase", action.phase.map(JSONValue.string) ?? .null)
    if !action.warnings.isEmpty { line.add("warnings", objects: action.warnings.map(JSONLine.init(warning:))) }
    line.add("payload", action.payload)
    return line.text
  }

  func rejected(_ rejection: Rejection, _ value: StreamValue) -> String {
    guard json else {
      let errors = rejection.errors.map { "\($0.code.rawValue) at \"\($0.instancePath)\": \($0.message)" }
      return "rejected \(value.index) \(rejection.type ?? "?") at byte \(value.streamOffset): " + errors.joined(separator: "; ")
    }
    var line = JSONLine()
    line.add("kind", "rejected")
    place(&line, value)
    line.add("type", rejection.type.map(JSONValue.string) ?? .null)
    if let id = value.callId { line.add("callId", .string(id)) }
    line.add("errors", objects: rejection.errors.map(JSONLine.init(validationError:)))
    if !rejection.warnings.isEmpty { line.add("warnings", objects: rejection.warnings.map(JSONLine.init(warning:))) }
    line.add("text", .string(String(decoding: rejection.bytes, as: UTF8.self)))
    return line.text
  }

  func diagnostic(_ diagnostic: StreamDiagnostic, excerpt: Excerpt? = nil) -> String {
    guard json else { return "diagnostic \(diagnostic)" }
    var line = JSONLine()
    line.add("kind", "diagnostic")
    line.add("code", .string(diagnostic.code))
    line.add("severity", .string(diagnostic.severity.rawValue))
    if let channel = diagnostic.channel { line.add("channel", .string(channel.description)) }
    line.add("streamOffset", .number(JSONNumber(diagnostic.streamOffset)))
    if let offset = diagnostic.textOffset { line.add("offset", .number(JSONNumber(offset))) }
    line.add("message", .string(diagnostic.message))
    if let excerpt {
      line.add("excerpt", .string(excerpt.text))
      line.add("caret", .number(JSONNumber(excerpt.caret)))
    }
    return line.text
  }

  func writeSummary(_ summary: TurnSummary, _ line: (String) -> Void) {
    let stream = summary.stream
    guard json else {
      var text = "\(stream.dialect): \(stream.values) value\(stream.values == 1 ? "" : "s")"
      if schema { text += " (\(summary.actions) actions, \(summary.rejected) rejected)" }
      text += ", \(stream.diagnostics) diagnostic\(stream.diagnostics == 1 ? "" : "s"): \(stream.status)"
      if let finish = stream.finishes.first { text += ", finish reason \(finish.reason)" }
      if let before = stream.valuesBeforeError { text += ", \(before) value\(before == 1 ? "" : "s") before the error" }
      line(text)
      return
    }
    var object = JSONLine()
    object.add("kind", "summary")
    object.add("dialect", .string(stream.dialect.rawValue))
    object.add("values", .number(JSONNumber(stream.values)))
    if schema {
      object.add("actions", .number(JSONNumber(summary.actions)))
      object.add("rejected", .number(JSONNumber(summary.rejected)))
      object.add("batches", .number(JSONNumber(summary.batches)))
    }
    object.add("diagnostics", .number(JSONNumber(stream.diagnostics)))
    object.add("errors", .number(JSONNumber(stream.errors)))
    object.add("status", .string(stream.status.name))
    if case .truncated(let reason) = stream.status { object.add("reason", .string(reason.description)) }
    object.add("finishReason", stream.finishes.first.map { .string($0.reason) } ?? .null)
    if let error = stream.providerError {
      var problem = JSONObject()
      problem.append(key: "kind", value: .string(error.kind))
      problem.append(key: "code", value: error.code.map(JSONValue.string) ?? .null)
      problem.append(key: "message", value: .string(error.message))
      object.add("error", .object(problem))
      object.add("valuesBeforeError", .number(JSONNumber(stream.valuesBeforeError ?? 0)))
    }
    line(object.text)
  }

  /// A string without its quotes, anything else in canonical form.
  static func readable(_ value: JSONValue) -> String { value.stringValue ?? value.canonicalString }
}

extension TurnSummary {
  /// Complete, no error diagnostic, no rejected action.
  var isClean: Bool { stream.isClean && rejected == 0 }
}
