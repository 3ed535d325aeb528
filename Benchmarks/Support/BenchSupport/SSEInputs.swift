import SlateJSON
import SlateSSE

/// An SSE stream and what the suites know about it, computed once when it is built.
public struct SSEInput: Sendable {
  public let bytes: [UInt8]
  /// Events Slate's SSEParser finds in it.
  public let events: Int
  /// The data of every event whose data is one JSON document (the provider's envelopes),
  /// padded for simdjson: the input of the per-envelope lower bound.
  public let envelopes: [PaddedBytes]

  public init(_ bytes: [UInt8]) {
    self.bytes = bytes
    var parser = SSEParser()
    var outputs = parser.feed(bytes)
    parser.finish(into: &outputs)
    let events = outputs.compactMap(\.event)
    self.events = events.count
    let validator = SimdjsonParser()
    self.envelopes = events.map { PaddedBytes($0.data.utf8) }.filter { validator.validate($0) == nil }
  }

  public var workload: Workload { Workload(bytes: bytes.count, events: events) }
}

/// The recordings of corpus-real, sorted by path, each followed by a blank line so that
/// the two that end without one do not run into the next. Empty when ../shared is absent.
public func corpusRealConcatenated() -> [UInt8] {
  var bytes: [UInt8] = []
  for stream in SharedFiles.corpusRealStreams {
    bytes += stream.bytes
    bytes += Array("\n\n".utf8)
  }
  return bytes
}

/// About `size` bytes of OpenAI Chat Completions chunks: text deltas with escapes and
/// non-ASCII text, tool-call argument fragments, a usage chunk, and `data: [DONE]`.
/// The same content at every size (a prefix of the larger streams, then the same tail).
public func generatedChatStream(bytes size: Int) -> [UInt8] {
  var text: [UInt8] = []
  text.reserveCapacity(size + 1024)
  let words = ["The", "harbour", "at", "dawn,", "a \\\"golden\\\" light", "→ slow push in", "café", "scene\\n"]
  let head = #"data: {"id":"chatcmpl-9x7Ab","object":"chat.completion.chunk","created":1730000000,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_0ba0d124f1","choices":[{"index":0,"delta":"#
  var i = 0
  while text.count < size {
    text += head.utf8
    if i % 4 == 3 {
      text += #"{"tool_calls":[{"index":0,"function":{"arguments":"{\"scene_id\":\"s\#(i)\",\"lens\":"}}]},"logprobs":null,"finish_reason":null}],"usage":null}"#.utf8
    } else {
      text += #"{"content":"\#(words[i % words.count]) "},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"k2v\#(i % 97)"}"#.utf8
    }
    text += "\n\n".utf8
    i += 1
  }
  text += #"data: {"id":"chatcmpl-9x7Ab","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":812,"completion_tokens":\#(i),"total_tokens":\#(i + 812)}}"#.utf8
  text += "\n\ndata: [DONE]\n\n".utf8
  return text
}
