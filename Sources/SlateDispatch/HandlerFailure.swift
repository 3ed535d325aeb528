/// How a handler call failed: the classification decides what the dispatcher does next.
///
/// - ``transient(code:message:retryAfter:)``: nothing happened and trying again may work
///   (a 503, a refused connection, a rate limit): retried with exponential backoff and full
///   jitter within the ``RetryPolicy``'s attempt and time budgets.
/// - ``permanent(code:message:)``: nothing happened and trying again will not help (a 400,
///   a validation error of the host's): failed at once, not retried.
/// - ``ambiguous(code:message:)``: the call went out and no answer came (a timeout after
///   sending, a dropped connection): the effect may or may not have happened. Resolved by
///   calling again **with the same key** only when the handler declares
///   ``ActionHandler/idempotentByKey``; otherwise recorded as `ambiguous` and left to an
///   operator.
///
/// Any other error a handler throws is treated as ambiguous (`handler.unclassified`): the
/// dispatcher cannot know whether the call had its effect. ``SimulatedCrash`` and
/// `CancellationError` are not failures: they stop the dispatch at once, recording nothing.
public enum HandlerFailure: Error, Sendable, Hashable, CustomStringConvertible {
  case transient(code: String, message: String, retryAfter: Duration? = nil)
  case permanent(code: String, message: String)
  case ambiguous(code: String, message: String)

  public var code: String {
    switch self {
    case .transient(let code, _, _), .permanent(let code, _), .ambiguous(let code, _): code
    }
  }

  public var message: String {
    switch self {
    case .transient(_, let message, _), .permanent(_, let message), .ambiguous(_, let message): message
    }
  }

  public var description: String {
    switch self {
    case .transient: "transient \(code): \(message)"
    case .permanent: "permanent \(code): \(message)"
    case .ambiguous: "ambiguous \(code): \(message)"
    }
  }
}

/// Thrown by a test's crash hook (``FaultPlan``) to simulate the process dying: the
/// dispatcher rethrows it at once and writes nothing more, as if the process had gone.
public struct SimulatedCrash: Error, Sendable, Hashable {
  /// The handler call after which the crash happened (1-based).
  public var afterCall: Int
  public init(afterCall: Int) { self.afterCall = afterCall }
}
