import SlateStream
import SlateJSON
import SlateTestSupport

/// Runs an action stream over chunks and renders what it reported as comparable lines
/// (deltas left out: they carry what one chunk carried).
struct StreamRun {
  var lines: [String] = []
  var values: [StreamValue] = []
  var diagnostics: [StreamDiagnostic] = []
  var starts: [ActionStart] = []
  var summary: StreamSummary!

  /// What a second `finish` reported: always empty for a stream that keeps its contract.
  var leftovers: [StreamItem] = []

  /// The action stream's view of a ``PushParserVerifier`` run over `bytes` cut at `cuts`.
  init(_ bytes: [UInt8], options: ActionStreamOptions = .default, cuts: [Int] = []) {
    let run = PushParserVerifier.run(ActionStream(options: options), bytes, cuts: cuts)
    summary = run.summary
    leftovers = run.leftovers
    absorb(run.outputs)
    if !leftovers.isEmpty { lines.append("\(leftovers.count) items after finish") }
  }

  init(items: [StreamItem]) { absorb(items) }

  mutating func absorb(_ items: [StreamItem]) {
    for item in items {
      switch item {
      case .delta: continue
      case .started(let start):
        starts.append(start)
        lines.append("started \(start.channel) @\(start.streamOffset) +\(start.textOffset) \(start.type.canonicalString) \(JSONValue.object(start.keys).canonicalString) \(start.callId ?? "-")")
      case .value(let value):
        values.append(value)
        lines.append("value \(value.index) \(value.channel) @\(value.streamOffset) \(value.textRange) \(value.toolName ?? "-") \(value.callId ?? "-") \(value.value.canonicalString)")
      case .diagnostic(let diagnostic):
        diagnostics.append(diagnostic)
        lines.append("diagnostic \(diagnostic)")
      case .end(let summary):
        self.summary = summary
        lines.append("end \(summary)")
      }
    }
  }

  var codes: [String] { diagnostics.map(\.code.rawValue) }
  var canonicalValues: [String] { values.map(\.value.canonicalString) }
}
