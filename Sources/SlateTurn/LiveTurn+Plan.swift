import SlateDispatch
import SlateJSON
import SlateSchema

extension LiveTurn {
  /// Dispatches the turn's plan action (with its discriminator member) as a one-action
  /// batch, before the phases, so that the ledger knows what was planned. A plan the pack
  /// rejects is not dispatched: it is kept (``planRejection``) and counted as a rejected
  /// action by ``finish()``. Complexity: one classification and one dispatch.
  public mutating func plan(_ plan: JSONValue) async throws {
    switch pack.classify(plan, metadata: ActionMetadata(bytes: plan.canonicalBytes), options: validation) {
    case .success(let action):
      fold(try await dispatcher.dispatch(ActionBatch(phase: action.phase, items: [.action(action)]), turn: turn))
    case .failure(let rejection):
      planRejection = rejection
    }
  }
}
