/// How the dispatcher retries, leases and waits.
///
/// Backoff is exponential with **full jitter** (AWS Architecture Blog, "Exponential
/// Backoff And Jitter"): before retry `n` (n = 1 after the first call) the dispatcher
/// sleeps a uniformly random duration in `0 … min(maxDelay, baseDelay · 2^(n-1))`, or the
/// handler's `retryAfter` when that is longer, provided it fits in what is left of
/// ``maxElapsed``.
public struct RetryPolicy: Sendable, Hashable {
  /// Most handler calls for one action in one dispatch (the first call included); ≥ 1.
  public var maxAttempts: Int
  public var baseDelay: Duration
  public var maxDelay: Duration
  /// Most time spent on one action in one dispatch, calls and sleeps included.
  public var maxElapsed: Duration
  /// How long a lease lasts without renewal. The dispatcher renews it every quarter of this
  /// while the handler call runs, so it bounds how long a dead dispatcher's action waits
  /// to be taken over, not how long a call may take (10 s by default).
  public var leaseDuration: Duration
  /// How often to look again at an action another dispatcher holds.
  public var leasePollInterval: Duration

  public init(maxAttempts: Int = 5, baseDelay: Duration = .milliseconds(100), maxDelay: Duration = .seconds(10),
              maxElapsed: Duration = .seconds(60), leaseDuration: Duration = .seconds(10),
              leasePollInterval: Duration = .milliseconds(250))
  {
    self.maxAttempts = max(1, maxAttempts)
    self.baseDelay = max(.zero, baseDelay)
    self.maxDelay = max(.zero, maxDelay)
    self.maxElapsed = max(.zero, maxElapsed)
    self.leaseDuration = max(.milliseconds(1), leaseDuration)
    self.leasePollInterval = max(.milliseconds(1), leasePollInterval)
  }

  public static let `default` = RetryPolicy()

  /// The ceiling of the jitter window before retry `retry` (1-based):
  /// `min(maxDelay, baseDelay · 2^(retry-1))`, without overflow.
  public func ceiling(retry: Int) -> Duration {
    var ceiling = baseDelay
    var step = 1
    while step < retry && ceiling < maxDelay {
      ceiling = ceiling * 2
      step += 1
    }
    return min(ceiling, maxDelay)
  }

  /// The sleep before retry `retry`: uniform in `0 … ceiling(retry)` at millisecond
  /// resolution, or `retryAfter` when longer.
  public func delay(retry: Int, retryAfter: Duration? = nil, random: inout some RandomNumberGenerator) -> Duration {
    let top = ceiling(retry: retry).milliseconds
    let jittered = Duration.milliseconds(top > 0 ? Int64.random(in: 0...top, using: &random) : 0)
    return max(jittered, retryAfter ?? .zero)
  }
}
