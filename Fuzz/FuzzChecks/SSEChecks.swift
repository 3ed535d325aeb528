import SlateSSE

extension FuzzChecks {
  /// The SSE parser gives the same outputs (events, comments, diagnostics, byte ranges)
  /// for the whole input as for a chunking derived from the input itself, under small
  /// limits so that the limit paths are fuzzed too; every byte range lies inside the input.
  public static func sseChunkInvariance(_ bytes: UnsafeRawBufferPointer) {
    guard let first = bytes.first else { return }
    let options = SSEParser.Options(limits: SSELimits(maxLineBytes: 64, maxEventDataBytes: 128),
                                    flushOnEOF: first & 1 == 1)
    var whole = SSEParser(options: options)
    var expected = whole.feed(bytes)
    expected += whole.finish()

    var chunked = SSEParser(options: options)
    var outputs: [SSEOutput] = []
    var random = FuzzRandom(seed: UInt64(first))
    for chunk in bytes.chunks(endingAt: random.chunkEnds(count: bytes.count, maxChunk: 9)) {
      outputs += chunked.feed(chunk)
    }
    outputs += chunked.finish()
    precondition(outputs == expected, "chunked outputs differ from whole-input outputs")
    precondition(whole.lastEventId == chunked.lastEventId && whole.retry == chunked.retry, "final state differs")
    for case .event(let event) in expected {
      precondition(event.byteRange.lowerBound >= 0 && event.byteRange.upperBound <= bytes.count, "range outside input")
    }
  }
}
