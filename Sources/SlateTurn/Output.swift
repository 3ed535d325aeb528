import SlateCore
import SlateJSON
import SlateStream

// The JSON-lines output of every layer, in one place: what `slate events|actions|replay|
// turns --json` print and what a replay bundle records. One file per layer:
//
// - `Output+SSE.swift`: the SSE parser's events, comments, diagnostics and summary;
// - `Output+Stream.swift`: dialect deltas, framed values, announcements, stream diagnostics;
// - `Output+Schema.swift`: validation errors and coercion warnings (inside action lines);
// - `Output+Turn.swift`: pipeline items (actions, rejections), the pipeline summary, the
//   turn report's summary;
// - `Output+Dispatch.swift`: dispatch results, ledger records, audit findings.
//
// Conventions: members in a fixed order; values canonical; absent values omitted unless a
// line documents `null`; stream lines in camelCase (`streamOffset`), ledger renderings in
// snake_case (`created_at`), as they always were. The helpers below are the only builders
// of the shared parts.

extension JSONValue {
  static func int(_ value: Int) -> JSONValue { .number(JSONNumber(value)) }
  static func int64(_ value: Int64) -> JSONValue { .number(JSONNumber(value)) }
  static func int(_ value: Int?) -> JSONValue { value.map(int) ?? .null }
}

extension JSONLine {
  /// A line whose first member is `"kind": kind`.
  init(kind: String) {
    self.init()
    add("kind", .string(kind))
  }

  /// A diagnostic's line of any layer, up to its place: `"kind":"diagnostic","code","severity"`.
  init(diagnostic code: DiagnosticCode, severity: Severity) {
    self.init(kind: "diagnostic")
    add("code", .string(code.rawValue))
    add("severity", .string(severity.rawValue))
  }

  /// Where something sits in a stream: `channel` (when there is one), `streamOffset` (the
  /// raw stream), `offset` (the channel's text, when known).
  mutating func addPlace(channel: StreamChannel?, streamOffset: Int, textOffset: Int?) {
    if let channel { add("channel", .string(channel.description)) }
    add("streamOffset", .int(streamOffset))
    if let textOffset { add("offset", .int(textOffset)) }
  }
}
