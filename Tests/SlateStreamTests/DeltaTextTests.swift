import Foundation
import SlateTestSupport
import Testing

@testable import SlateStream

/// A stream's delta texts are spans of one buffer per `feed` call (``DeltaBytes``): a delta
/// kept past later calls keeps its text (its buffer is never written again), a buffer no
/// delta holds any more is reused, and the texts are the fragments the public dialect API
/// gives as `String`s.
@Suite struct DeltaTextTests {
  /// Each delta's description right after the call that made it, and again after the
  /// whole stream, every delta kept meanwhile: equal, for every recording in seeded chunks.
  @Test func keptDeltasKeepTheirTexts() throws {
    var streams = 0
    var deltas = 0
    for dialect in ["openai-chat", "openai-responses", "anthropic", "gemini"] {
      for url in SharedFixtures.files(in: "corpus-real/\(dialect)", suffix: ".sse") ?? [] {
        let bytes = Array(try Data(contentsOf: url))
        let cuts = SeededChunking.randomCuts(count: bytes.count, maxChunk: 211, seed: UInt64(bytes.count))
        var stream = ActionStream()
        var kept: [Delta] = []
        var seen: [String] = []
        var items: [StreamItem] = []
        for chunk in SeededChunking.chunks(of: bytes, cuts: cuts) {
          chunk.withUnsafeBytes { stream.feed($0, into: &items) }
          for case .delta(let delta) in items {
            kept.append(delta)
            seen.append(delta.description)
          }
          items.removeAll()
        }
        stream.finish(into: &items)
        for case .delta(let delta) in items {
          kept.append(delta)
          seen.append(delta.description)
        }
        #expect(kept.map(\.description) == seen, "\(url.lastPathComponent)")
        streams += 1
        deltas += kept.count
      }
    }
    if SharedFixtures.shared != nil {
      #expect(streams == 30)
      #expect(deltas > 500)
    }
  }

  /// A buffer no delta holds is written again (no allocation per call in the steady
  /// state); one a delta holds is not.
  @Test func aBufferIsReusedOnlyWhenNoDeltaHoldsIt() {
    func event(_ text: String) -> [UInt8] {
      Array("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\(text)\"}}]}\n\n".utf8)
    }
    var stream = ActionStream(options: ActionStreamOptions(dialect: .openaiChat))
    var items: [StreamItem] = []
    event("first fragment, longer than fifteen bytes").withUnsafeBytes { stream.feed($0, into: &items) }
    let first = ObjectIdentifier(stream.deltaBytes)
    items.removeAll()  // no delta holds the buffer
    event("second fragment, longer than fifteen bytes").withUnsafeBytes { stream.feed($0, into: &items) }
    #expect(ObjectIdentifier(stream.deltaBytes) == first)
    let held = items  // a delta holds it now
    event("third fragment, longer than fifteen bytes").withUnsafeBytes { stream.feed($0, into: &items) }
    #expect(ObjectIdentifier(stream.deltaBytes) != first)
    let texts = held.compactMap { item -> String? in
      if case .delta(let d) = item, case .text(_, let t) = d.kind { t.string } else { nil }
    }
    #expect(texts == ["second fragment, longer than fifteen bytes"])
  }

  /// The buffer grows (a new allocation) while texts made before point into it: each
  /// still reads its own bytes, of every size, the empty one included.
  @Test func textsReadTheirBytesAcrossTheBuffersGrowth() {
    let buffer = DeltaBytes()
    var texts: [(DeltaText, [UInt8])] = []
    for k in 0..<300 {
      let bytes = (0..<(k % 37)).map { UInt8(truncatingIfNeeded: 0x41 + ($0 + k) % 26) }
      texts.append((bytes.withUnsafeBytes { buffer.text($0) }, bytes))
    }
    #expect(buffer.capacity > 256)  // it grew past its first allocation
    for (text, bytes) in texts {
      #expect(text.withUTF8 { Array($0) } == bytes)
      #expect(text.utf8Count == bytes.count)
    }
    buffer.removeAll(keepingCapacity: true)
    #expect(buffer.count == 0)
    let again = [UInt8]("again".utf8).withUnsafeBytes { buffer.text($0) }
    #expect(again.string == "again")
  }

  @Test func equalityAndHashingAreByBytes() {
    let buffer = DeltaBytes()
    let span = "héllo".utf8.withContiguousStorageIfAvailable { buffer.text(UnsafeRawBufferPointer($0)) }!
    let string: DeltaText = "héllo"
    #expect(span == string)
    #expect(span.hashValue == string.hashValue)
    #expect(span.string == "héllo" && span.utf8Count == 6 && !span.isEmpty)
    #expect(span != DeltaText("he\u{301}llo"))  // code points, not canonical equivalence
    #expect(DeltaText("").isEmpty)
  }
}
