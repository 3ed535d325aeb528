import SlateCore
import SlateTestSupport
import Testing

@testable import SlateSSE

/// An event whole inside the chunk (an `event:` line of a type known or still to be
/// remembered, one `data:` line, a blank line, each ended by LF) is read in one step;
/// everything else line by line. The two give the same outputs, offsets and final state:
/// compared here with the step on and off, on the public path and on the action stream's
/// batch path (its data checked and deferred), under every chunking, on streams built around
/// the step's edges (the limits at and past their bounds, CR and CRLF, comments, `id` and
/// `retry`, a second data line, new, empty, `message` and more than remembered types, a BOM,
/// invalid UTF-8, a cut at the end).
@Suite struct WholeEventTests {
  static func run(_ bytes: [UInt8], cuts: [Int], options: SSEParser.Options, wholeEvents: Bool) -> (ParserRun, Int) {
    var parser = SSEParser(options: options)
    parser.readsWholeEvents = wholeEvents
    let run = PushParserVerifier.run(parser, bytes, cuts: cuts)
    return (ParserRun(run), run.parser.wholeEventsRead)
  }

  /// The step on and off agree on `bytes` in every chunking given; returns the events the
  /// step read when the input came whole.
  @discardableResult
  static func agree(_ bytes: [UInt8], options: SSEParser.Options, _ label: String, everySplit: Bool = true) -> Int {
    var chunkings: [(String, [Int])] = [("whole", [])]
    if everySplit {
      for cut in 1..<max(bytes.count, 1) { chunkings.append(("split \(cut)", [cut])) }
    }
    for seed in 1...3 as ClosedRange<UInt64> {
      chunkings.append(("seed \(seed)", SeededChunking.randomCuts(count: bytes.count, maxChunk: 8 << seed, seed: seed)))
    }
    var taken = 0
    for (name, cuts) in chunkings {
      let (reference, none) = run(bytes, cuts: cuts, options: options, wholeEvents: false)
      #expect(none == 0)
      let (fast, read) = run(bytes, cuts: cuts, options: options, wholeEvents: true)
      if name == "whole" { taken = read }
      if fast != reference {
        Issue.record("\(label) \(name): \(reference.firstDifference(from: fast) ?? "differs")")
        return taken
      }
      for defers in [false, true] {
        let batch = BatchPathTests.run(bytes, cuts: cuts, options: options, defers: defers, wholeEvents: true)
        let batchReference = BatchPathTests.run(bytes, cuts: cuts, options: options, defers: defers, wholeEvents: false)
        #expect(batch == batchReference, "\(label) \(name) batch, defers \(defers)")
      }
    }
    return taken
  }

  /// A data line holds at most 22 bytes within A's data limit, so B's (20) reaches the line
  /// limit with a data line, and A's the data limit within the line limit.
  static let limitsA = SSELimits(maxLineBytes: 24, maxEventDataBytes: 16)
  static let limitsB = SSELimits(maxLineBytes: 24, maxEventDataBytes: 20)

  /// Pieces the random streams are made of: the step's own shape and each way out of it.
  static let pieces: [String] = [
    "event: a\ndata: x\n\n", "event: a\ndata: x\n\n", "event: bb\ndata: {\"k\":1}\n\n", "data: x\n\n", "data:x\n\n",
    "data:\n\n", "data:  two spaces\n\n", "event:\ndata: x\n\n", "event: message\ndata: m\n\n", "event:a\ndata:y\n\n",
    "event: a\r\ndata: x\n\n", "event: a\ndata: x\r\n\r\n", "event: a\ndata: x\n\r\n", "event: a\rdata: x\r\r",
    "id: 5\ndata: x\n\n", ": comment\ndata: x\n\n", "data: x\n: c\n\n", "data: a\ndata: b\n\n",
    "event: a\nevent: bb\ndata: x\n\n", "data: x\nevent: a\n\n", "retry: 10\ndata: x\n\n", "event: a\nid: 1\ndata: x\n\n",
    "eventx: a\ndata: x\n\n", "datum: x\n\n", "data\n\n", "event a\ndata: x\n\n", "d\n\n", "e\n\n", "\n", "\n\n",
    "event: a\ndata: 0123456789abcdef\n\n", "event: a\ndata: 0123456789abcdefg\n\n",  // data at its limit, and past
    "data: 0123456789abcdefgh\n\n", "data: 0123456789abcdefghi\n\n",  // lines of 24 and 25 bytes (limits B)
    "event: 0123456789abcdefg\ndata: x\n\n", "event: 0123456789abcdefgh\ndata: x\n\n",  // 24 and 25
    "event:0123456789abcdefgh\ndata: x\n\nevent: 0123456789abcdefgh\ndata: x\n\n",  // a known type, 24 bytes, then 25
    "event: a\ndata: x\n\nevent: ab\ndata: x\n\nevent:  a\ndata: x\n\nevent: a\n\n",  // the last type's prefix, two spaces
    "event: a\ndata: caf\u{E9}\n\n", "event: \u{E9}t\u{E9}\ndata: x\n\n", "data: x\ndata: y\ndata: z\n\n",
  ]
  static let invalid: [UInt8] = Array("event: a\ndata: ".utf8) + [0xFF, 0xC3] + Array("\n\n".utf8)

