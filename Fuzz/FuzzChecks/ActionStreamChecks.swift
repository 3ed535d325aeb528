import SlateStream
import SlateTurn
import SlateJSON
import SlateSSE
import SlateTestSupport

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
///    (not `complete` when it was the last); whole and chunked agree. (Not where the input is
///    read as raw text, `auto` detecting no provider: it has no events to lose.)
public enum ActionStreamChecks {
  public static func chunkInvariance(_ bytes: UnsafeRawBufferPointer, kind: DialectKind, flushOnEOF: Bool, ends: [Int]) {
    let options = ActionStreamOptions(dialect: kind, sse: SSEParser.Options(flushOnEOF: flushOnEOF, reportsComments: false),
                                      emitsDeltas: false)
    let whole = Run(options, bytes)
    let chunked = Run(options, bytes, cuts: ends)
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
    let target = dataByte(of: chosen.byteRange, in: corrupted)
    guard let target else { return }
    corrupted[target] = UInt8(ascii: "#")
    let gap = chosen.byteRange.lowerBound

    var options = ActionStreamOptions(dialect: kind, sse: sseOptions, emitsDeltas: true)
    let clean = Run(options, bytes)
    options.emitsDeltas = false
    let whole = Run(options, corrupted)
    let chunked = Run(options, corrupted, cuts: ends)
    precondition(whole.lines == chunked.lines, "chunking changed what the action stream reported after a gap")
    // Read as raw text (`auto` detecting no provider), the input has no events to lose: the
    // corrupted byte is a byte of the answer text.
    guard whole.summary.dialect != .text, clean.summary.dialect != .text else { return }
    precondition(whole.values.filter { $0.streamOffset < gap }.map { Run.line($0) }
      == clean.values.filter { $0.streamOffset < gap }.map { Run.line($0) },
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

  /// The first byte of the first non-empty data value of the event at `range` of `bytes`
  /// (the byte a gap test makes unreadable), or nil when the event has none.
  public static func dataByte(of range: Range<Int>, in bytes: [UInt8]) -> Int? {
    var i = range.lowerBound
    while i + 5 <= range.upperBound {
      let lineStart = i == range.lowerBound || bytes[i - 1] == 0x0A || bytes[i - 1] == 0x0D
      if lineStart, bytes[i..<(i + 5)].elementsEqual("data:".utf8) {
        var j = i + 5
        if j < range.upperBound, bytes[j] == 0x20 { j += 1 }
        if j < range.upperBound, bytes[j] != 0x0A, bytes[j] != 0x0D { return j }
      }
      i += 1
    }
    return nil
  }

  /// What one action stream reported over one input, read through the one push-parser
  /// verifier (``PushParserVerifier/run(_:_:cuts:afterChunk:)``: each chunk between guard
  /// bytes): every item as a line (to compare chunkings), and the items by kind.
  public struct Run {
    public var lines: [String] = []
    public var values: [StreamValue] = []
    public var starts: [ActionStart] = []
    public var deltas: [Delta] = []
    public var diagnostics: [StreamDiagnostic] = []
    public var summary: StreamSummary!
    /// What a second `finish` reported (nothing, for a stream that keeps the contract).
    public var leftovers: [StreamItem] = []

    /// Reads `bytes` cut at `cuts` (offsets outside `1..<count` are ignored) with `options`.
    public init(_ options: ActionStreamOptions, _ bytes: some Collection<UInt8>, cuts: [Int] = []) {
      let run = PushParserVerifier.run(ActionStream(options: options), bytes, cuts: cuts)
      leftovers = run.leftovers
      for item in run.outputs {
        switch item {
        case .started(let start):
          starts.append(start)
          lines.append(start.jsonLine.text)
        case .value(let value):
          values.append(value)
          lines.append(value.jsonLine.text + " \(value.textRange)")
        case .diagnostic(let diagnostic):
          diagnostics.append(diagnostic)
          lines.append(diagnostic.jsonLine.text)
        case .end(let summary):
          self.summary = summary
          lines.append("\(summary)")
        case .delta(let delta): deltas.append(delta)
        }
      }
    }

    /// A value as a line; `index: false` leaves out its position, raw offset and call key
    /// (a call whose start was lost and that a later event gives whole, as Responses'
    /// `output_item.done` does, commits there; Gemini numbers calls by arrival, so a lost
    /// chunk of whole calls renumbers the later ones).
    public static func line(_ value: StreamValue, index: Bool = true) -> String {
      "value \(index ? "\(value.index) @\(value.streamOffset) \(value.channel)" : "-") \(value.textRange) \(value.toolName ?? "-") \(value.value.canonicalString)"
    }
  }
}
