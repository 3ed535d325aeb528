#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A dispatcher's name on leases (``Lease/holder``) when the host does not name one:
/// `<host>:<process id>:<16 random hex digits>`, so two dispatchers (in one process or in
/// two, on one machine or two) never take each other's lease for their own, and a lease
/// whose holder was a process of this host that died can be taken over at once
/// (``isGone(_:)``).
public enum WorkerIdentity {
  /// This machine's host name (`gethostname`; `host` when it has none).
  public static let host: String = {
    var buffer = [CChar](repeating: 0, count: 256)
    let name = gethostname(&buffer, buffer.count - 1) == 0
      ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
    return name.isEmpty ? "host" : name
  }()

  /// A new unique holder name. Complexity: one draw of the system's random generator.
  public static func unique() -> String {
    let random = UInt64.random(in: .min ... .max)
    let hex = String(random, radix: 16)
    return "\(host):\(getpid()):" + String(repeating: "0", count: 16 - hex.count) + hex
  }

  /// Whether `holder` is a name ``unique()`` gave on this host to a process that no longer
  /// exists (`kill(pid, 0)` fails with `ESRCH`): its lease can be taken over at once,
  /// without waiting for it to expire. False for any other name (another host's, one a
  /// host chose, this process's, a live process's). A process id reused since by another
  /// process only makes the caller wait for the lease as usual. Complexity: one system call.
  public static func isGone(_ holder: String) -> Bool {
    let parts = holder.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count >= 3, parts[parts.count - 1].count == 16, let pid = Int32(parts[parts.count - 2]), pid > 0,
      pid != getpid(), parts.dropLast(2).joined(separator: ":") == host
    else { return false }
    return kill(pid, 0) != 0 && errno == ESRCH
  }
}

/// A dispatcher waiting for an action another holder leases (see
/// ``Dispatcher/Configuration/onLeaseWait``).
public struct LeaseWait: Sendable, Hashable {
  public var turn: TurnID
  /// The action's readable key (`scene:s12`).
  public var key: String
  /// Who holds the lease.
  public var holder: String
  /// Until when, unless it is renewed.
  public var until: Timestamp

  public init(turn: TurnID, key: String, holder: String, until: Timestamp) {
    self.turn = turn
    self.key = key
    self.holder = holder
    self.until = until
  }
}
