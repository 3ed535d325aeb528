import SlateStream
import SlateJSON

// `slate actions --json` (the stream layer) and a replay bundle's deltas: dialect deltas,
// framed values, early announcements, stream diagnostics.

extension Delta {
  /// The delta as a JSON line: `{"kind", "offset", …}` with `kind` one of `text`
  /// (`channel`, `text`), `call_started` (`key`, `name`, `callId`, `choice`),
  /// `call_arguments` (`key`, `text`), `call_ended` (`key`), `server_tool` (`key`, `name`,
  /// `input`), `usage` (`usage`), `finish` (`choice`, `reason`, `truncated`),
  /// `provider_error` (`errorKind`, `code`, `message`), `terminal` (`name`), `gap`
  /// (`scope`: `any`, or `call` with `key`).
  public var jsonLine: JSONLine { jsonLine(after: JSONLine()) }

  /// The delta's members appended to `prefix` (e.g. a replay bundle's `phase`).
  public func jsonLine(after prefix: JSONLine) -> JSONLine {
    var line = prefix
    func head(_ kind: String) {
      line.add("kind", .string(kind))
      line.add("offset", .int(offset))
    }
    switch kind {
    case .text(let channel, let text):
      head("text")
      line.add("channel", .string(channel.description))
      line.add("text", .string(text.string))
    case .toolCallStarted(let start):
      head("call_started")
      line.add("key", .string(start.key.rawValue))
      line.add("name", .string(start.name))
      line.add("callId", start.callId.map(JSONValue.string) ?? .null)
      line.add("choice", .int(start.choice))
    case .toolArguments(let key, let text):
      head("call_arguments")
      line.add("key", .string(key.rawValue))
      line.add("text", .string(text.string))
    case .toolCallEnded(let key):
      head("call_ended")
      line.add("key", .string(key.rawValue))
    case .serverToolUse(let use):
      head("server_tool")
      line.add("key", .string(use.key.rawValue))
      line.add("name", .string(use.name))
      line.add("input", .string(use.input))
    case .usage(let usage):
      head("usage")
      line.add("usage", usage.value)
    case .finish(let finish):
      head("finish")
      line.add("choice", .int(finish.choice))
      line.add("reason", .string(finish.reason))
      line.add("truncated", .bool(finish.truncated))
    case .providerError(let error):
      head("provider_error")
      line.add("errorKind", .string(error.kind))
      line.add("code", error.code.map(JSONValue.string) ?? .null)
      line.add("message", .string(error.message))
    case .terminal(let name):
      head("terminal")
      line.add("name", .string(name))
    case .gap(let scope):
      head("gap")
      switch scope {
      case .any: line.add("scope", "any")
      case .call(let key):
        line.add("scope", "call")
        line.add("key", .string(key.rawValue))
      }
    }
    return line
  }
}

extension StreamValue {
  /// `index`, `channel`, `streamOffset`, `offset` (the first byte in the channel's text).
  func place(_ line: inout JSONLine) {
    line.add("index", .int(index))
    line.addPlace(channel: channel, streamOffset: streamOffset, textOffset: textRange.lowerBound)
  }

  /// The head every line about this value starts with: `kind`, ``place(_:)``, then `type`
  /// (when given) and the call id (for a tool call).
  func head(_ kind: String, type: JSONValue?) -> JSONLine {
    var line = JSONLine(kind: kind)
    place(&line)
    if let type { line.add("type", type) }
    if let callId { line.add("callId", .string(callId)) }
    return line
  }

  /// `{"kind":"value",…[,"type","callId"],"value":v}`.
  public var jsonLine: JSONLine {
    var line = head("value", type: toolName.map(JSONValue.string))
    add(as: "value", to: &line)
    return line
  }
}

extension ActionStart {
  /// `{"kind":"started","channel","streamOffset","offset","type","keys"[,"callId"]}`.
  public var jsonLine: JSONLine {
    var line = JSONLine(kind: "started")
    line.addPlace(channel: channel, streamOffset: streamOffset, textOffset: textOffset)
    line.add("type", type)
    line.add("keys", .object(keys))
    if let callId { line.add("callId", .string(callId)) }
    return line
  }
}

extension StreamDiagnostic {
  /// `{"kind":"diagnostic","code","severity"[,"channel"],"streamOffset"[,"offset"],"message"}`.
  public var jsonLine: JSONLine {
    var line = JSONLine(diagnostic: code, severity: severity)
    line.addPlace(channel: channel, streamOffset: streamOffset, textOffset: textOffset)
    line.add("message", .string(message))
    return line
  }
}
