import SlateJSON

/// An SSE stream built event by event.
public struct SSEText {
  public init() {}
  public var text = ""

  public mutating func data(_ payload: String) { text += "data: \(payload)\n\n" }
  public mutating func event(_ name: String, _ payload: String) { text += "event: \(name)\ndata: \(payload)\n\n" }
  public mutating func comment(_ text: String) { self.text += ": \(text)\n\n" }

  public var bytes: [UInt8] { Array(text.utf8) }

  /// A Chat Completions chunk with `delta` on choice 0, and an optional finish reason.
  public mutating func chat(_ delta: String, finish: String? = nil) {
    let reason = finish.map { "\"\($0)\"" } ?? "null"
    data(#"{"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":\#(delta),"finish_reason":\#(reason)}]}"#)
  }

  /// Answer text on choice 0 (escaped as a JSON string).
  public mutating func chatText(_ text: String) {
    chat(#"{"content":\#(JSONValue.string(text).canonicalString)}"#)
  }

  /// A whole Chat Completions stream whose answer text is `answer`, sent in deltas of
  /// `deltaSize` characters, then a `stop` finish and `[DONE]`.
  public static func chatAnswer(_ answer: String, deltaSize: Int) -> [UInt8] {
    var sse = SSEText()
    var rest = Substring(answer)
    while !rest.isEmpty {
      sse.chatText(String(rest.prefix(deltaSize)))
      rest = rest.dropFirst(deltaSize)
    }
    sse.chat("{}", finish: "stop")
    sse.data("[DONE]")
    return sse.bytes
  }

  /// A tool call fragment: the first one of a call carries its id and name.
  public mutating func chatTool(index: Int, id: String? = nil, name: String? = nil, arguments: String) {
    var call = #"{"index":\#(index)"#
    if let id { call += #","id":"\#(id)","type":"function""# }
    var function = #""arguments":\#(JSONValue.string(arguments).canonicalString)"#
    if let name { function = #""name":"\#(name)",\#(function)"# }
    call += #","function":{\#(function)}}"#
    chat(#"{"tool_calls":[\#(call)]}"#)
  }
}
