import Foundation
import SlateCore
import SlateJSON
import SlateSSE
import SlateTestSupport
import Testing

@testable import SlateStream

/// The action stream checks each event's data for UTF-8 itself, after the SSE layer
/// (``SSESink/defersUTF8Check``): a payload simdjson parses is valid UTF-8 (simdjson
/// validates all of its input), so only data it refuses is checked again. The WHATWG
/// decoding must not change: an event whose data is not UTF-8 is preceded by the
/// `sse.invalid_utf8` warning and read with U+FFFD for each invalid sequence, exactly as
/// when the SSE layer checked every event first (the eager path, still the SSE parser's
/// for every other sink), in every chunking.
@Suite struct DeferredUTF8Tests {
  /// The stream's items, rendered (deltas included: the same chunking on both paths).
  static func items(_ bytes: [UInt8], options: ActionStreamOptions, cuts: [Int], eager: Bool) -> [String] {
    var stream = ActionStream(options: options)
    #expect(stream.sseOutputs.defersUTF8Check, "the action stream defers the check")
    if eager { stream.sseOutputs.defersUTF8Check = false }
    var items: [StreamItem] = []
    for chunk in SeededChunking.chunks(of: bytes, cuts: cuts) {
      chunk.withUnsafeBytes { stream.feed($0, into: &items) }
    }
    stream.finish(into: &items)
    return items.map { item in
      if case .delta(let delta) = item { return "delta \(delta)" }
      return StreamRun(items: [item]).lines.first ?? "?"
    }
  }

