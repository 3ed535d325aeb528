#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif
import Synchronization

/// Where durable timestamps come from. Inject ``ManualWallClock`` in tests.
public protocol WallClock: Sendable {
  func now() -> Timestamp
}

/// The system's real-time clock (`clock_gettime(CLOCK_REALTIME)`).
public struct SystemWallClock: WallClock {
  public init() {}

  public func now() -> Timestamp {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return Timestamp(milliseconds: Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000)
  }
}

/// A clock that moves only when told: for tests and deterministic drills.
public final class ManualWallClock: WallClock {
  private let current: Mutex<Timestamp>

  public init(_ start: Timestamp = Timestamp(milliseconds: 1_700_000_000_000)) { current = Mutex(start) }

  public func now() -> Timestamp { current.withLock { $0 } }

  /// Moves the clock forward by `duration`.
  public func advance(by duration: Duration) { current.withLock { $0 = $0 + duration } }

  public func set(_ timestamp: Timestamp) { current.withLock { $0 = timestamp } }
}
