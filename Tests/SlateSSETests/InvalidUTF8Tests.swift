import SlateSSE
import SlateTestSupport
import Testing

/// Invalid UTF-8 in an event's data becomes U+FFFD, as the WHATWG decoder does, and the
/// parser says so: one `sse.invalid_utf8` warning per event, before it, with the event's
/// byte range, in every chunking.
@Suite struct InvalidUTF8Tests {
  static let stream: [UInt8] = Array("data: {\"text\":\"a".utf8) + [0xFF] + Array("b\"}\n\ndata: {\"text\":\"ok\"}\n\n".utf8)

  @Test func aRawFFBecomesAReplacementCharacterWithAWarning() {
    let whole = ParserRun(Self.stream)
    #expect(whole.events.map(\.data) == ["{\"text\":\"a\u{FFFD}b\"}", "{\"text\":\"ok\"}"])
    #expect(whole.diagnostics.map(\.code) == [.sseInvalidUTF8])
    #expect(whole.diagnostics.first?.severity == .warning)
    #expect(whole.diagnostics.first?.byteRange == whole.events.first?.byteRange)
    guard case .diagnostic? = whole.outputs.first else {
      Issue.record("the warning comes before its event: \(whole)")
      return
    }
    #expect(ParserRun(Self.stream, cuts: Array(1..<Self.stream.count)) == whole)
    for seed in 0..<20 as Range<UInt64> {
      let cuts = SeededChunking.randomCuts(count: Self.stream.count, maxChunk: 7, seed: seed)
      #expect(ParserRun(Self.stream, cuts: cuts) == whole, "seed \(seed)")
    }
  }

  /// A NUL byte is valid UTF-8: the data keeps it and what follows it (the parser's
  /// validation reads the data as a C string first), without a warning, in every chunking;
  /// with an invalid byte after it, the warning is still given.
  @Test func aNULByteInTheDataIsKept() {
    let stream = Array("data: a\u{0}b\n\ndata: \u{0}".utf8) + [0xFF] + Array("\n\n".utf8)
    let whole = ParserRun(stream)
    #expect(whole.events.map(\.data) == ["a\u{0}b", "\u{0}\u{FFFD}"])
    #expect(whole.diagnostics.map(\.code) == [.sseInvalidUTF8])
    #expect(whole.diagnostics.first?.byteRange == whole.events.last?.byteRange)
    #expect(ParserRun(stream, cuts: Array(1..<stream.count)) == whole)
  }

  @Test func validUTF8SplitAcrossChunksGivesNoWarning() {
    let stream = Array("data: caf\u{E9} \u{1F3AC}\n\n".utf8)
    for size in 1...4 {
      let run = ParserRun(stream, cuts: SeededChunking.fixedCuts(count: stream.count, size: size))
      #expect(run.diagnostics.isEmpty, "chunks of \(size)")
      #expect(run.events.map(\.data) == ["caf\u{E9} \u{1F3AC}"])
    }
  }
}
