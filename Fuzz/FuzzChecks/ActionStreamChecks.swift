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

  struct Run {
    var lines: [String] = []
    var values: [StreamValue] = []
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
      case .started(let start): run.lines.append(start.jsonLine.text)
      case .value(let value):
        run.values.append(value)
        run.lines.append(value.jsonLine.text + " \(value.textRange)")
      case .diagnostic(let diagnostic):
        run.diagnostics.append(diagnostic)
        run.lines.append(diagnostic.jsonLine.text)
      case .end(let summary):
        run.summary = summary
        run.lines.append("\(summary)")
      case .delta: break
      }
    }
    return run
  }
}
