import SlateDispatch
import SlateJSON
import SlateSchema
import SlateStream

// The turn layer's lines: a pipeline item (`slate actions --json`, a replay bundle's
// lines), the pipeline's summary, and a turn report's summary (`slate replay --json`).

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

extension TurnSummary {
  /// `{"kind":"summary","dialect","values"[,"actions","rejected","batches"],"diagnostics","errors","status"[,"reason"],
  /// "finishReason"[,"error","valuesBeforeError"]}`.
  public func jsonLine(schema: Bool) -> JSONLine {
    var line = JSONLine(kind: "summary")
    line.add("dialect", .string(stream.dialect.rawValue))
    line.add("values", .int(stream.values))
    if schema {
      line.add("actions", .int(actions))
      line.add("rejected", .int(rejected))
      line.add("batches", .int(batches))
    }
    line.add("diagnostics", .int(stream.diagnostics))
    line.add("errors", .int(stream.errors))
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
      line.add("valuesBeforeError", .int(stream.valuesBeforeError ?? 0))
    }
    return line
  }

  /// Complete, no error diagnostic, no rejected action.
  public var isClean: Bool { stream.isClean && rejected == 0 }
}

extension TurnReport {
  /// `slate replay --json`: `{"turn","status","actions","applied","duplicates","conflicts",
  /// "rejected","failed","ambiguous","planned","keys":{kind: keys},"queues":{queue:[readable
  /// keys]},"effects":[{"key","kind","action","status"}],"audit":[findings],"recoverability"}`.
  /// The figures from `actions` to `planned` count actions (each once; `actions` is their
  /// sum); `keys` counts keys by their outcome. Every queue the pack declares is present
  /// (``queues``), then any other queue the result holds.
  public var summaryJSON: JSONLine {
    var line = JSONLine()
    line.add("turn", .string(turn.id.rawValue))
    line.add("status", .string(turn.status.rawValue))
    for (name, value) in actionCounts.named { line.add(name, .int(value)) }
    let counts = result.counts
    var keys = JSONObject()
    for kind in SlateDispatch.Outcome.Kind.allCases {
      keys.append(key: kind.rawValue, value: .int(counts[kind] ?? 0))
    }
    line.add("keys", .object(keys))
    var lists = JSONObject()
    for queue in Array(Set(queues + result.queues)).sorted() {
      lists.append(key: queue, value: .array(result.keys(queue: queue).map { .string(Self.entityName($0)) }))
    }
    line.add("queues", .object(lists))
    line.add("effects", .array(effects.map(Self.summaryJSON)))
    line.add("audit", .array(findings.map(\.json)))
    line.add("recoverability", turn.recoverability.map { .string($0.code) } ?? .null)
    return line
  }

  /// `scene:s12` → `s12`: the entity's own name in its queue's list.
  public static func entityName(_ key: ActionKey) -> String {
    entityName(readable: key.readable, namespace: key.namespace)
  }
}
