import Testing

@testable import SlateJSON

/// Depth, value size and value count limits: clean diagnostics at chunk-invariant
/// offsets, and memory bounded by the value in progress.
@Suite struct FramerLimitsTests {
  /// 100,000 '[' is a clean `json.depth_exceeded` at the bracket that opens level 1025, in
  /// every framing (the framing's own containers count), whole and one byte at a time.
  @Test(arguments: [
    (Framing.value, "", 1024), (.array, "", 1024), (.sequence, "", 1024), (.auto, "", 1024),
    (.field("actions"), #"{"actions":"#, 1034), (.value, #"{"a":"#, 1028),
  ])
  func deepNestingIsACleanError(framing: Framing, prefix: String, offset: Int) {
    let text = Array(prefix.utf8) + [UInt8](repeating: UInt8(ascii: "["), count: 100_000)
    for cuts in [Chunking.whole.cuts, Chunking.fixed(count: text.count, size: 1).cuts] {
      let run = frame(text, framing, cuts: cuts)
      #expect(run.diagnostic?.code == .jsonDepthExceeded)
      #expect(run.diagnostic?.offset == offset)
      #expect(run.status == .failed)
    }
  }

  /// A value already past the size limit when its announcement would fire is not
  /// announced, so that no chunking (one cut before the limit is enforced at a chunk's
  /// end) changes the events (found by fuzz-framer). At or within the limit, it is.
  @Test(arguments: [
    (#"[{"type":"plan","summary":"x"}]"#, 13, true),  // before its closing quote (byte 14) the value has 13 bytes
    (#"[{"type":"plan","summary":"x"}]"#, 12, false),
    (#"[{"type":123456,"summary":"x"}]"#, 14, true),  // a number ends at the byte after it (','
    (#"[{"type":123456,"summary":"x"}]"#, 13, false),  // at 15), so 14 bytes must fit
  ])
  func announcementsPastTheSizeLimitAreNotMade(text: String, limit: Int, announced: Bool) {
    let bytes = Array(text.utf8)
    let limits = FramerLimits(maxValueBytes: limit)
    let run = frame(bytes, .array, limits: limits)
    #expect(run.announcements.count == (announced ? 1 : 0), "\(run.transcript)")
    #expect(run.diagnostic?.code == .jsonValueTooLarge && run.diagnostic?.offset == 1 + limit, "\(run.transcript)")
    #expect(firstChunkingDifference(bytes, .array, limits: limits) == nil)
  }

  @Test func deepObjectsAreACleanError() {
    let text = Array(String(repeating: #"{"a":"#, count: 100_000).utf8)
    let run = frame(text, .value)
    #expect(run.diagnostic?.code == .jsonDepthExceeded && run.diagnostic?.offset == 1024 * 5)
  }

  @Test func theDepthLimitIsConfigurable() {
    let limits = FramerLimits(maxDepth: 3)
    #expect(frame("[[[1]]]", .value, limits: limits).status == .complete)
    let deep = frame("[[[[1]]]]", .value, limits: limits)
    #expect(deep.diagnostic?.code == .jsonDepthExceeded && deep.diagnostic?.offset == 3)
    // In array framing the framing array is level 1: elements may nest two more levels.
    #expect(frame("[[[1]]]", .array, limits: limits).values.count == 1)
    #expect(frame("[[[[1]]]]", .array, limits: limits).diagnostic?.offset == 3)
  }

  /// A value of exactly the limit passes; one byte more is `json.value_too_large` at the
  /// value's first byte past the limit, under every chunking (tentative numbers, strings
  /// with escapes and multi-byte UTF-8 cut at the limit included).
  @Test(arguments: [
    (#"[1234567890,"abcdefgh",12345678901]"#, 2, 33),
    (#"["abcdef\n",{"a":[1,2,3]}]"#, 1, 22),
    (#"["abcdefgh\u0041"]"#, 0, 11),
    (#"["abcdefé","abcdefghé"]"#, 1, 22),
    (#"["\uD83D\uDE00"]"#, 0, 11),
    ("[[[[[[[[[[[1]]]]]]]]]]]", 0, 11),
  ])
  func valuesOverTheSizeLimitStopAtTheLimit(text: String, framed: Int, offset: Int) {
    let bytes = Array(text.utf8)
    let limits = FramerLimits(maxValueBytes: 10)
    let run = frame(bytes, .array, limits: limits)
    #expect(run.values.count == framed, "\(run.transcript)")
    #expect(run.values.allSatisfy { $0.range.count <= 10 })
    #expect(run.diagnostic?.code == .jsonValueTooLarge && run.diagnostic?.offset == offset, "\(run.transcript)")
    #expect(firstChunkingDifference(bytes, .array, limits: limits) == nil)
  }

  /// Random documents, random small limits: the framed values are exactly those within
  /// the limit, up to the first that is not, which is reported at its start plus the limit.
  @Test func randomDocumentsUnderRandomSizeLimits() {
    var random = RandomJSON(seed: 0x5123)
    for round in 0..<80 {
      let elements = (0..<random.int(1...6)).map { _ in random.value(depth: 2) }
      var text: [UInt8] = []
      random.write(.array(elements), into: &text)
      let unlimited = frame(text, .array)
      let limit = random.int(1...30)
      let limits = FramerLimits(maxValueBytes: limit)
      let expectedCount = unlimited.values.prefix { $0.range.count <= limit }.count
      let cuts = Chunking.random(count: text.count, seed: UInt64(round), maxChunk: 1 + round % 4).cuts
      let run = frame(text, .array, cuts: cuts, limits: limits)
      #expect(run.values.map(\.range) == unlimited.values.prefix(expectedCount).map(\.range))
      if expectedCount < unlimited.values.count {
        let start = unlimited.values[expectedCount].range.lowerBound
        #expect(run.diagnostic?.code == .jsonValueTooLarge && run.diagnostic?.offset == start + limit, "\(run.transcript)")
      } else {
        #expect(run.status == .complete)
      }
      if text.count <= 120 {
        #expect(firstChunkingDifference(text, .array, limits: limits, exhaustiveUpTo: 120) == nil)
      }
    }
  }

  /// Corrupted documents under a small size limit: the same transcript at every split.
  @Test func sizeLimitAndSyntaxErrorsAreChunkInvariant() {
    var random = RandomJSON(seed: 0x5124)
    var failures: [String] = []
    for _ in 0..<100 {
      var text: [UInt8] = []
      random.write(.array((0..<3).map { _ in random.value(depth: 2) }), into: &text)
      text = random.mutate(text)
      let limits = FramerLimits(maxValueBytes: random.int(1...12))
      if let difference = firstChunkingDifference(text, .array, limits: limits, exhaustiveUpTo: 150) {
        failures.append("\(String(decoding: text, as: UTF8.self)) limit \(limits.maxValueBytes): \(difference)")
      }
    }
    #expect(failures.isEmpty, "\(failures)")
  }

  @Test(arguments: [("[1,2,3,4,5]", Framing.array, 7), ("{} {} {} {}", .sequence, 9), (#"{"actions":[{},{},{},{}]}"#, .field("actions"), 21)])
  func theValueCountLimitStopsAtTheFirstValueTooMany(text: String, framing: Framing, offset: Int) {
    let run = frame(text, framing, limits: FramerLimits(maxValues: 3))
    #expect(run.values.count == 3)
    #expect(run.diagnostic?.code == .jsonTooManyValues && run.diagnostic?.offset == offset, "\(run.transcript)")
    let all = frame(text, framing).values.count
    #expect(frame(text, framing, limits: FramerLimits(maxValues: all)).status == .complete)
    #expect(frame(text, framing, limits: FramerLimits(maxValues: 0)).values.isEmpty)
  }

  /// Limits at the edge of `Int` neither overflow nor trap.
  @Test func hugeLimitsAreSafe() {
    let limits = FramerLimits(maxDepth: .max, maxValueBytes: .max, maxValues: .max)
    let run = frame(#"[{"a":[1,2]}, "x" , 3"#, .array, cuts: [2, 9], limits: limits)
    #expect(run.values.count == 2 && run.diagnostic?.code == .jsonTruncated)
  }

  /// Memory: only the value in progress is kept, never more than the limit plus a chunk.
  @Test func onlyTheValueInProgressIsKept() {
    let limit = 64 << 10
    var framer = JSONFramer(framing: .array, limits: FramerLimits(maxValueBytes: limit))
    let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 4096)
    _ = framer.feed(Array("[\"".utf8))
    var fed = 2
    var events: [FramerEvent] = []
    while framer.status == .running && fed < 1 << 20 {
      framer.feed(chunk, into: &events)
      fed += chunk.count
      #expect(framer.carry.count <= limit + chunk.count)
    }
    #expect(framer.diagnostic?.code == .jsonValueTooLarge && framer.diagnostic?.offset == 1 + limit)
    #expect(framer.carry.isEmpty)

    // Bytes between values and members skipped by `field` framing are never kept.
    var field = JSONFramer(framing: .field("actions"))
    _ = field.feed(Array(#"{"notes":""#.utf8))
    for _ in 0..<256 {
      _ = field.feed(chunk)
      #expect(field.carry.isEmpty && field.trackBuffer.count <= field.longestNameSpelling)
    }
    _ = field.feed(Array(#"", "actions": [ {"type":"a"} "#.utf8))
    _ = field.feed([UInt8](repeating: 0x20, count: 1 << 16))
    #expect(field.carry.isEmpty)
    _ = field.feed(Array("]}".utf8))
    #expect(field.finish().isEmpty && field.status == .complete && field.valuesFramed == 1)
  }

  /// Long member names are abandoned once they cannot match: bounded memory.
  @Test func longNamesAreNotKept() {
    var framer = JSONFramer(framing: .field("actions"))
    _ = framer.feed(Array(#"{""#.utf8))
    for _ in 0..<100 { _ = framer.feed([UInt8](repeating: UInt8(ascii: "b"), count: 1000)) }
    #expect(framer.trackBuffer.count <= framer.longestNameSpelling)
    _ = framer.feed(Array(#"":1,"actions":[true]}"#.utf8))
    #expect(framer.finish().isEmpty && framer.valuesFramed == 1)
  }
}
