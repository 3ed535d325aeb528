import SlateCore

/// What one push parser reported over one input cut into chunks: its outputs in order, the
/// summary ``PushParser/finish(into:)`` returned, the parser as it was left, and what a
/// second `finish` reported (the leftovers: nothing, for a parser that keeps its contract).
public struct PushRun<Parser: PushParser> {
  public var outputs: [Parser.Output]
  public var summary: Parser.Summary
  public var parser: Parser
  /// What a second `finish` appended. Empty unless the parser left something behind.
  public var leftovers: [Parser.Output]
}

/// One test verifier for every push parser (the SSE parser, the JSON framer, the action
/// stream, the turn pipeline), after swift-nio's `ByteToMessageDecoderVerifier`: it feeds
/// the same input whole, one byte at a time, at every split point (short inputs), in
/// seeded random chunks and in fixed-size chunks, and asks that every chunking give what
/// the whole input gives, and that nothing is left after `finish`.
///
/// Every chunk is handed to the parser as a span inside a larger buffer, between guard
/// bytes that mean something to every parser here (a line feed, a quote, braces, a colon):
/// a parser that reads outside the span it was given reads them and goes wrong visibly.
public enum PushParserVerifier {
  /// A way of cutting an input: its cut offsets (strictly increasing, each in `1..<count`)
  /// and a name for messages.
  public struct Chunking: Sendable, CustomStringConvertible {
    public var name: String
    public var cuts: [Int]

    public init(_ name: String, cuts: [Int]) {
      self.name = name
      self.cuts = cuts
    }

    /// The input in one chunk.
    public static let whole = Chunking("whole", cuts: [])

    /// Chunks of `size` bytes (the last may be shorter); `size` 1 drip-feeds the input.
    public static func fixed(count: Int, size: Int) -> Chunking {
      Chunking(size == 1 ? "one byte at a time" : "\(size) bytes", cuts: SeededChunking.fixedCuts(count: count, size: size))
    }

    /// One cut at `offset`.
    public static func split(at offset: Int) -> Chunking { Chunking("split at \(offset)", cuts: [offset]) }

    /// Chunks of random sizes 1…`maxChunk` drawn from ``SplitMix64`` seeded with `seed`.
    public static func random(count: Int, seed: UInt64, maxChunk: Int) -> Chunking {
      Chunking("seed \(seed) max \(maxChunk)", cuts: SeededChunking.randomCuts(count: count, maxChunk: maxChunk, seed: seed))
    }

    public var description: String {
      cuts.count > 12 ? "\(name) (\(cuts.count) cuts)" : "\(name) \(cuts)"
    }
  }

  /// The bytes around every chunk (see the type's documentation).
  static let guardBytes = Array("\n\"{[:".utf8)

  /// Feeds `bytes` to `parser` cut at `cuts` (each chunk between guard bytes), finishes,
  /// then finishes again to collect leftovers. `afterChunk` sees the parser after each
  /// chunk with the chunk's number (to look at its state mid-input). O(bytes) plus the
  /// parser's work.
  public static func run<Parser: PushParser>(_ parser: Parser, _ bytes: some Collection<UInt8>, cuts: [Int] = [],
                                             afterChunk: (inout Parser, Int) -> Void = { _, _ in }) -> PushRun<Parser>
  {
    let run = run(GuardedBytes(parser: parser), elements: Array(bytes), cuts: cuts) { afterChunk(&$0.parser, $1) }
    return PushRun(outputs: run.outputs, summary: run.summary, parser: run.parser.parser, leftovers: run.leftovers)
  }

  /// Feeds `elements` to `parser` cut at `cuts`, finishes, then finishes again to collect
  /// leftovers: the run every other is built on (a byte parser's runs feed its chunks
  /// between guard bytes through it). O(elements) plus the parser's work.
  public static func run<Parser: ElementParser>(_ parser: Parser, elements: [Parser.Element], cuts: [Int] = [],
                                                afterChunk: (inout Parser, Int) -> Void = { _, _ in })
    -> ElementRun<Parser>
  {
    var parser = parser
    var outputs: [Parser.Output] = []
    for (number, chunk) in SeededChunking.chunks(of: elements, cuts: cuts).enumerated() {
      parser.feed(chunk, into: &outputs)
      afterChunk(&parser, number)
    }
    let finishStart = outputs.count
    let summary = parser.finish(into: &outputs)
    var leftovers: [Parser.Output] = []
    parser.finish(into: &leftovers)
    return ElementRun(outputs: outputs, finishStart: finishStart, summary: summary, parser: parser, leftovers: leftovers)
  }

