import Foundation
import SlateJSON
import SlateStream
import SlateTestSupport
import Testing

/// A stream's parsers take the buffers of streams released before it (``SimdjsonParser``'s
/// pool), and a stream whose first chunk tells the input format reads that chunk in place:
/// a stream read after large ones, whole or in chunks, reports exactly what it reports when
/// read first.
@Suite struct StreamAfterStreamTests {
  /// A Chat Completions stream whose answer text frames `values` values and whose one tool
  /// call has arguments of about `argumentBytes` bytes (numbers beyond 64 bits included): its
  /// parsers' buffers grow to hold them.
  static func largeStream(values: Int, argumentBytes: Int) -> [UInt8] {
    func event(_ delta: String, finish: String? = nil) -> String {
      let reason = finish.map { #""\#($0)""# } ?? "null"
      return #"data: {"object":"chat.completion.chunk","choices":[{"index":0,"delta":\#(delta),"finish_reason":\#(reason)}]}"# + "\n\n"
    }
    var stream = event(#"{"role":"assistant","content":"["}"#)
    for k in 0..<values {
      let value = #"{"type":"v","n":\#(k),"big":123456789012345678901234567890,"s":"é \#(k)"}"# + (k + 1 < values ? "," : "]")
      stream += event(#"{"content":\#(JSONValue.string(value).canonicalString)}"#)
    }
    var arguments = #"{"items":["#
    var k = 0
    while arguments.utf8.count < argumentBytes {
      arguments += #"{"n":\#(k),"big":98765432109876543210987654321\#(k)},"#
      k += 1
    }
    arguments += "0]}"
    stream += event(#"{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"big","arguments":""}}]}"#)
    stream += event(#"{"tool_calls":[{"index":0,"function":{"arguments":\#(JSONValue.string(arguments).canonicalString)}}]}"#)
    stream += event("{}", finish: "tool_calls")
    stream += "data: [DONE]\n\n"
    return Array(stream.utf8)
  }

  /// Small streams of every dialect and the text input, and the real recordings when
  /// `../shared` is present.
  static var smallStreams: [[UInt8]] {
    var streams: [[UInt8]] = [
      Array(("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"[{\\\"type\\\":\\\"a\\\",\\\"n\\\":1e400},\"}}]}\n\n"
        + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"{\\\"type\\\":\\\"b\\\"}]\"},\"finish_reason\":\"stop\"}]}\n\n"
        + "data: [DONE]\n\n").utf8),
      Array(#"[{"type":"text input","n":123456789012345678901234567890},{"type":"second"}]"#.utf8),
      Array("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":3}}}\n\n".utf8),
    ]
    for dialect in ["openai-chat", "openai-responses", "anthropic", "gemini"] {
      for url in SharedFixtures.files(in: "corpus-real/\(dialect)", suffix: ".sse") ?? [] {
        if let data = try? Data(contentsOf: url) { streams.append(Array(data)) }
      }
    }
    return streams
  }

  @Test func aStreamAfterLargeOnesReportsWhatItReportsFirst() {
    let small = Self.smallStreams
    let first = small.map { StreamRun($0).lines }
    let firstInChunks = small.map { StreamRun($0, cuts: SeededChunking.fixedCuts(count: $0.count, size: 7)).lines }
    // One large stream whose parsers stay small enough to be kept for the next streams, one
    // whose parsers grow past that (they are freed).
    for (values, argumentBytes) in [(300, 40_000), (50, 300_000)] {
      let run = StreamRun(Self.largeStream(values: values, argumentBytes: argumentBytes))
      #expect(run.values.count == values + 1)
      #expect(run.summary.status == .complete)
      for (k, bytes) in small.enumerated() {
        #expect(StreamRun(bytes).lines == first[k])
        #expect(StreamRun(bytes, cuts: SeededChunking.fixedCuts(count: bytes.count, size: 7)).lines == firstInChunks[k])
      }
    }
  }
}
