import SlateStream
import SlateJSON
import SlateSchema

// The JSON-lines form of what a turn pipeline reports: what `slate actions --json` prints
// and what a replay bundle records. Members in a fixed order; values canonical.

extension TurnItem {
  /// The item's line, or nil for items that have none (deltas, the end, batches; with a
  /// pack, the bare value, which its action or rejection line replaces).
  public func jsonLine(schema: Bool) -> JSONLine? {
    switch self {
    case .stream(.started(let start)): start.jsonLine
    case .stream(.value(let value)): schema ? nil : value.jsonLine
    case .stream(.diagnostic(let diagnostic)): diagnostic.jsonLine
    case .action(let action, let value): action.jsonLine(value)
    case .rejected(let rejection, let value): rejection.jsonLine(value)
    case .stream(.delta), .stream(.end), .batch: nil
    }
  }
}

extension StreamValue {
  /// `index`, `channel`, `streamOffset`, `offset` (the first byte in the channel's text).
  func place(_ line: inout JSONLine) {
    line.add("index", .number(JSONNumber(index)))
    line.add("channel", .string(channel.description))
    line.add("streamOffset", .number(JSONNumber(streamOffset)))
    line.add("offset", .number(JSONNumber(textRange.lowerBound)))
  }

  /// The head every line about this value starts with: `kind`, ``place(_:)``, then `type`
  /// (when given) and the call id (for a tool call).
  func head(_ kind: String, type: JSONValue?) -> JSONLine {
    var line = JSONLine()
    line.add("kind", .string(kind))
    place(&line)
    if let type { line.add("type", type) }
    if let callId { line.add("callId", .string(callId)) }
    return line
  }

  /// `{"kind":"value",…[,"type","callId"],"value":v}`.
  public var jsonLine: JSONLine {
    var line = head("value", type: toolName.map(JSONValue.string))
    line.add("value", value)
    return line
  }
}

extension ActionStart {
  /// `{"kind":"started","channel","streamOffset","offset","type","keys"[,"callId"]}`.
  public var jsonLine: JSONLine {
    var line = JSONLine()
    line.add("kind", "started")
    line.add("channel", .string(channel.description))
    line.add("streamOffset", .number(JSONNumber(streamOffset)))
    line.add("offset", .number(JSONNumber(textOffset)))
    line.add("type", type)
    line.add("keys", .object(keys))
    if let callId { line.add("callId", .string(callId)) }
    return line
  }
}

extension Action {
  /// `{"kind":"action",<place>,"type"[,"callId"],"key","keyDigest","queue","effects","phase"[,"warnings"],"payload"}`.
  public func jsonLine(_ value: StreamValue) -> JSONLine {
    var line = value.head("action", type: .string(type))
    line.add("key", .string(key.readable))
    line.add("keyDigest", .string(key.hex))
    line.add("queue", .string(queue))
    line.add("effects", .array(effects.map(JSONValue.string)))
    line.add("phase", phase.map(JSONValue.string) ?? .null)
    if !warnings.isEmpty { line.add("warnings", objects: warnings.map(JSONLine.init(warning:))) }
    line.add("payload", payload)
    return line
  }
}

extension Rejection {
  /// `{"kind":"rejected",<place>,"type"[,"callId"],"errors"[,"warnings"],"text"}`.
  public func jsonLine(_ value: StreamValue) -> JSONLine {
    var line = value.head("rejected", type: type.map(JSONValue.string) ?? .null)
    line.add("errors", objects: errors.map(JSONLine.init(validationError:)))
    if !warnings.isEmpty { line.add("warnings", objects: warnings.map(JSONLine.init(warning:))) }
    line.add("text", .string(String(decoding: bytes, as: UTF8.self)))
    return line
  }
}

extension StreamDiagnostic {
  /// `{"kind":"diagnostic","code","severity"[,"channel"],"streamOffset"[,"offset"],"message"}`.
  public var jsonLine: JSONLine {
    var line = JSONLine()
    line.add("kind", "diagnostic")
    line.add("code", .string(code))
    line.add("severity", .string(severity.rawValue))
    if let channel { line.add("channel", .string(channel.description)) }
    line.add("streamOffset", .number(JSONNumber(streamOffset)))
    if let textOffset { line.add("offset", .number(JSONNumber(textOffset))) }
    line.add("message", .string(message))
    return line
  }
}

extension TurnSummary {
  /// `{"kind":"summary","dialect","values"[,"actions","rejected","batches"],"diagnostics","errors","status"[,"reason"],
  /// (`reason` for a truncated stream and for one failed by a gap, `stream.gap: …`)
  /// "finishReason"[,"error","valuesBeforeError"]}`.
  public func jsonLine(schema: Bool) -> JSONLine {
    var line = JSONLine()
    line.add("kind", "summary")
    line.add("dialect", .string(stream.dialect.rawValue))
    line.add("values", .number(JSONNumber(stream.values)))
    if schema {
      line.add("actions", .number(JSONNumber(actions)))
      line.add("rejected", .number(JSONNumber(rejected)))
      line.add("batches", .number(JSONNumber(batches)))
    }
    line.add("diagnostics", .number(JSONNumber(stream.diagnostics)))
    line.add("errors", .number(JSONNumber(stream.errors)))
    line.add("status", .string(stream.status.name))
    if case .truncated(let reason) = stream.status { line.add("reason", .string(reason.description)) }
    if case .failed(let kind, let message) = stream.status, stream.status.isGap { line.add("reason", .string("\(kind): \(message)")) }
    line.add("finishReason", stream.finishes.first.map { .string($0.reason) } ?? .null)
    if let error = stream.providerError {
      var problem = JSONObject()
      problem.append(key: "kind", value: .string(error.kind))
      problem.append(key: "code", value: error.code.map(JSONValue.string) ?? .null)
      problem.append(key: "message", value: .string(error.message))
      line.add("error", .object(problem))
      line.add("valuesBeforeError", .number(JSONNumber(stream.valuesBeforeError ?? 0)))
    }
    return line
  }

  /// Complete, no error diagnostic, no rejected action.
  public var isClean: Bool { stream.isClean && rejected == 0 }
}
