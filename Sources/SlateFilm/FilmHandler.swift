import SlateDispatch
import SlateJSON
import SlateSchema

/// Reference handlers for the film pack (`Corpus/schemas/film.json`): the embedded default
/// of `slate`'s main command.
///
/// - entity actions (`scene`, `character`, `set`, `prop` and `poster` queues) upsert the
///   payload into the project table named by the queue, keyed by the action's key; an
///   upsert action (`update_scene`) merges its members into the row, so `create_scene s12`
///   then `update_scene s12` leave one row (revision 1) with the created fields and the
///   updated ones;
/// - every effect the action declares (`image`, `video`, `reference`, `poster`, `frame`)
///   becomes one outbox job whose idempotency key is derived from the action's key and the
///   kind (``EffectRecord/key(action:kind:discriminator:)``), with the action type, key and
///   payload for the media router.
///
/// Both kinds of write go to the ledger with the outcome, in one transaction, so the
/// handlers are idempotent by key: calling one twice for one key writes once.
public struct FilmHandler: ActionHandler {
  /// The queues whose actions are rows of project tables.
  public static let entityTables: Set<String> = ["scene", "character", "set", "prop", "poster"]

  public init() {}

  public var idempotentByKey: Bool { true }

  public func handle(_ call: HandlerCall) async throws -> HandlerResult {
    var result = HandlerResult(result: ["key": .string(call.key.readable), "type": .string(call.type)])
    if FilmHandler.entityTables.contains(call.queue) {
      result.entities.append(HandlerResult.EntityWrite(table: call.queue, value: call.payload, merge: call.upsert))
    }
    for kind in call.effects {
      result.effects.append(HandlerResult.EffectWrite(kind: kind, payload: [
        "type": .string(call.type), "key": .string(call.key.readable), "payload": call.payload,
      ]))
    }
    return result
  }

  /// The film pack's plan action (`Corpus/schemas/film.json`'s `plan`): its payload lists
  /// the turn's phases.
  public static let planType = "plan"

  /// The film pack's handler table: one ``FilmHandler`` for every queue of the pack; the
  /// plan action (``planType``) is applied by the dispatcher itself.
  public static func table() -> HandlerTable {
    let handler = FilmHandler()
    return HandlerTable(byQueue: Dictionary(uniqueKeysWithValues: queues.subtracting([planType]).sorted().map {
      ($0, handler as any ActionHandler)
    }), planType: planType)
  }

  /// The film pack's queues (the `plan` queue included: the dispatcher applies the plan).
  public static let queues: Set<String> = ["scene", "character", "set", "prop", "poster", "image", "video", "reference",
                                           "frame", "plan"]
}
