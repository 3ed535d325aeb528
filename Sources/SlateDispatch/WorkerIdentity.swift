#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A dispatcher's name on leases (``Lease/holder``) when the host does not name one:
/// `<host>:<process id>:<16 random hex digits>`, so two dispatchers (in one process or in
/// two, on one machine or two) never take each other's lease for their own.
public enum WorkerIdentity {
  /// A new unique holder name. Complexity: one `gethostname`, one draw of the system's
  /// random generator.
  public static func unique() -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    let host = gethostname(&buffer, buffer.count - 1) == 0
      ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "host"
    let random = UInt64.random(in: .min ... .max)
    let hex = String(random, radix: 16)
    return "\(host.isEmpty ? "host" : host):\(getpid()):" + String(repeating: "0", count: 16 - hex.count) + hex
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
