import Foundation
import SlateJSON
import SlateSSE
import SlateTestSupport
import Testing

/// The real provider recordings in `../shared/corpus-real`.
@Suite struct CorpusTests {
  struct Recording: Decodable, CustomTestStringConvertible, Sendable {
    var file: String
    var bytes: Int
    var ends_with_done_sentinel: Bool
    var crlf: Bool
    var testDescription: String { file }
  }
  struct Manifest: Decodable { var files: [Recording] }

  static let corpus: URL? = SharedFixtures.shared?.appendingPathComponent("corpus-real")

  static let recordings: [Recording] = {
    guard let corpus else {
      print("skipping: ../shared is absent, so corpus-real cannot be read")
      return []
    }
    do {
      return try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: corpus.appendingPathComponent("MANIFEST.json"))).files
    } catch {
      print("cannot read corpus-real/MANIFEST.json: \(error)")
      return []
    }
  }()

  static func contents(_ recording: Recording) throws -> [UInt8] {
    try [UInt8](Data(contentsOf: try #require(corpus).appendingPathComponent(recording.file)))
  }

  /// Whether the bytes end with a blank line (so that nothing is pending at the end),
  /// judged from the bytes alone.
  static func endsWithBlankLine(_ bytes: [UInt8]) -> Bool {
    let text = String(decoding: bytes.suffix(4), as: UTF8.self)
    return text.hasSuffix("\n\n") || text.hasSuffix("\r\n\r\n") || text.hasSuffix("\r\r") || text.hasSuffix("\n\r\n")
  }

  @Test func corpusIsPresentOrSkipped() throws {
    guard Self.corpus != nil else { return }
    #expect(Self.recordings.count == 30)
    // Two Anthropic recordings end straight after their last data line.
    let unterminated = try Self.recordings.filter { !Self.endsWithBlankLine(try Self.contents($0)) }.map(\.file)
    #expect(unterminated.sorted() == ["anthropic/sonnet37-tool-use-cut-by-max-tokens.sse", "anthropic/sonnet4-text-then-tool-use.sse"])
  }

  /// Spec mode: no diagnostics, except one `sse.unterminated_event` error for a file that
  /// ends without a blank line, covering its last event.
  @Test(arguments: recordings)
  func parsesCleanly(_ recording: Recording) throws {
    let bytes = try Self.contents(recording)
    #expect(bytes.count == recording.bytes)
    let run = ParserRun(bytes)
    #expect(!run.events.isEmpty)
    if Self.endsWithBlankLine(bytes) {
      #expect(run.diagnostics.isEmpty, "\(run.diagnostics)")
    } else {
      let diagnostic = try #require(run.diagnostics.first)
      #expect(run.diagnostics.count == 1)
      #expect(diagnostic.code == .sseUnterminatedEvent && diagnostic.severity == .error)
      #expect(diagnostic.byteRange?.upperBound == bytes.count)
      #expect(diagnostic.offset == run.events.last?.byteRange.upperBound)
    }
    if recording.ends_with_done_sentinel { #expect(run.events.last?.data == "[DONE]") }
    #expect(run.events.allSatisfy { $0.lastEventId == "" && $0.retry == nil })
  }

  /// With flushOnEOF, a file that ends without a blank line gives one more event (and a
  /// warning); nothing else changes.
  @Test(arguments: recordings)
  func flushOnEOFDispatchesTheCutOffEvent(_ recording: Recording) throws {
    let bytes = try Self.contents(recording)
    let strict = ParserRun(bytes)
    let flushed = ParserRun(bytes, options: SSEParser.Options(flushOnEOF: true))
    #expect(flushed.diagnostics.allSatisfy { $0.severity == .warning })
    if Self.endsWithBlankLine(bytes) {
      #expect(flushed == strict)
    } else {
      #expect(flushed.events.count == strict.events.count + 1)
      #expect(Array(flushed.events.prefix(strict.events.count)) == strict.events)
      let last = try #require(flushed.events.last)
      #expect(last.type == "message_stop")
      #expect(last.byteRange.upperBound == bytes.count)
      #expect(flushed.diagnostics.map(\.code) == [.sseUnterminatedEvent])
    }
  }

  /// Every payload is JSON (or `[DONE]`); where the event has an `event:` line, its type
  /// is the payload's `type` (a Groq `event: error` carries `{"error":{…}}` instead).
  @Test(arguments: recordings)
  func eventTypesMatchPayloadTypes(_ recording: Recording) throws {
    let bytes = try Self.contents(recording)
    let run = ParserRun(bytes, options: SSEParser.Options(flushOnEOF: true))
    let parser = SimdjsonParser()
    var typed = 0
    for event in run.events where event.data != "[DONE]" {
      let payload = try parser.parse(event.data)
      let raw = String(decoding: bytes[event.byteRange], as: UTF8.self)
      let hasEventLine = raw.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r" })
        .contains { $0.hasPrefix("event:") }
      #expect(hasEventLine == (event.type != "message"), "\(event)")
      guard hasEventLine else { continue }
      typed += 1
      if let type = payload["type"]?.stringValue {
        #expect(type == event.type, "\(recording.file) at byte \(event.byteRange.lowerBound)")
      } else {
        #expect(event.type == "error" && payload["error"]?.objectValue != nil, "\(event)")
      }
    }
    let expectsTypes = String(decoding: bytes, as: UTF8.self).contains("event:")
    #expect((typed > 0) == expectsTypes)
  }

  /// The byte ranges are in order, do not overlap, and each one alone re-parses to its
  /// event; small and random chunkings give the same outputs as the whole file.
  @Test(arguments: recordings)
  func rangesAndChunkingsAgree(_ recording: Recording) throws {
    let bytes = try Self.contents(recording)
    let options = SSEParser.Options(flushOnEOF: true)
    let whole = ParserRun(bytes, options: options)
    var previousEnd = 0
    for event in whole.events {
      #expect(event.byteRange.lowerBound >= previousEnd && event.byteRange.upperBound <= bytes.count)
      previousEnd = event.byteRange.upperBound
      let alone = ParserRun(Array(bytes[event.byteRange]), options: options)
      #expect(alone.events.map { [$0.type, $0.data] } == [[event.type, event.data]])
    }
    if recording.crlf {
      // The dispatching blank line counts through its CR: the LF after it is outside.
      #expect(whole.events.allSatisfy { bytes[$0.byteRange.upperBound - 1] == 0x0D })
    }
    let chunkings = PushParserVerifier.chunkings(count: bytes.count, fixed: [8], random: (UInt64(1)...5).map { ($0, 64) })
    for chunking in chunkings.dropFirst() {
      let run = ParserRun(bytes, cuts: chunking.cuts, options: options)
      #expect(whole.firstDifference(from: run) == nil, "\(chunking): \(whole.firstDifference(from: run) ?? "")")
    }
  }

  /// OpenRouter's keep-alive comments are reported as comments, never as events.
  @Test func keepAliveCommentsAreReported() throws {
    for recording in Self.recordings where recording.file.contains("openrouter") {
      let run = ParserRun(try Self.contents(recording))
      #expect(run.comments.contains { $0.text == "OPENROUTER PROCESSING" }, "\(recording.file)")
      #expect(!run.events.contains { $0.data.contains("OPENROUTER") })
    }
  }
}
