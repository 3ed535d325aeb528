import SlateStream
import SlateJSON
import FuzzChecks

/// Builds events as an SSE stream would carry them, with running raw offsets.
struct EventList {
  private(set) var events: [DialectEvent] = []
  private var offset = 0

  /// `event: NAME` + `data: DATA` (no `event:` line when `name` is empty).
  mutating func add(_ name: String, _ data: String) {
    let size = (name.isEmpty ? 0 : "event: \(name)\n".utf8.count) + "data: \(data)\n\n".utf8.count
    events.append(DialectEvent(type: name, data: data, offset: offset, end: offset + size))
    offset += size
  }

  /// A data-only event.
  mutating func add(_ data: String) { add("", data) }

  /// An Anthropic- or Responses-style event whose name repeats the payload type.
  mutating func typed(_ data: String) {
    let type = (try? SimdjsonParser().parse(data))?["type"]?.stringValue ?? ""
    add(type, data)
  }

  var end: Int { offset }
}

/// A tool call as the deltas describe it.
struct RecordedCall: Equatable {
  var key: CallKey
  var name: String
  var callId: String?
  var choice: Int
  var arguments = ""
  var ended = false
}

/// Everything a dialect produced for one stream, with views the tests assert on.
struct Transcript {
  var outputs: [DialectOutput]
  var end: DialectEnd

  init(outputs: [DialectOutput], end: DialectEnd) {
    self.outputs = outputs
    self.end = end
  }

  /// Runs `dialect` over `events` and finishes it at `end` (the last event's end by default),
  /// through the verifier (``DialectRun``).
  init(_ dialect: any Dialect, _ events: [DialectEvent], endingAt end: Int? = nil) {
    let run = DialectRun(dialect, events, end: end ?? events.last?.end ?? 0)
    self.init(outputs: run.outputs, end: run.end)
  }

  init(_ dialect: any Dialect, _ list: EventList) { self.init(dialect, list.events, endingAt: list.end) }

  var status: StreamStatus { StreamStatus(end) }
  var deltas: [Delta] { outputs.compactMap(\.delta) }
  var diagnostics: [DialectDiagnostic] { outputs.compactMap(\.diagnostic) }
  var codes: [String] { diagnostics.map(\.code.rawValue) }
  /// Codes of warnings and errors only.
  var problems: [String] { diagnostics.filter { $0.severity > .info }.map(\.code.rawValue) }

  /// The concatenated text of every channel of `kind` (restricted to one choice if given).
  func text(_ kind: Channel.Kind, choice: Int? = nil) -> String {
    deltas.reduce(into: "") { text, delta in
      if case .text(let channel, let piece) = delta.kind, channel.kind == kind, choice == nil || channel.choice == choice {
        text += piece.string
      }
    }
  }

  var calls: [RecordedCall] {
    var calls: [RecordedCall] = []
    for delta in deltas {
      switch delta.kind {
      case .toolCallStarted(let start):
        calls.append(RecordedCall(key: start.key, name: start.name, callId: start.callId, choice: start.choice))
      case .toolArguments(let key, let text):
        if let i = calls.firstIndex(where: { $0.key == key }) { calls[i].arguments += text.string }
      case .toolCallEnded(let key):
        if let i = calls.firstIndex(where: { $0.key == key }) { calls[i].ended = true }
      default: break
      }
    }
    return calls
  }

  var serverTools: [ServerToolUse] {
    deltas.compactMap { if case .serverToolUse(let use) = $0.kind { use } else { nil } }
  }

  var finishes: [Finish] { deltas.compactMap { if case .finish(let f) = $0.kind { f } else { nil } } }
  var errors: [ProviderError] { deltas.compactMap { if case .providerError(let e) = $0.kind { e } else { nil } } }
  var usages: [JSONValue] { deltas.compactMap { if case .usage(let u) = $0.kind { u.value } else { nil } } }
  var terminals: [String] { deltas.compactMap { if case .terminal(let t) = $0.kind { t } else { nil } } }

  /// Breaches of the delta contract: a call's key reused by a second start, fragments or
  /// an end for a call that never started, anything after a call's end, a second end,
  /// empty text or argument fragments.
  var contractViolations: [String] {
    var started = Set<CallKey>()
    var ended = Set<CallKey>()
    var violations: [String] = []
    for delta in deltas {
      switch delta.kind {
      case .toolCallStarted(let start):
        if !started.insert(start.key).inserted { violations.append("second start of \(start.key)") }
      case .toolArguments(let key, let text):
        if !started.contains(key) { violations.append("fragment before the start of \(key)") }
        if ended.contains(key) { violations.append("fragment after the end of \(key)") }
        if text.isEmpty { violations.append("empty fragment for \(key)") }
      case .toolCallEnded(let key):
        if !started.contains(key) { violations.append("end before the start of \(key)") }
        if !ended.insert(key).inserted { violations.append("second end of \(key)") }
      case .text(let channel, let text):
        if text.isEmpty { violations.append("empty text on \(channel)") }
      default: break
      }
    }
    return violations
  }
}

/// Parses `text` as JSON, or nil.
func parsedJSON(_ text: String) -> JSONValue? { try? SimdjsonParser().parse(text) }
