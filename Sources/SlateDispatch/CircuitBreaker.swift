/// A circuit breaker for one handler: after ``failureThreshold`` consecutive failed calls
/// (transient, ambiguous or unclassified; permanent failures say nothing about the
/// handler's health) it **opens** and refuses calls for ``cooldown``; then it lets one
/// trial call through (**half-open**): success closes it, failure opens it again.
///
/// A value type driven by the dispatcher, which keeps one per handler name; time comes from
/// the caller, so it is deterministic. O(1) per call.
public struct CircuitBreaker: Sendable, Hashable {
  public enum State: Sendable, Hashable {
    case closed(failures: Int)
    case open(until: Timestamp)
    case halfOpen(trialInFlight: Bool)
  }

  public var failureThreshold: Int
  public var cooldown: Duration
  public private(set) var state: State = .closed(failures: 0)

  public init(failureThreshold: Int = 5, cooldown: Duration = .seconds(30)) {
    self.failureThreshold = max(1, failureThreshold)
    self.cooldown = max(.zero, cooldown)
  }

  /// Whether a call may go out at `now`; in half-open state, only one trial at a time.
  public mutating func allow(at now: Timestamp) -> Bool {
    switch state {
    case .closed: return true
    case .open(let until):
      guard now >= until else { return false }
      state = .halfOpen(trialInFlight: true)
      return true
    case .halfOpen(let inFlight):
      if inFlight { return false }
      state = .halfOpen(trialInFlight: true)
      return true
    }
  }

  public mutating func recordSuccess() { state = .closed(failures: 0) }

  public mutating func recordFailure(at now: Timestamp) {
    switch state {
    case .closed(let failures):
      state = failures + 1 >= failureThreshold ? .open(until: now + cooldown) : .closed(failures: failures + 1)
    case .open, .halfOpen:
      state = .open(until: now + cooldown)
    }
  }

  public var isOpen: Bool { if case .open = state { true } else { false } }
}
