/// The state of a turn. One state machine: ``TurnStatus/transitions`` (in
/// `TurnStatus+Transitions.swift`) is the only table of allowed moves.
///
/// - `running`: a dispatcher is (or was, until it stopped making progress) working on it;
/// - `completed`: every planned phase landed and every action reached a final outcome;
/// - `partiallyCompleted`: some actions landed, some did not (or media routing remains);
/// - `failed`: nothing useful landed, or a failure stopped it;
/// - `timedOut`: the turn's time budget ran out;
/// - `stopped`: an operator or the host stopped it.
public enum TurnStatus: String, Sendable, CaseIterable, Hashable {
  case running
  case completed
  case partiallyCompleted = "partially_completed"
  case failed
  case timedOut = "timed_out"
  case stopped
}

/// How a turn that did not complete can be carried on.
public enum Recoverability: Hashable, Sendable, CustomStringConvertible {
  /// Nothing landed: run the turn again from the start (same turn id, so keys dedupe).
  case retryFromStart
  /// Some phases landed: resume from the first phase that did not.
  case resumeFromPhase(String)
  /// Every action landed but queued media jobs remain: the media router can carry on.
  case continueMediaRouting
  /// Nothing to do (completed), or only an operator can decide (ambiguous outcomes of a
  /// handler that is not idempotent by key, permanent failures).
  case none

  /// `retry_from_start`, `resume_from_phase:<name>`, `continue_media_routing`, `none`: the
  /// stored form.
  public var code: String {
    switch self {
    case .retryFromStart: "retry_from_start"
    case .resumeFromPhase(let phase): "resume_from_phase:" + phase
    case .continueMediaRouting: "continue_media_routing"
    case .none: "none"
    }
  }

  /// Parses ``code``; nil for anything else.
  public init?(code: String) {
    switch code {
    case "retry_from_start": self = .retryFromStart
    case "continue_media_routing": self = .continueMediaRouting
    case "none": self = .none
    default:
      guard code.hasPrefix("resume_from_phase:") else { return nil }
      self = .resumeFromPhase(String(code.dropFirst("resume_from_phase:".count)))
    }
  }

  public var description: String { code }
}
