import Slate
import SlateJSON
import SlateSchema

/// The lines of a ``Timeline``: events with what they carried, the starts, values or
/// actions, rejections and diagnostics they caused (with excerpts), and the end.
struct TimelinePrinter {
  let style: TerminalStyle
  let json: Bool
  let schema: Bool
  /// Only entries whose raw offset lies in this range are printed (all when nil).
  var shown: ClosedRange<Int>?
  var focusOffset: Int?

  init(style: TerminalStyle, json: Bool, schema: Bool) {
    self.style = style
    self.json = json
    self.schema = schema
  }

  mutating func focus(on offset: Int, window: Int) {
    focusOffset = offset
    shown = max(0, offset - window)...(offset + window)
  }

  /// The raw bytes at `--around`, printed first (not with --json).
  func header(_ excerpt: Excerpt, _ out: (String) -> Void) {
    guard let focusOffset, !json else { return }
    out(style.bold("raw bytes at \(focusOffset):"))
    out("    " + excerpt.text)
    out("    " + excerpt.caretLine)
  }

  // MARK: Lines

  func at(_ offset: Int) -> String {
    let digits = String(offset)
    return style.dim("@" + String(repeating: " ", count: max(0, 7 - digits.count)) + digits) + "  "
  }

  func eventLine(_ event: Timeline.Event, _ deltas: [Delta]) -> String {
    if json {
      var line = JSONLine()
      line.add("kind", "event")
      line.add("type", .string(event.type))
      line.add("offset", .number(JSONNumber(event.range.lowerBound)))
      line.add("end", .number(JSONNumber(event.range.upperBound)))
      line.add("dataBytes", .number(JSONNumber(event.dataBytes)))
      return line.text
    }
    let carried = Self.summarise(deltas)
    return at(event.range.lowerBound) + style.dim("event \(event.type) (\(event.dataBytes) B)")
      + (carried.isEmpty ? "" : ": " + carried)
  }

  /// What one event's deltas carried, in a few words.
  static func summarise(_ deltas: [Delta]) -> String {
    var parts: [String] = []
    var textBytes: [(String, Int)] = []
    func addText(_ name: String, _ count: Int) {
      if let i = textBytes.firstIndex(where: { $0.0 == name }) { textBytes[i].1 += count } else { textBytes.append((name, count)) }
    }
    for delta in deltas {
      switch delta.kind {
      case .text(let channel, let text): addText(channel.kind.rawValue + (channel.choice == 0 ? "" : "[\(channel.choice)]"), text.utf8Count)
      case .toolCallStarted(let start): parts.append("call \(start.key) started \(start.name)")
      case .toolArguments(let key, let text): addText("call \(key)", text.utf8Count)
      case .toolCallEnded(let key): parts.append("call \(key) ended")
      case .serverToolUse(let use): parts.append("server tool \(use.name)")
      case .usage: parts.append("usage")
      case .finish(let finish): parts.append("finish \(finish.reason)")
      case .providerError(let error): parts.append("provider error \(error.kind)")
      case .terminal(let name): parts.append("terminal \(name)")
      case .gap(let scope): parts.append("gap (\(scope))")
      }
    }
    return (textBytes.map { "\($0.0) +\($0.1) B" } + parts).joined(separator: ", ")
  }

  func startedLine(_ start: ActionStart) -> String {
    let keys = start.keys.map { " \(ActionsRenderer.readable($0.value))" }.joined()
    let id = start.callId.map { " (\($0))" } ?? ""
    return at(start.streamOffset) + "▸ started \(ActionsRenderer.readable(start.type))\(keys) on \(start.channel)\(id)"
  }

  func valueLine(_ value: StreamValue) -> String {
    // Read in place when the stream kept the document (nothing built).
    let member = value.document.map { $0.withRoot { $0["type"]?.string } } ?? value.builtValue?["type"]?.stringValue
    let type = value.toolName ?? member ?? "value"
    return at(value.streamOffset) + style.green("● closed \(value.index) \(type)")
      + " on \(value.channel), text bytes \(value.textRange.lowerBound)..<\(value.textRange.upperBound): "
      + Self.clip(String(decoding: value.canonicalBytes, as: UTF8.self), 100)
  }

