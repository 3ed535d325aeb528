import SlateSSE
import SlateTestSupport

/// Everything one parse of a whole input reports, for comparing chunkings.
struct ParserRun: Equatable, CustomStringConvertible {
  var outputs: [SSEOutput]
  var lastEventId: String
  var retry: Int?

  var events: [SSEEvent] { outputs.compactMap(\.event) }
  var comments: [SSEComment] { outputs.compactMap(\.comment) }
  var diagnostics: [SSEDiagnostic] { outputs.compactMap(\.diagnostic) }

  /// Feeds `bytes` cut at `cuts`, then finishes.
  init(_ bytes: [UInt8], cuts: [Int] = [], options: SSEParser.Options = .default) {
    var parser = SSEParser(options: options)
    var outputs: [SSEOutput] = []
    for chunk in SeededChunking.chunks(of: bytes, cuts: cuts) {
      chunk.withUnsafeBytes { parser.feed($0, into: &outputs) }
    }
    parser.finish(into: &outputs)
    self.outputs = outputs
    self.lastEventId = parser.lastEventId
    self.retry = parser.retry
  }

  /// One byte per `feed` call.
  static func byteByByte(_ bytes: [UInt8], options: SSEParser.Options = .default) -> ParserRun {
    ParserRun(bytes, cuts: SeededChunking.fixedCuts(count: bytes.count, size: 1), options: options)
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
