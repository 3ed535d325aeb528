extension LedgerReader {
  /// ``LedgerReader/nextOrdinal(turn:)`` from ``LedgerReader/actions(turn:)``: O(the turn's
  /// actions), for a ledger that has no cheaper way.
  public func nextOrdinal(turn: TurnID) throws(LedgerError) -> Int {
    (try actions(turn: turn).map(\.ordinal).max() ?? -1) + 1
  }

  /// ``LedgerReader/forEachAction(turn:_:)`` over ``LedgerReader/actions(turn:)``: every
  /// action held at once, for a ledger that holds them anyway.
  public func forEachAction(turn: TurnID, _ body: (ActionRecord) throws(LedgerError) -> Void) throws(LedgerError) {
    for action in try actions(turn: turn) { try body(action) }
  }

  /// ``LedgerReader/forEachEffect(turn:_:)`` over ``LedgerReader/effects(turn:)``: every
  /// entry held at once, for a ledger that holds them anyway.
  public func forEachEffect(turn: TurnID, _ body: (EffectRecord) throws(LedgerError) -> Void) throws(LedgerError) {
    for effect in try effects(turn: turn) { try body(effect) }
  }

  /// ``LedgerReader/forEachEvent(turn:after:_:)`` over ``LedgerReader/events(turn:after:)``.
  public func forEachEvent(turn: TurnID, after: Int64, _ body: (LedgerEvent) throws(LedgerError) -> Void)
    throws(LedgerError)
  {
    for event in try events(turn: turn, after: after) { try body(event) }
  }
}
