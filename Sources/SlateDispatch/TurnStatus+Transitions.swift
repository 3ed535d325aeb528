extension TurnStatus {
  /// The turn state machine: every allowed move, in one table. Anything else is
  /// `turn.invalid_transition`.
  ///
  /// | from | to |
  /// |---|---|
  /// | running | completed, partially_completed, failed, timed_out, stopped |
  /// | partially_completed | running (resume), completed (queued effects done), stopped |
  /// | failed | running (retry), stopped |
  /// | timed_out | running (resume), stopped |
  /// | stopped | running (an operator resumes) |
  /// | completed | — |
  public static let transitions: [TurnStatus: Set<TurnStatus>] = [
    .running: [.completed, .partiallyCompleted, .failed, .timedOut, .stopped],
    .partiallyCompleted: [.running, .completed, .stopped],
    .failed: [.running, .stopped],
    .timedOut: [.running, .stopped],
    .stopped: [.running],
    .completed: [],
  ]

  public func canTransition(to next: TurnStatus) -> Bool { TurnStatus.transitions[self]?.contains(next) ?? false }

  /// No move leads out of it.
  public var isTerminal: Bool { TurnStatus.transitions[self]?.isEmpty ?? true }
}

extension TurnRecord {
  /// Moves the turn to `next` per ``TurnStatus/transitions``: sets the status, the
  /// reason, the recoverability (nil when it goes back to `running`) and the times.
  /// Throws `turn.invalid_transition` (changing nothing) when the table has no such move.
  public mutating func transition(to next: TurnStatus, at time: Timestamp, reason: String? = nil,
                                  recoverability: Recoverability? = nil) throws(DispatchError)
  {
    guard status.canTransition(to: next) else { throw .invalidTransition(turn: id, from: status, to: next) }
    status = next
    self.reason = reason
    if next == .running {
      finishedAt = nil
      self.recoverability = nil
    } else {
      finishedAt = time
      self.recoverability = recoverability ?? (next == .completed ? Recoverability.none : nil)
    }
    if updatedAt < time { updatedAt = time }
  }
}