  @Test func theStepAndTheLinesAgreeOnEachPiece() {
    for piece in Self.pieces {
      // Twice: a type is new the first time and known the second.
      let bytes = Array((piece + piece).utf8)
      for limits in [SSELimits.default, Self.limitsA, Self.limitsB] {
        for flush in [false, true] {
          Self.agree(bytes, options: SSEParser.Options(limits: limits, flushOnEOF: flush), "\(piece.debugDescription)")
        }
      }
    }
    Self.agree(Self.invalid + Self.invalid, options: .default, "invalid UTF-8")
    Self.agree(Array("\u{FEFF}event: a\ndata: x\n\nevent: a\ndata: y\n\n".utf8), options: .default, "BOM")
  }

  @Test func theStepIsTakenWhereItShouldBe() {
    let options = SSEParser.Options(limits: Self.limitsA)
    // A new type (remembered then), a known one, no type, empty data, the data at its limit,
    // an event line at its limit (new, then known): read in one step.
    let taken = "event: a\ndata: 1\n\nevent: a\ndata: 2\n\ndata: 3\n\ndata:\n\nevent: a\ndata: 0123456789abcdef\n\n"
      + "event: 0123456789abcdefg\ndata: x\n\nevent: 0123456789abcdefg\ndata: y\n\n"
    #expect(Self.agree(Array(taken.utf8), options: options, "taken", everySplit: false) == 7)
    // A data line at the line limit.
    let atLine = "data: 0123456789abcdefgh\n\n"
    #expect(Self.agree(Array(atLine.utf8), options: SSEParser.Options(limits: Self.limitsB), "at the line limit") == 1)
    // Each of these, line by line.
    let declined = "event:\ndata: 2\n\nevent: b\r\ndata: 3\n\nevent: b\ndata: 4\r\n\r\n"
      + "id: 1\ndata: 5\n\n: c\ndata: 6\n\ndata: 7\ndata: 8\n\nevent: b\ndata: 0123456789abcdefg\n\n"
      + "event: b\ndata: 9"
    #expect(Self.agree(Array(declined.utf8), options: options, "declined", everySplit: false) == 0)
    let pastLine = "data: 0123456789abcdefghi\n\n"
    #expect(Self.agree(Array(pastLine.utf8), options: SSEParser.Options(limits: Self.limitsB), "past the line limit") == 0)
  }

  /// More types than the parser remembers: those remembered are read in one step (new and
  /// known), the rest are buffered, never read in one step.
  @Test func typesPastThoseRemembered() {
    var text = ""
    for round in 0..<2 {
      for k in 0..<(SSEParser.maxKnownTypes + 3) { text += "event: t\(k)\ndata: \(round)\n\n" }
    }
    let read = Self.agree(Array(text.utf8), options: .default, "types", everySplit: false)
    #expect(read == 2 * SSEParser.maxKnownTypes)
  }

  @Test func randomStreamsAgree() {
    var random = SplitMix64(seed: 2026_12_07)
    for round in 0..<60 {
      var bytes: [UInt8] = []
      for _ in 0..<random.within(3...30) {
        bytes += random.within(0...20) == 0 ? Self.invalid : Array(random.pick(Self.pieces).utf8)
      }
      if round % 4 == 0 { bytes += Array("event: a\ndata: cut".utf8) }
      let limits = [Self.limitsA, Self.limitsB, .default][round % 3]
      Self.agree(bytes, options: SSEParser.Options(limits: limits, flushOnEOF: round % 2 == 0), "round \(round)",
                 everySplit: bytes.count < 400)
    }
  }
}
