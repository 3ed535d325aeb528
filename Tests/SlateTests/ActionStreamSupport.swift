import Slate
import SlateJSON
import SlateTestSupport

/// Runs an action stream over chunks and renders what it reported as comparable lines
/// (deltas left out: they carry what one chunk carried).
struct StreamRun {
  var lines: [String] = []
  var values: [StreamValue] = []
  var diagnostics: [StreamDiagnostic] = []
  var starts: [ActionStart] = []
  var summary: StreamSummary!

  init(_ bytes: [UInt8], options: ActionStreamOptions = .default, cuts: [Int] = []) {
    var stream = ActionStream(options: options)
    var items: [StreamItem] = []
    for chunk in SeededChunking.chunks(of: bytes, cuts: cuts) { stream.feed(chunk, into: &items) }
    summary = stream.finish(into: &items)
    absorb(items)
  }

  init(items: [StreamItem]) { absorb(items) }

  mutating func absorb(_ items: [StreamItem]) {
    for item in items {
      switch item {
      case .delta: continue
      case .started(let start):
        starts.append(start)
        lines.append("started \(start.channel) @\(start.streamOffset) +\(start.textOffset) \(start.type.canonicalString) \(JSONValue.object(start.keys).canonicalString) \(start.callId ?? "-")")
      case .value(let value):
        values.append(value)
        lines.append("value \(value.index) \(value.channel) @\(value.streamOffset) \(value.textRange) \(value.toolName ?? "-") \(value.callId ?? "-") \(value.value.canonicalString)")
      case .diagnostic(let diagnostic):
        diagnostics.append(diagnostic)
        lines.append("diagnostic \(diagnostic)")
      case .end(let summary):
        self.summary = summary
        lines.append("end \(summary)")
      }
    }
  }

  var codes: [String] { diagnostics.map(\.code) }
  var canonicalValues: [String] { values.map(\.value.canonicalString) }
}

/// An SSE stream built event by event.
struct SSEText {
  var text = ""

  mutating func data(_ payload: String) { text += "data: \(payload)\n\n" }
  mutating func event(_ name: String, _ payload: String) { text += "event: \(name)\ndata: \(payload)\n\n" }
  mutating func comment(_ text: String) { self.text += ": \(text)\n\n" }

  var bytes: [UInt8] { Array(text.utf8) }

  /// A Chat Completions chunk with `delta` on choice 0, and an optional finish reason.
  mutating func chat(_ delta: String, finish: String? = nil) {
    let reason = finish.map { "\"\($0)\"" } ?? "null"
    data(#"{"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":\#(delta),"finish_reason":\#(reason)}]}"#)
  }

  /// Answer text on choice 0 (escaped as a JSON string).
  mutating func chatText(_ text: String) {
    chat(#"{"content":\#(JSONValue.string(text).canonicalString)}"#)
  }

  /// A tool call fragment: the first one of a call carries its id and name.
  mutating func chatTool(index: Int, id: String? = nil, name: String? = nil, arguments: String) {
    var call = #"{"index":\#(index)"#
    if let id { call += #","id":"\#(id)","type":"function""# }
    var function = #""arguments":\#(JSONValue.string(arguments).canonicalString)"#
    if let name { function = #""name":"\#(name)",\#(function)"# }
    call += #","function":{\#(function)}}"#
    chat(#"{"tool_calls":[\#(call)]}"#)
  }
}