  /// Deferred and eager agree whole, byte by byte and in seeded chunks; returns the items.
  @discardableResult
  static func agree(_ bytes: [UInt8], options: ActionStreamOptions, seeds: ClosedRange<UInt64> = 1...3,
                    _ label: String) -> [String]
  {
    let whole = items(bytes, options: options, cuts: [], eager: false)
    #expect(whole == items(bytes, options: options, cuts: [], eager: true), "\(label) whole")
    let single = Array(1..<max(bytes.count, 1))
    #expect(items(bytes, options: options, cuts: single, eager: false) == items(bytes, options: options, cuts: single, eager: true),
            "\(label) byte by byte")
    for seed in seeds {
      let cuts = SeededChunking.randomCuts(count: bytes.count, maxChunk: 61, seed: seed)
      #expect(items(bytes, options: options, cuts: cuts, eager: false) == items(bytes, options: options, cuts: cuts, eager: true),
              "\(label) seed \(seed)")
    }
    return whole
  }

  static func event(_ data: [UInt8], name: String? = nil) -> [UInt8] {
    (name.map { Array("event: \($0)\n".utf8) } ?? []) + Array("data: ".utf8) + data + Array("\n\n".utf8)
  }

  static func chunk(_ content: [UInt8]) -> [UInt8] {
    event(Array(#"{"choices":[{"index":0,"delta":{"content":""#.utf8) + content + Array(#""}}]}"#.utf8))
  }

  /// Invalid sequences in a string (JSON simdjson refuses only for its encoding), outside
  /// any string (not JSON either way), a truncated sequence at the data's end, an
  /// overlong and a surrogate: each event gets the warning at its offset, and the text the
  /// replacement characters, as the SSE layer gives them.
  @Test func invalidDataIsReportedAndRepairedAsTheSSELayerDoes() {
    var bytes: [UInt8] = []
    bytes += Self.chunk(Array(#"[{\"type\":\""#.utf8))
    let second = bytes.count
    bytes += Self.chunk(Array("a".utf8) + [0xFF] + Array("b".utf8))
    bytes += Self.chunk([0xC0, 0xAF] + Array("c".utf8) + [0xED, 0xA0, 0x80])
    bytes += Self.chunk(Array(#"\"}]"#.utf8))
    let notJSON = bytes.count
    bytes += Self.event([0xFF, 0xFE])
    let cut = bytes.count
    bytes += Self.event(Array("[DONE]".utf8) + [0xE2, 0x82])
    for dialect in [DialectKind.auto, .openaiChat] {
      let options = ActionStreamOptions(dialect: dialect)
      let items = Self.agree(bytes, options: options, "\(dialect)")
      let warnings = items.filter { $0.contains("sse.invalid_utf8") }
      #expect(warnings.count == 4, "\(dialect): \(warnings)")
      for offset in [second, notJSON, cut] {
        #expect(warnings.contains { $0.contains("at byte \(offset):") }, "\(dialect) warning at \(offset)")
      }
      let run = StreamRun(bytes, options: options)
      #expect(run.canonicalValues == [#"{"type":"a\#u{FFFD}b\#u{FFFD}\#u{FFFD}c\#u{FFFD}\#u{FFFD}\#u{FFFD}"}"#], "\(dialect)")
      #expect(run.codes.contains("dialect.invalid_payload"), "\(dialect): the data that is not JSON stays unreadable")
    }
  }

  /// An event that reveals nothing to `auto` (held before detection) and named events
  /// (Anthropic) go the same way.
  @Test func heldAndNamedEventsAgree() {
    var held: [UInt8] = Self.event([0x7B, 0xFF, 0x7D])  // `{\xFF}`: reveals no dialect
    held += Self.event(Array(#"{"type":"message_start","message":{"id":"m\#u{E9}"}}"#.utf8) + [0xF0, 0x9F], name: "message_start")
    held += Self.event(Array(#"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#.utf8),
                       name: "content_block_start")
    held += Self.event(Array(#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"[1,"#.utf8) + [0x80]
                       + Array(#""}}"#.utf8), name: "content_block_delta")
    held += Self.event([0xFF], name: "error")
    for dialect in [DialectKind.auto, .anthropic] {
      let items = Self.agree(held, options: ActionStreamOptions(dialect: dialect), "\(dialect)")
      #expect(items.filter { $0.contains("sse.invalid_utf8") }.count == 4, "\(dialect): \(items)")
    }
  }

  /// Every recording of the corpus and the shared real recordings, with invalid bytes put
  /// into a few data lines at seeded places: deferred and eager give the same items in
  /// every chunking (and the untouched recordings too).
  @Test func recordingsWithInvalidBytesAgree() throws {
    var urls = ["openai-chat", "openai-responses", "anthropic", "gemini"].flatMap {
      SharedFixtures.files(in: "corpus-real/\($0)", suffix: ".sse") ?? []
    }
    for dialect in ["openai-chat", "openai-responses", "anthropic", "gemini"] {
      let folder = SharedFixtures.projectRoot.appendingPathComponent("Corpus/\(dialect)")
      let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
      urls += names.filter { $0.hasSuffix(".sse") }.sorted().map { folder.appendingPathComponent($0) }
    }
    #expect(urls.count > 20)
    var warned = 0
    for (n, url) in urls.enumerated() {
      let bytes = try [UInt8](Data(contentsOf: url))
      Self.agree(bytes, options: .default, seeds: 1...1, url.lastPathComponent)
      let damaged = Self.damage(bytes, seed: UInt64(n + 1))
      let items = Self.agree(damaged, options: .default, seeds: 1...2, "\(url.lastPathComponent) damaged")
      warned += items.filter { $0.contains("sse.invalid_utf8") }.count
    }
    #expect(warned > urls.count, "the damage reached the data")
  }

  /// `bytes` with invalid UTF-8 (a lone continuation byte, 0xFF, a truncated lead) put at a
  /// few seeded places after `data:` on data lines (never a CR or LF: the lines stay).
  static func damage(_ bytes: [UInt8], seed: UInt64) -> [UInt8] {
    var random = SplitMix64(seed: seed)
    var places: [Int] = []
    var i = 0
    let prefix = Array("data:".utf8)
    while i + prefix.count < bytes.count {
      if (i == 0 || bytes[i - 1] == 0x0A || bytes[i - 1] == 0x0D) && Array(bytes[i..<(i + prefix.count)]) == prefix {
        var end = i + prefix.count
        while end < bytes.count && bytes[end] != 0x0A && bytes[end] != 0x0D { end += 1 }
        if end > i + prefix.count { places.append(random.within((i + prefix.count)...(end - 1))) }
        i = end
      } else {
        i += 1
      }
    }
    var chosen = Set<Int>()
    for _ in 0..<min(4, places.count) { chosen.insert(random.pick(places)) }
    var out: [UInt8] = []
    for (k, byte) in bytes.enumerated() {
      if chosen.contains(k) { out += random.pick([[0x80], [0xFF], [0xE2, 0x82], [0xC3]]) }
      out.append(byte)
    }
    return out
  }
}
