import SlateStream
import SlateFilm
import SlateJSON
import SlateSSE
import Testing

/// Reads a generated stream back with the project's readers, as `RecordingTests` does:
/// `SSEParser` (flush at EOF) + the dialect, or `TextDialect` for text; then one
/// `JSONFramer` on the answer text (auto framing) and one per tool call (one value).
struct StreamReader {
  var outputs: [DialectOutput] = []
  var end: DialectEnd
  var events: [DialectEvent] = []

  /// Reads `bytes` of `dialect`, fed in the chunks `cuts` gives (whole when empty).
  init(_ bytes: [UInt8], dialect: DialectKind, cuts: [Int] = []) {
    let chunks = chunks(of: bytes, cuts: cuts)
    if dialect == .text {
      var text = TextDialect()
      var offset = 0
      for chunk in chunks {
        text.feed(chunk, at: offset, into: &outputs)
        offset += chunk.count
      }
      end = text.finish(at: bytes.count, into: &outputs)
      return
    }
    var parser = SSEParser(options: SSEParser.Options(flushOnEOF: true))
    var sse: [SSEOutput] = []
    for chunk in chunks { parser.feed(chunk, into: &sse) }
    parser.finish(into: &sse)
    events = sse.compactMap(\.event).map {
      DialectEvent(type: $0.type, data: $0.data, offset: $0.byteRange.lowerBound, end: $0.byteRange.upperBound)
    }
    var reader = dialect.makeDialect()!
    for event in events { reader.feed(event, into: &outputs) }
    end = reader.finish(at: bytes.count, into: &outputs)
  }

  var deltas: [Delta] { outputs.compactMap(\.delta) }
  var codes: [String] { outputs.compactMap(\.diagnostic).map(\.code.rawValue) }
  var status: StreamStatus { StreamStatus(end) }

  /// The answer text of choice 0.
  var answerText: String {
    deltas.reduce(into: "") { text, delta in
      if case .text(let channel, let piece) = delta.kind, channel.kind == .answer, channel.choice == 0 { text += piece.string }
    }
  }

  /// Text on channels other than the answer.
  var otherText: String {
    deltas.reduce(into: "") { text, delta in
      if case .text(let channel, let piece) = delta.kind, channel.kind != .answer { text += piece.string }
    }
  }

  /// The calls as the deltas describe them, in start order.
  var calls: [IntendedCall] {
    var keys: [CallKey] = []
    var calls: [CallKey: IntendedCall] = [:]
    for delta in deltas {
      switch delta.kind {
      case .toolCallStarted(let start):
        keys.append(start.key)
        calls[start.key] = IntendedCall(name: start.name, callId: start.callId, arguments: "", ended: false)
      case .toolArguments(let key, let text): calls[key]?.arguments += text.string
      case .toolCallEnded(let key): calls[key]?.ended = true
      default: break
      }
    }
    return keys.map { calls[$0]! }
  }

  /// The values the framers yield, in the order they complete, and how the answer text framed.
  func framed() -> (actions: [IntendedAction], answerFraming: FramingOutcome?) {
    var answer: JSONFramer?
    var framers: [CallKey: (framer: JSONFramer, name: String, id: String?, events: [FramerEvent])] = [:]
    var actions: [IntendedAction] = []
    func take(_ events: [FramerEvent], name: String?, id: String?) {
      for case .value(let framed) in events {
        let value = framed.value ?? .null
        actions.append(IntendedAction(type: name ?? value["type"]?.stringValue ?? "", value: value, callId: id))
      }
    }
    for delta in deltas {
      switch delta.kind {
      case .text(let channel, let text) where channel.kind == .answer:
        if answer == nil { answer = JSONFramer(framing: .auto, parser: SimdjsonParser()) }
        take(answer!.feed(Array(text.string.utf8)), name: nil, id: nil)
      case .toolCallStarted(let start):
        framers[start.key] = (JSONFramer(framing: .value, parser: SimdjsonParser()), start.name, start.callId, [])
      case .toolArguments(let key, let text):
        guard var entry = framers[key] else { continue }
        entry.events += entry.framer.feed(Array(text.string.utf8))
        framers[key] = entry
      case .toolCallEnded(let key):
        // A call's value commits at its end signal, when its arguments are one whole value.
        guard var entry = framers[key] else { continue }
        entry.framer.finish(into: &entry.events)
        if entry.framer.status == .complete { take(entry.events, name: entry.name, id: entry.id) }
        framers[key] = nil
      default: break
      }
    }
    var outcome: FramingOutcome?
    if var answer {
      _ = answer.finish()
      outcome = switch answer.status {
      case .complete: .complete
      case .truncated: .truncated
      case .failed, .running: .failed
      }
    }
    return (actions, outcome)
  }
}

/// The chunks of `bytes` between `cuts` (strictly increasing offsets in 1..<count).
func chunks(of bytes: [UInt8], cuts: [Int]) -> [[UInt8]] {
  var out: [[UInt8]] = []
  var start = 0
  for cut in cuts where cut > start && cut < bytes.count {
    out.append(Array(bytes[start..<cut]))
    start = cut
  }
  out.append(Array(bytes[start...]))
  return out
}

/// A generated turn's dialect and form, as a test argument.
struct GeneratedTurn: Sendable, CustomTestStringConvertible {
  var dialect: DialectKind
  var form: ContentForm
  var testDescription: String { "\(dialect) \(form)" }
}
