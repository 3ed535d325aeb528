@testable import SlateSSE
import SlateTestSupport
import Testing

/// The byte path (``SSEParser/feed(_:to:)``, events as byte views) gives what the public
/// `[SSEOutput]` path gives, in every chunking, with data kept in place exactly when the
/// event lies inside one chunk; and its UTF-8 check agrees with the standard library's.
@Suite struct ByteSinkTests {
  /// A sink that builds each event and notes whether its data was in the chunk.
  struct Collect: SSESink {
    var outputs: [SSEOutput] = []
    var inChunk: [Bool] = []
    mutating func appendEvent(_ event: SSEEventView) {
      outputs.append(.event(event.event))
      inChunk.append(event.dataIsInChunk)
    }
    mutating func append(_ output: SSEOutput) { outputs.append(output) }
  }

  static let stream = Array((": hi\n\nevent: a\ndata: one\n\ndata: two\ndata: lines\n\nid: 7\ndata: caf\u{E9}\r\n\r\n"
    + "event: a\ndata: {\"x\":1}\n\ndata:\n\ndata: last").utf8)

  static func run(_ bytes: [UInt8], cuts: [Int]) -> Collect {
    var parser = SSEParser(options: SSEParser.Options(flushOnEOF: true))
    var sink = Collect()
    for chunk in SeededChunking.chunks(of: bytes, cuts: cuts) {
      chunk.withUnsafeBytes { parser.feed($0, to: &sink) }
    }
    parser.finish(to: &sink)
    return sink
  }

  @Test func givesWhatTheOutputArrayGivesInEveryChunking() {
    let expected = ParserRun(Self.stream, options: SSEParser.Options(flushOnEOF: true)).outputs
    let whole = Self.run(Self.stream, cuts: [])
    #expect(whole.outputs == expected)
    // Whole: every event with one data line lies in the chunk; the two-line one and the
    // one flushed at the end were copied.
    #expect(whole.inChunk == [true, false, true, true, true, false])
    let single = Self.run(Self.stream, cuts: Array(1..<Self.stream.count))
    #expect(single.outputs == expected)
    #expect(!single.inChunk.contains(true), "1-byte chunks: no event lies inside one chunk")
    for seed in 0..<30 as Range<UInt64> {
      let cuts = SeededChunking.randomCuts(count: Self.stream.count, maxChunk: 9, seed: seed)
      #expect(Self.run(Self.stream, cuts: cuts).outputs == expected, "seed \(seed)")
    }
  }

  @Test func invalidUTF8IsRepairedOnTheBytePathToo() {
    let bytes: [UInt8] = Array("data: a".utf8) + [0xC3] + Array("b\n\n".utf8)
    let run = Self.run(bytes, cuts: [])
    #expect(run.outputs.compactMap(\.event).map(\.data) == ["a\u{FFFD}b"])
    #expect(run.outputs.first?.diagnostic?.code == .sseInvalidUTF8)
  }

  @Test func utf8CheckAgreesWithTheStandardLibrary() {
    // Every 1- and 2-byte sequence, then random runs biased towards the tricky lead bytes.
    for a in 0...255 {
      let one: [UInt8] = [UInt8(a)]
      #expect(Self.valid(one) == (String(validating: one, as: UTF8.self) != nil))
      for b in stride(from: 0, through: 255, by: 3) {
        let two: [UInt8] = [UInt8(a), UInt8(b)]
        #expect(Self.valid(two) == (String(validating: two, as: UTF8.self) != nil), "\(two)")
      }
    }
    var random = SplitMix64(seed: 16)
    let interesting: [UInt8] = [0x41, 0x7F, 0x80, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF, 0x9F, 0xA0, 0x8F, 0x90]
    for _ in 0..<20_000 {
      let count = random.within(1...12)
      let bytes = (0..<count).map { _ in random.chance(50) ? random.pick(interesting) : UInt8(random.below(256)) }
      #expect(Self.valid(bytes) == (String(validating: bytes, as: UTF8.self) != nil), "\(bytes)")
    }
    let text = Array("ASCII run of more than eight bytes, then caf\u{E9} \u{1F3AC} \u{10FFFF} and more ASCII".utf8)
    #expect(Self.valid(text))
  }

  static func valid(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBytes { SSEParser.isValidUTF8($0) } }
}
