import SlateJSON
import SlateTestSupport
import Testing

/// The verifier itself fails where a parser breaks the push-parser contract: a parser
/// that reads past the span it was given, one that depends on how the input was cut, one
/// that leaves something after `finish`; and it passes one that keeps it.
@Suite struct PushParserVerifierTests {
  /// Counts line feeds, reporting one output per line; `overRead` scans one byte past the
  /// span (into the verifier's guard bytes), `perChunk` also reports each chunk,
  /// `leaky` reports on every `finish`.
  struct LineCounter: PushParser {
    var overRead = false
    var perChunk = false
    var leaky = false
    var lines = 0

    mutating func feed(_ bytes: UnsafeRawBufferPointer, into outputs: inout [String]) {
      guard let base = bytes.baseAddress else { return }
      let count = overRead ? bytes.count + 1 : bytes.count
      for i in 0..<count where base.load(fromByteOffset: i, as: UInt8.self) == UInt8(ascii: "\n") {
        lines += 1
        outputs.append("line \(lines)")
      }
      if perChunk { outputs.append("chunk") }
    }

    mutating func finish(into outputs: inout [String]) {
      if leaky || lines > 0 { outputs.append("end \(lines)") }
      lines = 0
    }
  }

  static let input = Array("a\nbb\n\nccc\n".utf8)

  static func difference(_ parser: LineCounter) -> String? {
    PushParserVerifier.firstDifference(
      { parser }, input,
      chunkings: PushParserVerifier.chunkings(count: input.count, exhaustiveUpTo: 64, fixed: [3],
                                              random: [(1, 4), (2, 7)])
    ) { $0.outputs }
  }

  @Test func aParserThatKeepsTheContractPasses() {
    #expect(Self.difference(LineCounter()) == nil)
    let run = PushParserVerifier.run(LineCounter(), Self.input, cuts: [1, 2, 3])
    #expect(run.outputs == ["line 1", "line 2", "line 3", "line 4", "end 4"] && run.leftovers.isEmpty)
  }

  @Test func readingPastTheSpanIsCaught() {
    #expect(Self.difference(LineCounter(overRead: true)) != nil)
  }

  @Test func dependingOnTheChunkingIsCaught() {
    let difference = Self.difference(LineCounter(perChunk: true))
    #expect(difference?.hasPrefix("one byte at a time") == true, "\(difference ?? "nil")")
  }

  @Test func leftoversAfterFinishAreCaught() {
    let difference = Self.difference(LineCounter(leaky: true))
    #expect(difference?.contains("after finish") == true, "\(difference ?? "nil")")
  }

  /// The overloads and the adapter come from the protocol: a byte array, a slice, any
  /// sequence, and an `AsyncSequence` of chunks give what the span requirement gives.
  @Test func theOverloadsAndTheAdapterFeedTheSameBytes() async {
    var parser = LineCounter()
    var outputs = parser.feed(Self.input[0..<5])
    outputs += parser.feed(Array(Self.input[5...]))
    outputs += parser.finish()
    var other = LineCounter()
    let lazy = other.feed(Self.input.lazy.map { $0 }) + other.finish()
    #expect(outputs == lazy && outputs == PushParserVerifier.run(LineCounter(), Self.input).outputs)
    if #available(macOS 15.0, *) {
      let chunks = AsyncStream<[UInt8]> { continuation in
        for chunk in SeededChunking.chunks(of: Self.input, cuts: [3, 4, 9]) { continuation.yield(Array(chunk)) }
        continuation.finish()
      }
      var adapted: [String] = []
      for await output in chunks.parsed(by: LineCounter()) { adapted.append(output) }
      #expect(adapted == outputs)
    }
  }
}
