import Foundation
import SlateDispatch
import SlateJSON
import SlateSQLite
import SlateSchema

/// A directory of its own under the system's temporary directory, removed with everything
/// in it when the value is released.
final class TemporaryDirectory: Sendable {
  let url: URL

  init() throws {
    url = FileManager.default.temporaryDirectory
      .appendingPathComponent("slate-sqlite-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(at: url) }

  /// The path of `name` inside the directory.
  func path(_ name: String = "ledger.sqlite") -> String { url.appendingPathComponent(name).path }
}

/// Records for the SQLite-specific tests (the conformance suite has its own).
enum Sample {
  static let t0 = Timestamp(milliseconds: 1_700_000_000_000)
  static let project: ProjectID = "project-1"

  static func turn(_ id: TurnID, project: ProjectID = project, scope: DispatchScope.Kind = .turn) -> TurnRecord {
    TurnRecord(id: id, project: project, scopeKind: scope, createdAt: t0)
  }

  /// A key named `namespace:name`, its digest the SHA-256 of that name.
  static func key(_ name: String, namespace: String = "scene") -> ActionKey {
    let readable = namespace + ":" + name
    return ActionKey(hex: SHA256.hash(readable.utf8).hex, namespace: namespace, readable: readable,
                     canonicalBytes: JSONValue.array([.string(name)]).canonicalBytes)
  }

  static func action(_ name: String, turn: TurnID, scope: DispatchScope? = nil, payload: JSONValue = ["title": "x"])
    -> ActionRecord
  {
    ActionRecord(scope: scope ?? .turn(turn), key: key(name), turn: turn, phase: "scenes", type: "create_scene",
                 queue: "scene", payload: payload, declaredAt: t0)
  }

  static func effect(_ name: String, turn: TurnID, kind: String = "image") -> EffectRecord {
    EffectRecord(key: EffectRecord.key(action: key(name), kind: kind), kind: kind, turn: turn, project: project,
                 action: key(name), payload: ["prompt": .string(name)], createdAt: t0)
  }
}

/// The `LedgerError` a throwing operation threw, or nil when it succeeded.
func ledgerError<R>(_ body: () async throws -> R) async -> LedgerError? {
  do {
    _ = try await body()
    return nil
  } catch let error as LedgerError {
    return error
  } catch {
    return .storage(code: "TEST", message: "not a LedgerError: \(error)")
  }
}
