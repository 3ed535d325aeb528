import SlateStream
import SlateTurn
import SlateJSON
import SlateSSE

/// The action stream's properties, checked by fuzz-dialect on the same input:
/// 1. No trap; the same items (starts, values, diagnostics, the summary; deltas aside)
///    whether the raw bytes arrive whole or in chunks.
/// 2. Every value and diagnostic carries a raw offset within the stream; a value's text
///    range is non-empty (or the empty range of a call with no arguments) and lies within
///    what its channel received; indices count 0, 1, 2… in commit order.
/// 3. The summary counts what was reported: values, diagnostics, error diagnostics.
/// 4. A gap poisons its channel (``gapPoisoning(_:kind:flushOnEOF:event:ends:)``): with one
///    event's data made unreadable, the values committed before it stand, no answer-text
///    value completes after it, a call committed after it started after it, every
///    `stream.gap` is at the event's offset, and the status is `failed` when one was
///    reported or when the event carried text or call content and another event followed
///    (not `complete` when it was the last); whole and chunked agree.
public enum ActionStreamChecks {
  public static func chunkInvariance(_ bytes: UnsafeRawBufferPointer, kind: DialectKind, flushOnEOF: Bool, ends: [Int]) {
    let options = ActionStreamOptions(dialect: kind, sse: SSEParser.Options(flushOnEOF: flushOnEOF, reportsComments: false),
                                      emitsDeltas: false)
    let whole = run(options, [bytes])
    let chunked = run(options, bytes.chunks(endingAt: ends))
    precondition(whole.lines == chunked.lines, "chunking changed what the action stream reported")
    let summary: StreamSummary = whole.summary
    precondition(summary.values == whole.values.count, "the summary miscounts the values")
    precondition(summary.diagnostics == whole.diagnostics.count, "the summary miscounts the diagnostics")
    precondition(summary.errors == whole.diagnostics.filter { $0.severity == .error }.count, "the summary miscounts errors")
    precondition(summary.bytes == bytes.count, "the summary miscounts the bytes")
    for (i, value) in whole.values.enumerated() {
      precondition(value.index == i, "values are not indexed in commit order")
      precondition((0...bytes.count).contains(value.streamOffset), "a value's raw offset is outside the stream")
      precondition(value.textRange.lowerBound >= 0, "a value's text range starts before its channel")
      precondition(!value.textRange.isEmpty || value.toolName != nil, "an empty answer-text value")
    }
    for diagnostic in whole.diagnostics {
      precondition((0...bytes.count).contains(diagnostic.streamOffset), "a diagnostic's raw offset is outside the stream")
    }
  }

  /// Property 4, on event number `event` (modulo the events) of `bytes`.
  public static func gapPoisoning(_ bytes: UnsafeRawBufferPointer, kind: DialectKind, flushOnEOF: Bool, event: Int,
                                  ends: [Int])
  {
    let sseOptions = SSEParser.Options(flushOnEOF: flushOnEOF, reportsComments: false)
    var parser = SSEParser(options: sseOptions)
    let events = (parser.feed(bytes) + parser.finish()).compactMap(\.event)
    guard !events.isEmpty else { return }
    let chosen = events[event % events.count]
    // Its first data byte becomes `#`: the data is no longer JSON, every offset stays.
    var corrupted = Array(bytes)
    var i = chosen.byteRange.lowerBound
    var target: Int?
    while i + 5 <= chosen.byteRange.upperBound, target == nil {
      let lineStart = i == chosen.byteRange.lowerBound || corrupted[i - 1] == 0x0A || corrupted[i - 1] == 0x0D
      if lineStart, corrupted[i..<(i + 5)].elementsEqual("data:".utf8) {
        var j = i + 5
        if j < chosen.byteRange.upperBound, corrupted[j] == 0x20 { j += 1 }
        if j < chosen.byteRange.upperBound, corrupted[j] != 0x0A, corrupted[j] != 0x0D { target = j }
      }
      i += 1
    }
    guard let target else { return }
    corrupted[target] = UInt8(ascii: "#")
    let gap = chosen.byteRange.lowerBound

    var options = ActionStreamOptions(dialect: kind, sse: sseOptions, emitsDeltas: true)
    let clean = run(options, [bytes])
    options.emitsDeltas = false
    let (whole, chunked) = corrupted.withUnsafeBytes { (run(options, [$0]), run(options, $0.chunks(endingAt: ends))) }
    precondition(whole.lines == chunked.lines, "chunking changed what the action stream reported after a gap")
    func line(_ v: StreamValue) -> String { "\(v.index) \(v.channel) \(v.streamOffset) \(v.textRange) \(v.value.canonicalString)" }
    precondition(whole.values.filter { $0.streamOffset < gap }.map(line) == clean.values.filter { $0.streamOffset < gap }.map(line),
                 "a gap changed the values committed before it")
    if chosen.type != "error" {
      for value in whole.values where value.streamOffset >= gap {
        guard case .call = value.channel else { preconditionFailure("an answer-text value completed after a gap") }
        let start = whole.starts.last { $0.channel == value.channel && $0.streamOffset <= value.streamOffset }
        precondition((start?.streamOffset ?? -1) > gap, "a call open across a gap was committed")
      }
    }
    let gaps = whole.diagnostics.filter { $0.code == "stream.gap" }
    // Gaps are at the corrupted event, or where the input already lost an event.
    let losses: Set<DiagnosticCode> = ["dialect.invalid_payload", "sse.line_too_long", "sse.event_too_large"]
    let allowed = Set(clean.diagnostics.filter { losses.contains($0.code) }.map(\.streamOffset)).union([gap])
    precondition(gaps.allSatisfy { allowed.contains($0.streamOffset) }, "a stream.gap away from any lost event")
    let carried = clean.deltas.contains { delta in
      guard delta.offset == gap else { return false }
      switch delta.kind {
      case .text, .toolArguments, .toolCallStarted, .toolCallEnded: return true
      default: return false
      }
    }
    let last = chosen.byteRange == events.last!.byteRange
    if !gaps.isEmpty || (carried && !last) {
      precondition(whole.summary.status.name == "failed", "a gap that cut content left the status \(whole.summary.status)")
    } else if carried {
      precondition(whole.summary.status != .complete, "losing the last event's content left the stream complete")
    }
  }

  struct Run {
    var lines: [String] = []
    var values: [StreamValue] = []
    var starts: [ActionStart] = []
    var deltas: [Delta] = []
    var diagnostics: [StreamDiagnostic] = []
    var summary: StreamSummary!
  }

  static func run(_ options: ActionStreamOptions, _ chunks: [UnsafeRawBufferPointer]) -> Run {
    var stream = ActionStream(options: options)
    var items: [StreamItem] = []
    for chunk in chunks { stream.feed(chunk, into: &items) }
    stream.finish(into: &items)
    var run = Run()
    for item in items {
      switch item {
      case .started(let start):
        run.starts.append(start)
        run.lines.append(start.jsonLine.text)
      case .value(let value):
        run.values.append(value)
        run.lines.append(value.jsonLine.text + " \(value.textRange)")
      case .diagnostic(let diagnostic):
        run.diagnostics.append(diagnostic)
        run.lines.append(diagnostic.jsonLine.text)
      case .end(let summary):
        run.summary = summary
        run.lines.append("\(summary)")
      case .delta(let delta): run.deltas.append(delta)
      }
    }
    return run
  }
}
