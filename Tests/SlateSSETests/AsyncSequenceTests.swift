import SlateSSE
import SlateTestSupport
import Testing

/// The AsyncSequence adapter yields what feeding the same chunks directly yields.
@Suite struct AsyncSequenceTests {
  static let stream = (": keep-alive\n\nevent: a\ndata: 1\r\n\r\nid: 5\ndata: ✔\n\nretry: 30\ndata: cut".bytes)

  static func chunks(_ bytes: [UInt8], seed: UInt64) -> [ArraySlice<UInt8>] {
    SeededChunking.chunks(of: bytes, cuts: SeededChunking.randomCuts(count: bytes.count, maxChunk: 5, seed: seed))
  }

  @Test(arguments: [false, true])
  func yieldsWhatFeedingYields(flushOnEOF: Bool) async {
    let options = SSEParser.Options(flushOnEOF: flushOnEOF)
    for seed in UInt64(1)...5 {
      let chunks = Self.chunks(Self.stream, seed: seed)
      let source = AsyncStream<ArraySlice<UInt8>> { continuation in
        for chunk in chunks { continuation.yield(chunk) }
        continuation.finish()
      }
      var yielded: [SSEOutput] = []
      for await output in source.serverSentEvents(options: options) { yielded.append(output) }
      let direct = ParserRun(Self.stream, cuts: SeededChunking.randomCuts(count: Self.stream.count, maxChunk: 5, seed: seed), options: options)
      #expect(yielded == direct.outputs)
      #expect(yielded.contains { $0.diagnostic?.code == .sseUnterminatedEvent })
      #expect(yielded.compactMap(\.event).count == (flushOnEOF ? 3 : 2))
    }
  }

  struct Broken: Error, Equatable {}

  @Test func baseErrorsPropagateAfterEarlierOutputs() async {
    let source = AsyncThrowingStream<[UInt8], any Error> { continuation in
      continuation.yield("data: a\n\ndata: b".bytes)
      continuation.finish(throwing: Broken())
    }
    var yielded: [SSEOutput] = []
    await #expect(throws: Broken.self) {
      for try await output in SSEAsyncSequence(source) { yielded.append(output) }
    }
    #expect(yielded.map(\.event?.data) == ["a"])
  }
}
