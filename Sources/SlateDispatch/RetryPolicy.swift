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
  /// How long a lease lasts; a call (with its retries) should finish well within it, or
  /// another dispatcher may take the action over (and fence this one out).
  public var leaseDuration: Duration
  /// How often to look again at an action another dispatcher holds.
  public var leasePollInterval: Duration

  public init(maxAttempts: Int = 5, baseDelay: Duration = .milliseconds(100), maxDelay: Duration = .seconds(10),
              maxElapsed: Duration = .seconds(60), leaseDuration: Duration = .seconds(120),
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

/// Per-turn limits, counted by one ``Dispatcher`` across its dispatches of the turn.
public struct DispatchBudget: Sendable, Hashable {
  /// Most actions declared for the turn.
  public var maxActions: Int
  /// Most handler calls for the turn (retries included).
  public var maxHandlerCalls: Int
  /// Most time from the dispatcher's first dispatch of the turn.
  public var maxDuration: Duration

  public init(maxActions: Int = 1000, maxHandlerCalls: Int = 5000, maxDuration: Duration = .seconds(900)) {
    self.maxActions = max(0, maxActions)
    self.maxHandlerCalls = max(0, maxHandlerCalls)
    self.maxDuration = max(.zero, maxDuration)
  }

  public static let `default` = DispatchBudget()
}

/// SplitMix64 (Steele, Lea and Flood): a small generator whose whole state is the seed, so
/// a run reproduces from its seed.
public struct SeededRandom: RandomNumberGenerator, Sendable {
  private var state: UInt64
  public init(seed: UInt64) { state = seed }
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z &>> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z &>> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z &>> 31)
  }
}
