import Foundation

// What SDKs do with a provider's stream of JSON actions, written as a typical client
// would (our own code; no SDK's): the naive SSE reader (SSEPeers.swift), one decode of
// each event's envelope to dig out the text delta, the deltas appended to a String, and
// the actions decoded from that text. Answer text only (a JSON array of film actions),
// OpenAI Chat Completions and Anthropic Messages.

/// The two provider dialects the SDK peers read.
public enum SDKDialect: String, Sendable {
  case openaiChat = "openai-chat"
  case anthropic

  /// The text delta of one event's data decoded by JSONSerialization, or nil.
  func text(in object: Any) -> String? {
    guard let event = object as? [String: Any] else { return nil }
    switch self {
    case .openaiChat:
      let choices = event["choices"] as? [[String: Any]]
      return (choices?.first?["delta"] as? [String: Any])?["content"] as? String
    case .anthropic:
      guard event["type"] as? String == "content_block_delta", let delta = event["delta"] as? [String: Any],
            delta["type"] as? String == "text_delta" else { return nil }
      return delta["text"] as? String
    }
  }

  /// The text delta of one event's data decoded by JSONDecoder into the dialect's chunk type.
  func text(decoding data: Data, with decoder: JSONDecoder) -> String? {
    switch self {
    case .openaiChat:
      return (try? decoder.decode(ChatChunk.self, from: data))?.choices.first?.delta.content
    case .anthropic:
      guard let event = try? decoder.decode(AnthropicEvent.self, from: data), event.type == "content_block_delta",
            event.delta?.type == "text_delta" else { return nil }
      return event.delta?.text
    }
  }
}

/// A Chat Completions chunk, as much of it as a client reading answer text declares.
struct ChatChunk: Decodable {
  struct Choice: Decodable {
    struct Delta: Decodable { let content: String? }
    let delta: Delta
  }
  let choices: [Choice]
}

/// An Anthropic Messages event, as much of it as a client reading text declares.
struct AnthropicEvent: Decodable {
  struct Delta: Decodable {
    let type: String?
    let text: String?
  }
  let type: String
  let delta: Delta?
}

/// The SDK pattern with re-parsing: JSONSerialization decodes each envelope; after every
/// text delta the whole accumulated text is parsed again with JSONSerialization (which
/// fails until the text is complete, after a scan of all of it), so that a client can act
/// on the actions the moment the text parses. Quadratic in the text's length. Returns the
/// actions of the final parse.
public func sdkReparseActions(_ bytes: [UInt8], dialect: SDKDialect, chunk: Int, watch: HeapWatch? = nil) -> Int {
  var text = ""
  var actions = 0
  naiveReaderEvents(bytes, chunk: chunk, watch: watch) { data in
    guard data != "[DONE]", let envelope = try? JSONSerialization.jsonObject(with: Data(data.utf8)),
          let delta = dialect.text(in: envelope) else { return }
    text += delta
    if let array = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [Any] { actions = array.count }
  }
  return actions
}

/// The SDK pattern with Codable: JSONDecoder decodes each envelope into the dialect's
/// chunk type; at the end, the accumulated text is decoded into film action structs
/// (``FilmAction``). Nothing is known of the actions before the stream ends. Returns how
/// many decoded.
public func sdkDecoderActions(_ bytes: [UInt8], dialect: SDKDialect, chunk: Int, watch: HeapWatch? = nil) -> Int {
  let decoder = JSONDecoder()
  var text = ""
  naiveReaderEvents(bytes, chunk: chunk, watch: watch) { data in
    guard data != "[DONE]", let delta = dialect.text(decoding: Data(data.utf8), with: decoder) else { return }
    text += delta
  }
  let actions = (try? decoder.decode([FilmAction].self, from: Data(text.utf8)))?.count ?? -1
  watch?.sample()
  return actions
}
