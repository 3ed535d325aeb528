import SlateJSON

/// A generic handler for any pack: writes each action's payload into its entity's row
/// (table: the action's queue; row: the action's scoped key, see ``DispatchScope``; an
/// upsert action's members are merged into the row) and queues one outbox job per effect
/// its schema declares (`x-slate-effects`), with the action's type, readable key and
/// payload. All of it goes to the ledger with the outcome, in one transaction, so the
/// handler is idempotent by key. `slate replay` and `slate recover` use it for any pack
/// that names no handler of its own (`--handler record`).
public struct RecordHandler: ActionHandler {
  public init() {}

  public var idempotentByKey: Bool { true }

  public func handle(_ call: HandlerCall) async throws -> HandlerResult {
    HandlerResult(
      result: ["key": .string(call.key.readable), "type": .string(call.type)],
      entities: [.init(table: call.queue, entity: call.key, value: call.payload, merge: call.upsert)],
      effects: call.effects.map {
        .init(kind: $0, payload: ["type": .string(call.type), "key": .string(call.key.readable), "payload": call.payload])
      })
  }

  /// Every action to one ``RecordHandler``.
  public static func table() -> HandlerTable { HandlerTable(fallback: RecordHandler()) }
}
