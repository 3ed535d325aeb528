import SlateDispatch
import SlateJSON

/// Fixtures and assertions shared by the checks.
enum Fixture {
  static let t0 = Timestamp(milliseconds: 1_700_000_000_000)
  static let project: ProjectID = "project-1"

  static func turn(_ id: TurnID, project: ProjectID = project, scope: DispatchScope.Kind = .turn,
                   at time: Timestamp = t0) -> TurnRecord
  {
    TurnRecord(id: id, project: project, scopeKind: scope, createdAt: time)
  }

  /// A key whose hex is a made-up but well-formed digest for `name`.
  static func key(_ name: String, namespace: String = "scene") -> ActionKey {
    var hex = ""
    for byte in name.utf8 { hex += String(byte, radix: 16) }
    hex = String((hex + String(repeating: "0", count: 64)).prefix(64))
    return ActionKey(hex: hex, namespace: namespace, readable: namespace + ":" + name,
                     canonicalBytes: Array(("[\"" + name + "\"]").utf8))
  }

  static func action(_ name: String, turn: TurnID, scope: DispatchScope? = nil, ordinal: Int = 0,
                     payload: JSONValue = ["title": "x"]) -> ActionRecord
  {
    ActionRecord(scope: scope ?? .turn(turn), key: key(name), turn: turn, phase: "scenes", ordinal: ordinal,
                 type: "create_scene", queue: "scene", payload: payload, declaredAt: t0)
  }

  static func effect(_ name: String, turn: TurnID, kind: String = "image") -> EffectRecord {
    EffectRecord(key: EffectRecord.key(action: key(name), kind: kind), kind: kind, turn: turn, project: project,
                 action: key(name), payload: ["prompt": .string(name)], createdAt: t0)
  }
}

func expect(_ condition: Bool, _ message: @autoclosure () -> String, line: UInt = #line) throws {
  if !condition { throw ConformanceFailure(message: message(), line: line) }
}

/// Runs `body`, which must throw a ``LedgerError`` with `code`.
func expectError<R>(_ code: String, line: UInt = #line, _ body: () async throws -> R) async throws {
  do {
    _ = try await body()
  } catch {
    try expect((error as? LedgerError)?.code == code, "expected \(code), got \(error)", line: line)
    return
  }
  throw ConformanceFailure(message: "expected \(code), but it succeeded", line: line)
}

/// The error a check's body throws to force a rollback.
let forcedRollback = LedgerError.storage(code: "CONFORMANCE", message: "forced rollback")
