extension LedgerReader {
  /// ``LedgerReader/nextOrdinal(turn:)`` from ``LedgerReader/actions(turn:)``: O(the turn's
  /// actions), for a ledger that has no cheaper way.
  public func nextOrdinal(turn: TurnID) throws(LedgerError) -> Int {
    (try actions(turn: turn).map(\.ordinal).max() ?? -1) + 1
  }
}
