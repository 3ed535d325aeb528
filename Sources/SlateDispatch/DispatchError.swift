/// Errors of the dispatch layer (the ledger's own are ``LedgerError``).
public enum DispatchError: Error, Sendable, Hashable, CustomStringConvertible {
  /// `turn.invalid_transition`: the turn state machine has no such move (see
  /// ``TurnStatus/transitions``).
  case invalidTransition(turn: TurnID, from: TurnStatus, to: TurnStatus)
  /// `dispatch.unknown_turn`: the ledger has no such turn.
  case unknownTurn(TurnID)

  public var code: String {
    switch self {
    case .invalidTransition: "turn.invalid_transition"
    case .unknownTurn: "dispatch.unknown_turn"
    }
  }

  public var description: String {
    switch self {
    case .invalidTransition(let turn, let from, let to):
      "\(code): turn \(turn) cannot go from \(from.rawValue) to \(to.rawValue)"
    case .unknownTurn(let turn): "\(code): the ledger has no turn \(turn)"
    }
  }
}
