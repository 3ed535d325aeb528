import SlateStream
import SlateJSON
import SlateTestSupport
import Testing

/// A UTF-8 byte order mark before the answer text (issue 19 item 6) is skipped with one
/// `stream.byte_order_mark` info diagnostic instead of turning the answer into prose; text
/// offsets stay those of the channel's text. Checked at every split point (the mark split
/// anywhere), byte by byte and in seeded chunks.
@Suite struct ByteOrderMarkTests {
  static func everyChunking(_ bytes: [UInt8], _ options: ActionStreamOptions) -> StreamRun {
    let whole = StreamRun(bytes, options: options)
    for a in 1..<bytes.count {
      #expect(StreamRun(bytes, options: options, cuts: [a]).lines == whole.lines, "split at \(a)")
    }
    #expect(StreamRun(bytes, options: options, cuts: Array(1..<bytes.count)).lines == whole.lines, "byte by byte")
    for seed in UInt64(1)...3 {
      let cuts = SeededChunking.randomCuts(count: bytes.count, maxChunk: 5, seed: seed)
      #expect(StreamRun(bytes, options: options, cuts: cuts).lines == whole.lines, "seed \(seed)")
    }
    return whole
  }

  @Test(arguments: [DialectKind.text, .auto])
  func aLeadingByteOrderMarkIsSkippedInText(_ dialect: DialectKind) {
    let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(#"[{"type":"a"},{"type":"b"}]"#.utf8)
    let run = Self.everyChunking(bytes, ActionStreamOptions(dialect: dialect))
    #expect(run.canonicalValues == [#"{"type":"a"}"#, #"{"type":"b"}"#])
    #expect(run.values.first?.textRange == 4..<16, "offsets count the mark")
    let marks = run.diagnostics.filter { $0.code == "stream.byte_order_mark" }
    #expect(marks.count == 1)
    #expect(marks.first?.severity == .info)
    #expect(marks.first?.textOffset == 0)
    #expect(!run.codes.contains("stream.prose_text"))
    #expect(run.summary.status == .complete)
    #expect(run.summary.errors == 0)
  }

  @Test func underStrictFramingTheMarkIsSkippedToo() {
    let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(#"{"type":"a"}"#.utf8)
    let run = Self.everyChunking(bytes, ActionStreamOptions(dialect: .text, textFraming: .framed(.value)))
    #expect(run.canonicalValues == [#"{"type":"a"}"#])
    #expect(run.summary.errors == 0)
  }

  @Test func bytesThatOnlyBeginAMarkAreText() {
    // U+FEFC is EF BB BC: its first two bytes are the mark's; it is prose, with no mark reported.
    let bytes = Array("\u{FEFC} [{\"type\":\"a\"}]".utf8)
    let run = Self.everyChunking(bytes, ActionStreamOptions(dialect: .text))
    #expect(run.values.isEmpty)
    #expect(run.codes == ["stream.prose_text"])
    #expect(run.diagnostics.first?.textOffset == 0)
    // A text that is only the mark's first byte ends as that byte (not UTF-8: prose).
    let cut = Self.everyChunking([0x20, 0xEF], ActionStreamOptions(dialect: .text, textFraming: .framed(.array)))
    #expect(!cut.codes.contains("stream.byte_order_mark"))
  }

  @Test func aMarkInsideChatAnswerTextIsSkipped() {
    var sse = SSEText()
    sse.chatText("\u{FEFF}[{\"type\":\"a\"},")
    sse.chatText("{\"type\":\"b\"}]")
    sse.chat("{}", finish: "stop")
    sse.data("[DONE]")
    let run = Self.everyChunking(sse.bytes, ActionStreamOptions(dialect: .openaiChat))
    #expect(run.canonicalValues == [#"{"type":"a"}"#, #"{"type":"b"}"#])
    #expect(run.codes == ["stream.byte_order_mark"])
    #expect(run.summary.status == .complete)
  }
}
