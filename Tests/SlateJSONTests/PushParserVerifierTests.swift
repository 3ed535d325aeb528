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

  /// Sums integers, reporting each running total; `perChunk` also reports each chunk,
  /// `leaky` reports on every `finish`: the element verifier (a dialect's events) catches
  /// the same breaches as the byte verifier.
  struct Summer: ElementParser {
    var perChunk = false
    var leaky = false
    var total = 0
    var finished = false

    mutating func feed(_ elements: ArraySlice<Int>, into outputs: inout [String]) {
      for element in elements {
        total += element
        outputs.append("total \(total)")
      }
      if perChunk { outputs.append("chunk") }
    }

    mutating func finish(into outputs: inout [String]) -> Int {
      if leaky || !finished { outputs.append("end \(total)") }
      finished = true
      return total
    }
  }

  static let numbers = [3, 1, 4, 1, 5, 9, 2, 6]

  static func difference(_ parser: Summer) -> String? {
    PushParserVerifier.firstDifference(
      { parser }, elements: numbers,
      chunkings: PushParserVerifier.chunkings(count: numbers.count, exhaustiveUpTo: 64, fixed: [3], random: [(1, 4)])
    ) { $0.outputs }
  }

  @Test func anElementParserThatKeepsTheContractPasses() {
    #expect(Self.difference(Summer()) == nil)
    var seen: [Int] = []
    let run = PushParserVerifier.run(Summer(), elements: Self.numbers, cuts: [2, 5]) { parser, number in
      seen.append(parser.total)
      #expect(number == seen.count - 1)
    }
    #expect(seen == [4, 14, 31], "the parser after each chunk: \(seen)")
    #expect(run.summary == 31 && run.leftovers.isEmpty)
    #expect(run.finishStart == Self.numbers.count && run.outputs[run.finishStart...] == ["end 31"])
  }

  @Test func anElementParserDependingOnTheChunkingIsCaught() {
    let difference = Self.difference(Summer(perChunk: true))
    #expect(difference?.hasPrefix("one byte at a time") == true, "\(difference ?? "nil")")
  }

  @Test func anElementParsersLeftoversAreCaught() {
    let difference = Self.difference(Summer(leaky: true))
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
