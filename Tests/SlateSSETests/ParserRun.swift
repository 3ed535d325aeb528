import SlateSSE
import SlateTestSupport

/// Everything one parse of a whole input reports, for comparing chunkings: the SSE view of
/// a ``PushParserVerifier`` run (guard bytes around every chunk; nothing may be left after
/// `finish`, which ``leftovers`` records and `==` compares).
struct ParserRun: Equatable, CustomStringConvertible {
  var outputs: [SSEOutput]
  var lastEventId: String
  var retry: Int?
  /// What a second `finish` reported: always empty for a parser that keeps its contract.
  var leftovers: [SSEOutput]

  var events: [SSEEvent] { outputs.compactMap(\.event) }
  var comments: [SSEComment] { outputs.compactMap(\.comment) }
  var diagnostics: [SSEDiagnostic] { outputs.compactMap(\.diagnostic) }

  /// Feeds `bytes` cut at `cuts`, then finishes.
  init(_ bytes: [UInt8], cuts: [Int] = [], options: SSEParser.Options = .default) {
    self.init(PushParserVerifier.run(SSEParser(options: options), bytes, cuts: cuts))
  }

  /// A verifier run's outputs and its parser's final state.
  init(_ run: PushRun<SSEParser>) {
    self.outputs = run.outputs
    self.lastEventId = run.parser.lastEventId
    self.retry = run.parser.retry
    self.leftovers = run.leftovers
  }

  var description: String {
    (outputs.map { Self.clipped($0.description) }
      + ["lastEventId=\(lastEventId.debugDescription) retry=\(retry.map(String.init) ?? "nil")"])
      .joined(separator: "\n")
  }

  /// Where `other` first differs from this run, briefly (nil when they are equal).
  func firstDifference(from other: ParserRun) -> String? {
    if let i = outputs.indices.first(where: { $0 < other.outputs.count && outputs[$0] != other.outputs[$0] }) {
      return "output \(i): \(Self.clipped(other.outputs[i].description)), expected \(Self.clipped(outputs[i].description))"
    }
    if outputs.count != other.outputs.count {
      return "\(other.outputs.count) outputs, expected \(outputs.count):\n\(other)\nexpected:\n\(self)"
    }
    if !other.leftovers.isEmpty { return "\(other.leftovers.count) outputs after finish" }
    if lastEventId != other.lastEventId || retry != other.retry {
      return "final lastEventId/retry \(other.lastEventId.debugDescription)/\(String(describing: other.retry)), "
        + "expected \(lastEventId.debugDescription)/\(String(describing: retry))"
    }
    return nil
  }

  static func clipped(_ text: String, to limit: Int = 240) -> String {
    text.count <= limit ? text : String(text.prefix(limit)) + "… (\(text.count) characters)"
  }
}

extension String {
  var bytes: [UInt8] { Array(utf8) }
}
