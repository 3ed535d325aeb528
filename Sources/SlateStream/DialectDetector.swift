import SlateJSON

/// Tells the input format and the dialect from the start of a stream (`--dialect auto`).
///
/// Two steps: ``inputFormat(of:atEnd:)`` looks at the first bytes (SSE or plain text);
/// ``kind(eventName:payload:)`` looks at one event (see ``AutoDialect``, which applies it
/// to the first events). Both are O(what they look at).
public enum DialectDetector {
  public enum InputFormat: String, Sendable, Equatable {
    /// Server-sent events: give the events to a ``Dialect``.
    case eventStream
    /// Anything else: the bytes are the text (``TextDialect``).
    case text
  }

  /// The field names, as bytes, and each with its colon (built once: the detector runs at
  /// every chunk until it decides, byte by byte on a slow link).
  private static let fieldNames: [[UInt8]] = ["data", "event", "id", "retry"].map { Array($0.utf8) }
  private static let fieldPrefixes: [[UInt8]] = fieldNames.map { $0 + [UInt8(ascii: ":")] }
  private static let maxFieldPrefix = fieldPrefixes.map(\.count).max()!

  /// SSE when, after an optional UTF-8 BOM and blank lines, the first line is a comment
  /// (`:`) or a `data`, `event`, `id` or `retry` field; text otherwise. Nil when `prefix`
  /// is too short to tell and more bytes may follow (`atEnd` false).
  public static func inputFormat(of prefix: some Collection<UInt8>, atEnd: Bool) -> InputFormat? {
    var bytes = prefix[...]
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
      bytes = bytes.dropFirst(3)
    } else if !atEnd, [0xEF, 0xBB, 0xBF].starts(with: bytes), !bytes.isEmpty {
      return nil  // a BOM still arriving
    }
    let line = bytes.drop { $0 == 0x0A || $0 == 0x0D }
    guard let first = line.first else { return atEnd ? .text : nil }
    if first == UInt8(ascii: ":") { return .eventStream }
    // The line's first bytes, up to one past the longest field prefix (`retry:`): what the
    // checks below read. Counting the whole line, and the input after it, cost about 10
    // instructions a byte of the first chunk.
    var headEnd = line.startIndex
    var headCount = 0
    while headEnd != line.endIndex, headCount <= maxFieldPrefix, line[headEnd] != 0x0A && line[headEnd] != 0x0D {
      line.formIndex(after: &headEnd)
      headCount += 1
    }
    let head = line[line.startIndex..<headEnd]
    // Known to be whole, or longer than every field: a byte follows the head.
    let lineEnded = headEnd != line.endIndex || atEnd
    for (field, prefix) in zip(fieldNames, fieldPrefixes) {
      if head.starts(with: prefix) { return .eventStream }
      if lineEnded && head.elementsEqual(field) { return .eventStream }  // a field with no colon
      if !lineEnded && prefix.starts(with: head) { return nil }
    }
    return .text
  }

  private static let anthropicTypes: Set<String> = [
    "message_start", "message_delta", "message_stop",
    "content_block_start", "content_block_delta", "content_block_stop", "ping",
  ]

  /// The dialect one event reveals, or nil when it fits several or none.
  ///
  /// Event names `message_start`, `content_block_*`, `message_*`, `ping` or payload types
  /// of the same names → Anthropic; names or types `response.*` → Responses; a payload
  /// type `error` → Responses when it has a `sequence_number` or a `code`, Anthropic
  /// otherwise; `object: chat.completion.chunk`, a `choices` member or `object: error` →
  /// Chat Completions; `candidates`, `usageMetadata` or `promptFeedback` → Gemini; a bare
  /// `error` object → Gemini when it has a `status`, Chat Completions otherwise.
  public static func kind(eventName: String?, payload: JSONNode?) -> DialectKind? {
    if let name = eventName {
      if anthropicTypes.contains(name) { return .anthropic }
      if name.hasPrefix("response.") { return .openaiResponses }
    }
    guard let payload, payload.isObject else { return nil }
    if let type = payload["type"]?.string {
      if anthropicTypes.contains(type) { return .anthropic }
      if type.hasPrefix("response.") { return .openaiResponses }
      if type == "error" {
        let responses = payload["sequence_number"] != nil || payload["code"] != nil || payload["error"]?["code"] != nil
        return responses ? .openaiResponses : .anthropic
      }
    }
    if payload["object"]?.isString("chat.completion.chunk") == true || payload["object"]?.isString("error") == true
      || payload["choices"] != nil
    {
      return .openaiChat
    }
    if payload["candidates"] != nil || payload["usageMetadata"] != nil || payload["promptFeedback"] != nil { return .gemini }
    if let error = payload["error"], error.isObject {
      return error["status"] != nil ? .gemini : .openaiChat
    }
    return nil
  }
}
