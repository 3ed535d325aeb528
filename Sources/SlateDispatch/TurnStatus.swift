/// The state of a turn. One state machine: ``TurnStatus/transitions`` (in
/// `TurnStatus+Transitions.swift`) is the only table of allowed moves.
///
/// - `running`: a dispatcher is (or was, until it stopped making progress) working on it;
/// - `completed`: every planned phase landed and every action reached a final outcome;
/// - `partiallyCompleted`: some actions landed, some did not (or queued effects remain);
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
  /// Every phase landed and what remains is only effects queued in the outbox: whatever
  /// consumes the outbox can carry on.
  case continueEffects
  /// Nothing to do (completed), or only an operator can decide (ambiguous outcomes of a
  /// handler that is not idempotent by key, permanent failures).
  case none

  /// `retry_from_start`, `resume_from_phase:<name>`, `continue_effects`, `none`: the
  /// stored form.
  public var code: String {
    switch self {
    case .retryFromStart: "retry_from_start"
    case .resumeFromPhase(let phase): "resume_from_phase:" + phase
    case .continueEffects: "continue_effects"
    case .none: "none"
    }
  }

  /// Parses ``code``; nil for anything else. Ledgers written before the effects wording
  /// stored `continue_effects` as `continue_media_routing`: both read as ``continueEffects``.
  public init?(code: String) {
    switch code {
    case "retry_from_start": self = .retryFromStart
    case "continue_effects", "continue_media_routing": self = .continueEffects
    case "none": self = .none
    default:
      guard code.hasPrefix("resume_from_phase:") else { return nil }
      self = .resumeFromPhase(String(code.dropFirst("resume_from_phase:".count)))
    }
  }

  public var description: String { code }
}
