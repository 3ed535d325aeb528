import Foundation
import SlateTurn
import SlateStream
import SlateJSON
import SlateSchema
import SlateTestSupport
import Testing

/// The pipeline's summary says when a gap failed the stream (issue 14 item 0), and prose
/// where a pack expected actions is a warning (end of issue 15).
@Suite struct TurnPipelineGapAndProseTests {
  static func lines(_ bytes: [UInt8], options: ActionStreamOptions, cuts: [Int] = []) throws -> (TurnSummary, [String]) {
    var pipeline = TurnPipeline(pack: try TurnPipelineTests.film(), options: options)
    var items: [TurnItem] = []
    for chunk in SeededChunking.chunks(of: bytes, cuts: cuts) { pipeline.feed(chunk, into: &items) }
    let summary = pipeline.finish(into: &items)
    let codes = items.compactMap { if case .stream(.diagnostic(let d)) = $0 { "\(d.code) \(d.severity.rawValue)" } else { nil } }
    return (summary, codes)
  }

  @Test func aGapFailsThePhaseAndTheSummarySaysWhy() throws {
    var sse = SSEText()
    sse.chatText(#"[{"type":"add_prop","name":"dia"#)
    sse.data(#"{"choices":[{"index":0,"delta":{"content":"mond dr"#)
    sse.chatText(#"ill","set":"Café"}]"#)
    sse.chat("{}", finish: "stop")
    sse.data("[DONE]")
    let (summary, codes) = try Self.lines(sse.bytes, options: ActionStreamOptions(dialect: .openaiChat))
    #expect(summary.actions == 0)
    #expect(summary.stream.status.isGap)
    #expect(!summary.isClean)
    #expect(codes.contains("stream.gap error"))
    let line = summary.jsonLine(schema: true).text
    #expect(line.contains(#""status":"failed""#))
    #expect(line.contains(#""reason":"stream.gap: the event at byte "#))
  }

  @Test func proseWithNoActionIsAWarningWithAPack() throws {
    let prose = Array("I could not find any scene to change.".utf8)
    for cuts in [[], Array(1..<prose.count)] {
      let (summary, codes) = try Self.lines(prose, options: ActionStreamOptions(dialect: .text), cuts: cuts)
      #expect(codes == ["stream.prose_text info", "turn.prose_without_actions warning"])
      #expect(summary.stream.diagnostics == 2)
      #expect(summary.stream.errors == 0)
    }
    // Prose before tool calls that give actions is no warning.
    var sse = SSEText()
    sse.chatText("Adding the prop now.")
    sse.chatTool(index: 0, id: "call_1", name: "add_prop", arguments: #"{"name":"lamp","set":"Café"}"#)
    sse.chat("{}", finish: "tool_calls")
    sse.data("[DONE]")
    let (summary, codes) = try Self.lines(sse.bytes, options: ActionStreamOptions(dialect: .openaiChat))
    #expect(summary.actions + summary.rejected == 1)
    #expect(codes == ["stream.prose_text info"])
  }
}