  func actionLine(_ action: Action, _ value: StreamValue) -> String {
    var details = "queue \(action.queue)"
    if !action.effects.isEmpty { details += ", effects \(action.effects.joined(separator: ", "))" }
    if let phase = action.phase { details += ", phase \(phase)" }
    return at(value.streamOffset) + style.green("● action \(value.index) \(action.type) \(action.key.readable)")
      + " (\(details))"
  }

  /// The rejection's lines, each error with an excerpt of the channel's `text` at its range.
  func rejectionLines(_ rejection: Rejection, _ value: StreamValue, text: ByteWindow) -> [String] {
    var lines = [at(value.streamOffset) + style.red("✖ rejected \(value.index) \(rejection.type ?? "(no type)")") + " on \(value.channel)"]
    for error in rejection.errors {
      let path = error.instancePath.isEmpty ? "the value" : error.instancePath
      lines.append("           \(error.code.rawValue) at \(path): \(error.message)")
      if let range = error.range, range.lowerBound <= text.end {
        let excerpt = Excerpt(text, at: range.lowerBound)
        lines.append("             " + excerpt.text)
        lines.append("             " + style.red(excerpt.caretLine))
      }
    }
    return lines
  }

  /// The diagnostic's JSON line with its excerpt.
  func jsonLine(_ diagnostic: StreamDiagnostic, _ excerpt: Excerpt) -> String {
    var line = diagnostic.jsonLine
    line.add("excerpt", .string(excerpt.text))
    line.add("caret", .number(JSONNumber(excerpt.caret)))
    return line.text
  }

  func diagnosticLines(_ diagnostic: StreamDiagnostic, _ excerpt: Excerpt) -> [String] {
    let mark: String
    switch diagnostic.severity {
    case .error: mark = style.red("! \(diagnostic.code) (error)")
    case .warning: mark = style.yellow("! \(diagnostic.code) (warning)")
    case .info: mark = style.dim("i \(diagnostic.code)")
    }
    var place = ""
    if let channel = diagnostic.channel {
      place = " on \(channel)" + (diagnostic.textOffset.map { ", text byte \($0)" } ?? "")
    }
    let source = diagnostic.textOffset != nil && diagnostic.channel != nil ? "text" : "raw"
    return [at(diagnostic.streamOffset) + mark + place + ": " + diagnostic.message,
            "           \(source): " + excerpt.text,
            "           \(String(repeating: " ", count: source.count + 2))" + style.red(excerpt.caretLine)]
  }

  // MARK: The end

  func end(_ summary: TurnSummary, _ out: (String) -> Void) {
    let stream = summary.stream
    if json {
      out(summary.jsonLine(schema: schema).text)
      return
    }
    let status: String
    switch stream.status {
    case .complete: status = style.green("complete")
    case .truncated(let reason): status = style.yellow("truncated") + " (\(reason))"
    case .failed(let kind, let message): status = style.red("failed") + " (\(kind): \(message))"
    }
    out("")
    out(style.bold("status: ") + status + " — \(stream.dialect), \(stream.bytes) bytes")
    var counts = "values: \(stream.values)"
    if schema { counts += " (\(summary.actions) actions, \(summary.rejected) rejected)" }
    counts += "; diagnostics: \(stream.diagnostics) (\(stream.errors) error\(stream.errors == 1 ? "" : "s"))"
    out(counts)
    if let finish = stream.finishes.first { out("finish reason: \(finish.reason)\(finish.truncated ? " (a limit cut the output)" : "")") }
    if let error = stream.providerError {
      out("provider error: \(error.kind): \(error.message), after \(stream.valuesBeforeError ?? 0) value(s) had closed")
    }
  }

  static func clip(_ text: String, _ limit: Int) -> String {
    text.count <= limit ? text : String(text.prefix(limit)) + "…"
  }
}
