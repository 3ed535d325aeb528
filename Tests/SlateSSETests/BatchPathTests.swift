import SlateCore
import SlateTestSupport
import Testing

@testable import SlateSSE

/// The batch path (``SSEParser/feed(_:batch:)``, the action stream's) gives what the public
/// `[SSEOutput]` path gives, in every chunking: its 1-byte chunks that continue a line are
/// held in the parser (`pendingBytes`, up to 64, moved to the line buffer before any other
/// chunk or the end), so the lines, their limits and the end of the stream are checked
/// with bytes held there; and with ``SSEEventBatch/defersUTF8Check`` the events come
/// unchecked and, once decoded as the action stream does, give the same outputs.
@Suite struct BatchPathTests {
  /// The batch's outputs as the `[SSEOutput]` path gives them: each event built (its data
  /// checked and repaired here when the parser deferred the check, as the action stream does).
  static func run(_ bytes: [UInt8], cuts: [Int], options: SSEParser.Options, defers: Bool, wholeEvents: Bool = true)
    -> [SSEOutput]
  {
    var parser = SSEParser(options: options)
    parser.readsWholeEvents = wholeEvents
    var batch = SSEEventBatch()
    batch.defersUTF8Check = defers
    var outputs: [SSEOutput] = []
    func drain() {
      batch.withContents { contents in
        for item in batch.items {
          switch item {
          case .event(let type, let data, let range, let checked):
            #expect(checked == !defers)
            let (name, data) = contents.event(type, data)
            if !checked && !SSEParser.isValidUTF8(data) { outputs.append(.diagnostic(.invalidUTF8(byteRange: range))) }
            outputs.append(.event(SSEEvent(
              type: name.isEmpty ? "message" : String(decoding: name, as: UTF8.self),
              data: String(decoding: data.assumingMemoryBound(to: UInt8.self), as: UTF8.self),
              lastEventId: "", retry: nil, byteRange: range)))
          case .output(let output):
            outputs.append(output)
          }
        }
      }
      batch.removeAll()
    }
    for chunk in SeededChunking.chunks(of: bytes, cuts: cuts) {
      chunk.withUnsafeBytes { _ = parser.feed($0, batch: &batch) }
      drain()
    }
    parser.finish(batch: &batch)
    drain()
    return outputs
  }

  /// The public path's outputs, events without their ID and retry (the batch keeps neither).
  static func expected(_ bytes: [UInt8], options: SSEParser.Options) -> [SSEOutput] {
    ParserRun(bytes, options: options).outputs.map {
      guard case .event(var event) = $0 else { return $0 }
      event.lastEventId = ""
      event.retry = nil
      return .event(event)
    }
  }

  static func agree(_ bytes: [UInt8], options: SSEParser.Options, _ label: String) {
    let expected = Self.expected(bytes, options: options)
    var chunkings: [(String, [Int])] = [("whole", []), ("byte by byte", Array(1..<max(bytes.count, 1)))]
    for seed in 1...4 as ClosedRange<UInt64> {
      chunkings.append(("seed \(seed)", SeededChunking.randomCuts(count: bytes.count, maxChunk: seed == 1 ? 3 : 90, seed: seed)))
    }
    // Runs of single bytes, then a larger chunk, around the 64 bytes held at most.
    var mixed: [Int] = []
    var position = 0
    var random = SplitMix64(seed: 99)
    while position < bytes.count {
      for _ in 0..<random.within(1...140) { position += 1; mixed.append(position) }
      position += random.within(2...40)
      mixed.append(position)
    }
    chunkings.append(("mixed", mixed))
    for (name, cuts) in chunkings {
      for defers in [false, true] {
        #expect(Self.run(bytes, cuts: cuts, options: options, defers: defers) == expected, "\(label) \(name) defers \(defers)")
      }
    }
  }

  static let stream: [UInt8] = {
    var s = Array(": hi\n\nevent: a\ndata: one\n\ndata: two\ndata: lines\n\nid: 7\ndata: caf\u{E9}\r\n\r\n".utf8)
    s += Array("data: \(String(repeating: "long line ", count: 40))\r\rdata:".utf8) + [0xE2, 0x82] + Array("x\n\n".utf8)
    s += Array("event: b\ndata: {\"x\":1}\n\n\u{1F3AC}: unknown field\ndata:\n\n".utf8)
    s += Array("data: \(String(repeating: "y", count: 63))\n\ndata: \(String(repeating: "z", count: 64))\n\ndata: ".utf8)
    s += Array(String(repeating: "w", count: 65).utf8) + [0xFF] + Array("\n\ndata: last".utf8)
    return s
  }()

  @Test func givesWhatTheOutputArrayGivesInEveryChunking() {
    for flush in [false, true] {
      Self.agree(Self.stream, options: SSEParser.Options(flushOnEOF: flush), "flush \(flush)")
    }
    Self.agree(Array("\u{FEFF}data: a\n\n".utf8), options: .default, "BOM")
  }

  /// Lines past the limit, crossed inside the bytes held (every offset), comments and
  /// field lines; an event past its data limit.
  @Test func limitsHoldWithBytesHeld() {
    let limits = SSELimits(maxLineBytes: 20, maxEventDataBytes: 50)
    var bytes = Array(": a comment longer than twenty bytes\ndata: 0123456789abcdefghij\n\n".utf8)
    bytes += Array("data: short\ndata: a field line much longer than twenty bytes\ndata: gone\n\nevent: e\n".utf8)
    bytes += Array("data: 0123456789abc\ndata: 0123456789abc\ndata: 0123456789abc\ndata: x\n\ndata: ok\n\n".utf8)
    bytes += Array("data: cut at the end, past the limit".utf8)
    for flush in [false, true] {
      Self.agree(bytes, options: SSEParser.Options(limits: limits, flushOnEOF: flush), "limits flush \(flush)")
    }
  }

  /// Random streams of event-stream lines (fields, comments, CR/LF/CRLF, invalid bytes).
  @Test func randomStreamsAgree() {
    var random = SplitMix64(seed: 16)
    let pieces: [[UInt8]] = [Array("data: ".utf8), Array("data:".utf8), Array("event: x".utf8), Array(": c".utf8),
                             Array("id: 1".utf8), Array("retry: 5".utf8), [0x0A], [0x0D], [0x0D, 0x0A], [0x0A, 0x0A],
                             Array("abc".utf8), Array(String(repeating: "q", count: 70).utf8), [0xC3], [0xA9], [0xFF]]
    for round in 0..<40 {
      var bytes: [UInt8] = []
      for _ in 0..<random.within(5...60) { bytes += random.pick(pieces) }
      let limits = round % 3 == 0 ? SSELimits(maxLineBytes: 40, maxEventDataBytes: 100) : .default
      Self.agree(bytes, options: SSEParser.Options(limits: limits, flushOnEOF: round % 2 == 0), "round \(round)")
    }
  }
}
