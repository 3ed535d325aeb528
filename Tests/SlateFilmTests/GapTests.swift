import Foundation
import FuzzChecks
import SlateStream
import SlateFilm
import SlateJSON
import SlateSSE
import SlateTestSupport
import Testing

/// A gap poisons its channel (issue 14 item 0), on every committed stream and every real
/// recording: one event's data is made unreadable (its first data byte becomes `#`, so the
/// length and every offset stay), at each event position in turn, and the stream is read
/// whole and (every other position) in a seeded chunking. Then:
/// 1. the chunkings agree;
/// 2. every value committed before the gap event is committed exactly as in the clean run;
/// 3. no value whose bytes spanned the gap is committed: no answer-text value completes
///    after the gap, and a call's value after the gap is one whose call started after it,
///    exactly as in the clean run;
/// 4. the status is `failed` whenever the event carried text or call content in the clean run
///    (`stream.gap` unless the provider's own error wins) and another event followed it
///    (the last event joins nothing across it: losing its content leaves the stream
///    truncated, never complete), and every `stream.gap` diagnostic is at the gap's offset.
@Suite struct GapTests {
  /// The shared action-stream run of the fuzz checks (through the push-parser verifier).
  typealias Run = ActionStreamChecks.Run

  /// Checks every event position of `bytes` (an SSE stream of `dialect`).
  static func check(_ bytes: [UInt8], dialect: DialectKind, name: String) {
    let clean = Run(ActionStreamOptions(dialect: dialect, emitsDeltas: true), bytes)
    var parser = SSEParser()
    let events = (parser.feed(bytes) + parser.finish()).compactMap(\.event)
    #expect(!events.isEmpty, "\(name): no events")
    for (position, event) in events.enumerated() {
      guard let byte = ActionStreamChecks.dataByte(of: event.byteRange, in: bytes) else { continue }
      let gap = event.byteRange.lowerBound
      var corrupted = bytes
      corrupted[byte] = UInt8(ascii: "#")
      let whole = Run(ActionStreamOptions(dialect: dialect), corrupted)
      let place = "\(name), event \(position) at byte \(gap)"
      if position % 2 == 0 {  // every other position, in seeded chunks from 1 to 128 bytes
        let cuts = SeededChunking.randomCuts(count: bytes.count, maxChunk: 1 + (position * 37) % 128, seed: UInt64(position))
        let chunked = Run(ActionStreamOptions(dialect: dialect), corrupted, cuts: cuts)
        #expect(chunked.lines == whole.lines, "\(place): chunking changed the output")
      }

      // 2. Values committed before the gap stand.
      let before = clean.values.filter { $0.streamOffset < gap }.map { Run.line($0) }
      #expect(whole.values.filter { $0.streamOffset < gap }.map { Run.line($0) } == before, "\(place): values before the gap changed")

      // 3. Nothing across the gap.
      if event.type != "error" {
        let cleanLines = Set(clean.values.map { Run.line($0, index: false) })
        for value in whole.values where value.streamOffset >= gap {
          guard case .call = value.channel else {
            Issue.record("\(place): answer-text value committed after the gap: \(Run.line(value))")
            continue
          }
          let start = whole.starts.last { $0.channel == value.channel && $0.streamOffset <= value.streamOffset }
          #expect((start?.streamOffset ?? -1) > gap, "\(place): a call open across the gap was committed: \(Run.line(value))")
          let known = cleanLines.contains(Run.line(value, index: false))
          #expect(known, "\(place): a call value not in the clean run: \(Run.line(value))")
        }
      }

      // 4. The status, and where the gap is reported.
      let carried = clean.deltas.contains { delta in
        guard delta.offset == gap else { return false }
        switch delta.kind {
        case .text, .toolArguments, .toolCallStarted, .toolCallEnded: return true
        default: return false
        }
      }
      if carried && position < events.count - 1 {
        #expect(whole.summary.status.name == "failed", "\(place): status \(whole.summary.status) after losing content")
      } else if carried {
        // The last event joins nothing across it: the end of the input judges it.
        #expect(whole.summary.status != .complete, "\(place): complete after losing the last event's content")
      }
      for diagnostic in whole.diagnostics where diagnostic.code == "stream.gap" {
        #expect(diagnostic.streamOffset == gap, "\(place): \(diagnostic)")
        #expect(whole.summary.status.name == "failed", "\(place): a gap cut a channel but the status is \(whole.summary.status)")
      }
    }
  }

  @Test(arguments: SyntheticCorpus.committed().filter { $0.dialect != .text }.map(\.path))
  func committedStream(_ path: String) throws {
    let stream = try #require(SyntheticCorpus.committed().first { $0.path == path })
    Self.check(stream.bytes, dialect: stream.dialect, name: path)
  }

  @Test func realRecordings() throws {
    guard let shared = SharedFixtures.shared else {
      print("skipping: ../shared is absent, so the corpus-real recordings cannot be read")
      return
    }
    var count = 0
    for dialect in [DialectKind.openaiChat, .openaiResponses, .anthropic, .gemini] {
      for url in SharedFixtures.files(in: "corpus-real/\(dialect.rawValue)", suffix: ".sse") ?? [] {
        Self.check(Array(try Data(contentsOf: url)), dialect: dialect, name: "\(dialect)/\(url.lastPathComponent)")
        count += 1
      }
    }
    if count == 0 { print("skipping: ../shared/corpus-real holds no recordings") }
    let root = shared.appendingPathComponent("corpus-real")
    if FileManager.default.fileExists(atPath: root.path) { #expect(count == 30) }
  }
}
