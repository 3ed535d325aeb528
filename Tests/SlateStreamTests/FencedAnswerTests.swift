import SlateStream
import SlateJSON
import SlateTestSupport
import Testing

/// The end of issue 15 for the action stream: Markdown-fenced JSON is framed under
/// `auto` with offsets into the channel's text, and `value` framing on a text with no
/// value is `json.no_value`. Every case at every split point, byte by byte and in seeded
/// chunks (text dialect), and through Chat Completions events.
@Suite struct FencedAnswerTests {
  static func everyChunking(_ bytes: [UInt8], _ options: ActionStreamOptions) -> StreamRun {
    let whole = StreamRun(bytes, options: options)
    for a in 1..<max(1, bytes.count) {
      #expect(StreamRun(bytes, options: options, cuts: [a]).lines == whole.lines, "split at \(a)")
    }
    #expect(StreamRun(bytes, options: options, cuts: Array(1..<max(1, bytes.count))).lines == whole.lines, "byte by byte")
    for seed in UInt64(1)...3 {
      let cuts = SeededChunking.randomCuts(count: bytes.count, maxChunk: 7, seed: seed)
      #expect(StreamRun(bytes, options: options, cuts: cuts).lines == whole.lines, "seed \(seed)")
    }
    return whole
  }

  static let text = ActionStreamOptions(dialect: .text)

  @Test(arguments: ["```json\n", "```\n", "  ````JSON  \r\n"])
  func fencedJSONIsFramed(_ opening: String) {
    let body = "[{\"type\":\"a\",\"note\":\"use `x`\"},\n {\"type\":\"b\"}]\n"
    let input = opening + body + "```\nHope this helps!"
    let run = Self.everyChunking(Array(input.utf8), Self.text)
    #expect(run.canonicalValues == [#"{"note":"use `x`","type":"a"}"#, #"{"type":"b"}"#])
    let start = opening.utf8.count + 1
    #expect(run.values.first?.textRange == start..<(start + 29), "offsets point into the text, fence included")
    #expect(run.values.first?.streamOffset == start + 28)
    #expect(run.summary.status == .complete)
    #expect(run.summary.errors == 0)
    #expect(run.codes.isEmpty)
  }

  @Test func aFencedSequenceOfObjectsAndAnUnclosedFence() {
    let run = Self.everyChunking(Array("```json\n{\"type\":\"a\"}\n{\"type\":\"b\"}\n".utf8), Self.text)
    #expect(run.canonicalValues == [#"{"type":"a"}"#, #"{"type":"b"}"#])
    #expect(run.summary.errors == 0)
  }

  @Test func aFenceAroundProseOrTwoBackticksIsProse() {
    let python = Self.everyChunking(Array("```python\nprint(1)\n```".utf8), Self.text)
    #expect(python.values.isEmpty)
    #expect(python.codes == ["stream.prose_text"])
    #expect(python.diagnostics.first?.textOffset == 10)
    let inline = Self.everyChunking(Array("``{\"a\":1}``".utf8), Self.text)
    #expect(inline.values.isEmpty)
    #expect(inline.codes == ["stream.prose_text"])
    #expect(inline.diagnostics.first?.textOffset == 0)
  }

  @Test func fencedJSONInChatAnswerText() {
    var sse = SSEText()
    sse.chatText("Sure:\n")  // prose first: the whole answer is prose
    sse.chatText("```json\n[{\"type\":\"a\"}]\n```")
    #expect(StreamRun(sse.bytes, options: ActionStreamOptions(dialect: .openaiChat)).values.isEmpty)

    var fenced = SSEText()
    fenced.chatText("``")
    fenced.chatText("`json\n[{\"type\"")
    fenced.chatText(":\"a\"}]\n`")
    fenced.chatText("``\n")
    fenced.chat("{}", finish: "stop")
    fenced.data("[DONE]")
    let run = Self.everyChunking(fenced.bytes, ActionStreamOptions(dialect: .openaiChat))
    #expect(run.canonicalValues == [#"{"type":"a"}"#])
    #expect(run.values.first?.textRange == 9..<21)
    #expect(run.summary.status == .complete)
    #expect(run.summary.errors == 0)
  }

  @Test(arguments: ["", "  \n\t"])
  func valueFramingOnNoValueIsAnError(_ input: String) {
    let options = ActionStreamOptions(dialect: .text, textFraming: .framed(.value))
    let run = input.isEmpty ? StreamRun([], options: options) : Self.everyChunking(Array(input.utf8), options)
    #expect(run.codes == ["json.no_value"])
    #expect(run.diagnostics.first?.severity == .error)
    #expect(run.diagnostics.first?.textOffset == input.utf8.count)
    #expect(run.summary.errors == 1)
    #expect(!run.summary.isClean)
    // A value is no error; other framings of an empty text stay clean.
    #expect(StreamRun(Array(" 1 ".utf8), options: options).codes.isEmpty)
    #expect(StreamRun(Array(input.utf8), options: ActionStreamOptions(dialect: .text, textFraming: .framed(.sequence))).codes.isEmpty)
  }
}
