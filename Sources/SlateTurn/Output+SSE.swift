import SlateJSON
import SlateSSE

// `slate events --json`: one line per parser output, then a summary.

extension SSEOutput {
  /// The output's line: see ``SSEEvent/jsonLine``, ``SSEComment/jsonLine``,
  /// ``SSEDiagnostic/jsonLine``.
  public var jsonLine: JSONLine {
    switch self {
    case .event(let event): event.jsonLine
    case .comment(let comment): comment.jsonLine
    case .diagnostic(let diagnostic): diagnostic.jsonLine
    }
  }
}

extension SSEEvent {
  /// `{"kind":"event","type","data","id","retry","offset","end"}` (`retry` null when absent).
  public var jsonLine: JSONLine {
    var line = JSONLine(kind: "event")
    line.add("type", .string(type))
    line.add("data", .string(data))
    line.add("id", .string(lastEventId))
    line.add("retry", .int(retry))
    line.add("offset", .int(byteRange.lowerBound))
    line.add("end", .int(byteRange.upperBound))
    return line
  }
}

extension SSEComment {
  /// `{"kind":"comment","text","offset"}`.
  public var jsonLine: JSONLine {
    var line = JSONLine(kind: "comment")
    line.add("text", .string(text))
    line.add("offset", .int(offset))
    return line
  }
}

extension SSEDiagnostic {
  /// `{"kind":"diagnostic","code","severity","offset","message"}`.
  public var jsonLine: JSONLine {
    var line = JSONLine(diagnostic: code, severity: severity)
    line.add("offset", .int(offset))
    line.add("message", .string(message))
    return line
  }
}

extension JSONLine {
  /// `slate events`' last line: `{"kind":"summary","events","lastEventId","retry","bytes"}`.
  public static func sseSummary(events: Int, lastEventId: String, retry: Int?, bytes: Int) -> JSONLine {
    var line = JSONLine(kind: "summary")
    line.add("events", .int(events))
    line.add("lastEventId", .string(lastEventId))
    line.add("retry", .int(retry))
    line.add("bytes", .int(bytes))
    return line
  }
}