  /// A byte parser as an element parser whose every chunk is a span between guard bytes.
  struct GuardedBytes<Parser: PushParser>: ElementParser {
    var parser: Parser
    var buffer: [UInt8] = []

    mutating func feed(_ chunk: ArraySlice<UInt8>, into outputs: inout [Parser.Output]) {
      buffer.removeAll(keepingCapacity: true)
      buffer += guardBytes
      buffer += chunk
      buffer += guardBytes
      buffer.withUnsafeBytes { all in
        parser.feed(UnsafeRawBufferPointer(rebasing: all[guardBytes.count..<guardBytes.count + chunk.count]), into: &outputs)
      }
    }

    mutating func finish(into outputs: inout [Parser.Output]) -> Parser.Summary { parser.finish(into: &outputs) }
  }

  /// The chunkings of an input of `count` bytes, whole first: one byte at a time, then
  /// every single split point when `count` ≤ `exhaustiveUpTo`, then each `fixed` size,
  /// then each seeded random chunking.
  public static func chunkings(count: Int, exhaustiveUpTo: Int = 0, fixed: [Int] = [],
                               random: [(seed: UInt64, maxChunk: Int)] = []) -> [Chunking]
  {
    var all: [Chunking] = [.whole, .fixed(count: count, size: 1)]
    if count <= exhaustiveUpTo { all += (1..<max(count, 1)).map { Chunking.split(at: $0) } }
    all += fixed.map { Chunking.fixed(count: count, size: $0) }
    all += random.map { Chunking.random(count: count, seed: $0.seed, maxChunk: $0.maxChunk) }
    return all
  }

  /// The first chunking (after the first, the reference) whose `transcript` differs from
  /// the reference's, or whose run left something after `finish`: a message naming it,
  /// or nil when every chunking agrees. `make` gives a fresh parser per run.
  public static func firstDifference<Parser: PushParser, Transcript: Equatable>(
    _ make: () -> Parser, _ bytes: [UInt8], chunkings: [Chunking], transcript: (PushRun<Parser>) -> Transcript
  ) -> String? {
    firstDifference({ GuardedBytes(parser: make()) }, elements: bytes, chunkings: chunkings) { run in
      transcript(PushRun(outputs: run.outputs, summary: run.summary, parser: run.parser.parser, leftovers: run.leftovers))
    }
  }

  /// ``firstDifference(_:_:chunkings:transcript:)`` for a parser of any elements.
  public static func firstDifference<Parser: ElementParser, Transcript: Equatable>(
    _ make: () -> Parser, elements: [Parser.Element], chunkings: [Chunking], transcript: (ElementRun<Parser>) -> Transcript
  ) -> String? {
    guard let first = chunkings.first else { return nil }
    let reference = run(make(), elements: elements, cuts: first.cuts)
    if !reference.leftovers.isEmpty { return "\(first): \(reference.leftovers.count) outputs after finish" }
    let expected = transcript(reference)
    for chunking in chunkings.dropFirst() {
      let other = run(make(), elements: elements, cuts: chunking.cuts)
      if !other.leftovers.isEmpty { return "\(chunking): \(other.leftovers.count) outputs after finish" }
      let got = transcript(other)
      if got != expected { return "\(chunking): \(got) instead of \(expected)" }
    }
    return nil
  }
}

/// A push parser of elements that are not bytes (a dialect reads SSE events), for the
/// verifier: the ``PushParser`` contract over slices of any element type.
public protocol ElementParser {
  associatedtype Element
  associatedtype Output
  associatedtype Summary = Void

  /// Reads the next chunk of elements, appending what it completed.
  mutating func feed(_ elements: ArraySlice<Element>, into outputs: inout [Output])

  /// Ends the input: appends the tail and returns the summary.
  @discardableResult
  mutating func finish(into outputs: inout [Output]) -> Summary
}

/// What one element parser reported over one input cut into chunks (see ``PushRun``), and
/// where the outputs of `finish` begin.
public struct ElementRun<Parser: ElementParser> {
  public var outputs: [Parser.Output]
  /// The index in ``outputs`` of the first output `finish` appended.
  public var finishStart: Int
  public var summary: Parser.Summary
  public var parser: Parser
  /// What a second `finish` appended. Empty unless the parser left something behind.
  public var leftovers: [Parser.Output]
}
