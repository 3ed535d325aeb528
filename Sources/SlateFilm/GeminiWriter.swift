import SlateStream
import SlateJSON

/// Gemini `streamGenerateContent?alt=sse` chunks (provider-streams.md §4), laid out as
/// the Gemini API sent them (`gemini20-text-crlf.sse`, `gemini3-function-call-thought-signature.sse`):
/// data-only events framed with CRLF, JSON with `": "` after keys and `","` between
/// members, each chunk a `GenerateContentResponse` holding only the new content, with the
/// running `usageMetadata`, `modelVersion` and `responseId`.
///
/// Text arrives in pieces, one chunk each; the last piece's chunk carries the
/// `finishReason` (`STOP`, `MAX_TOKENS`), or an empty text part does when the turn ended
/// with calls. Calls arrive whole (`functionCall {name, args}`, no id, as recorded), up to
/// two parts per chunk; the dialect reports their `args` in canonical form. There is no
/// terminal event. Keep-alives are SSE comments (Gemini sends none that anyone recorded;
/// a proxy may); an error is `data: {"error": {code, message, status}}` and the
/// connection closes.
struct GeminiWriter: ProviderWriter {
  static let kind = DialectKind.gemini
  static let lineEnding = "\r\n"
  static let interleavesCalls = false
  static let argumentStyle = JSONTextStyle.keySpaced

  private var random: SplitMix64
  /// The calls started and not yet written (Gemini writes a call whole at its end).
  private var open: [Int: CallSpec] = [:]
  private let responseId: String
  /// The chunk held back so that a finishReason can join it.
  private var pending: (parts: [JSONValue], calls: Bool)?
  private var tokens = 0
  private(set) var written = Written()

  init(toolCalls: Bool, seed: UInt64, recording: Bool) {
    random = SplitMix64(seed: seed)
    written.recording = recording
    responseId = random.token(23, from: SplitMix64.base62 + "-_")
  }

  mutating func write(_ step: Step, into wire: inout [WireItem]) {
    switch step {
    case .text(let piece):
      flush(into: &wire)
      pending = ([.members([("text", .string(piece))])], false)
      written.addAnswer(piece)
      tokens += 1
    case .startCall(let i, let call):
      open[i] = call  // written whole when its arguments are complete
    case .arguments:
      break
    case .endCall(let i):
      guard let call = open.removeValue(forKey: i) else { return }
      let arguments = call.value ?? [:]
      let part: JSONValue = .members([("functionCall", .members([("name", .string(call.name)), ("args", arguments)]))])
      if let held = pending, held.calls, held.parts.count < 2 {
        pending?.parts.append(part)
      } else {
        flush(into: &wire)
        pending = ([part], true)
      }
      tokens += 1
      written.start(i, name: call.name, id: nil)
      if written.recording { written.append(i, arguments.canonicalString) }
      written.end(i)
      written.argumentsComplete.insert(i)
    case .keepAlive:
      flush(into: &wire)
      wire.append(.comment("keep-alive"))
    case .error:
      flush(into: &wire)
      let error: JSONValue = .members([
        ("code", 503), ("message", "The model is overloaded. Please try again later."), ("status", "UNAVAILABLE"),
      ])
      let payload: JSONValue = .members([("error", error)])
      wire.append(.event(name: nil, data: payload.text(.keySpaced)))
      written.error = ProviderError(kind: "UNAVAILABLE", code: "503", message: error["message"]!.stringValue!, payload: payload)
    case .finish(let stop):
      let reason = stop == .length ? "MAX_TOKENS" : "STOP"
      let parts = pending?.calls == false ? pending!.parts : [.members([("text", "")])]
      if pending?.calls == true { flush(into: &wire) }
      pending = nil
      wire.append(chunk(parts, finish: reason))
      written.finishes.append(Finish(choice: 0, reason: reason, truncated: stop == .length))
      written.terminated = true
    }
  }

  mutating func flush(into wire: inout [WireItem]) {
    guard let held = pending else { return }
    pending = nil
    wire.append(chunk(held.parts, finish: nil))
  }

  private func chunk(_ parts: [JSONValue], finish: String?) -> WireItem {
    var candidate: [(String, JSONValue)] = [("content", .members([("parts", .array(parts)), ("role", "model")]))]
    if let finish { candidate.append(("finishReason", .string(finish))) }
    candidate.append(("index", 0))
    var usage: [(String, JSONValue)] = [("promptTokenCount", 1021)]
    if tokens > 0 { usage.append(("candidatesTokenCount", .number(JSONNumber(tokens)))) }
    usage.append(("totalTokenCount", .number(JSONNumber(1021 + tokens))))
    usage.append(("promptTokensDetails", [.members([("modality", "TEXT"), ("tokenCount", 1021)])]))
    let response: JSONValue = .members([
      ("candidates", [.members(candidate)]), ("usageMetadata", .members(usage)),
      ("modelVersion", "gemini-2.5-flash"), ("responseId", .string(responseId)),
    ])
    return .event(name: nil, data: response.text(.keySpaced))
  }
}
