import PostgresNIO
import SlateDispatch
import Synchronization

/// Lease holders whose liveness the database knows: for each holder this ledger writes a
/// lease for, the ledger holds a session-level advisory lock (`pg_try_advisory_lock`,
/// keyed by `hashtextextended(schema || ' ' || holder, 0)`) on a connection of its own,
/// kept open for the ledger's lifetime, and records the holder in `lease_holders`.
///
/// When the process dies (SIGKILL, a crash, a lost machine), the server ends its session
/// and the lock goes with it: a lease whose holder is recorded in `lease_holders` but whose
/// lock nobody holds belongs to a dead worker, and the ledger reads it as expired (see
/// ``PostgresTransaction``), so another worker takes the action over at once instead of
/// waiting the lease out. A slow but alive worker keeps its lock, and its leases live as
/// long as they say. A holder whose lock could not be taken (the connection failed) is not
/// recorded, and its leases simply expire with time.
///
/// The locks stay held until the ledger is closed or released (one per holder name, and a
/// dispatcher has one name). When the lock connection is lost (a network fault, its backend
/// terminated), the locks go with it: the next lease this ledger writes takes them again on
/// a new connection. In between, another worker may take this worker's leases over, as for
/// a dead worker; fencing then refuses this worker's later writes on them, so an action is
/// still recorded once (its handler may be called again, under the same key).
final class HolderLiveness: Sendable {
  private struct State: ~Copyable {
    var connection: PostgresConnection?
    var held: Set<String> = []
    /// Holders this ledger has written to `lease_holders` in a committed transaction.
    var recorded: Set<String> = []
    var closed = false
  }

  let configuration: PostgresConnection.Configuration
  let logger: Logger
  private let state = Mutex(State())

  init(configuration: PostgresConnection.Configuration, logger: Logger) {
    self.configuration = configuration
    self.logger = logger
  }

  /// Makes sure this process holds `holder`'s liveness lock; whether it does. Blocks the
  /// calling thread (a ledger thread) for the first call per holder, and again after the
  /// lock connection was lost: a connection, if none is open, and one statement.
  func hold(_ holder: String) -> Bool {
    state.withLock { state -> Bool in
      guard !state.closed else { return false }
      if state.connection?.isClosed ?? true {
        state.held = []  // the locks went with the lost connection
      } else if state.held.contains(holder) {
        return true
      }
      do {
        let connection: PostgresConnection
        if let open = state.connection, !open.isClosed {
          connection = open
        } else {
          connection = try PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.next(),
                                                      configuration: configuration, id: 0, logger: logger).wait()
          state.connection = connection
        }
        var binds = Binds(capacity: 1)
        binds.text(holder)
        let result = try PostgresTransaction.answer(
          connection,
          PostgresQuery(unsafeSQL: "SELECT pg_try_advisory_lock(\(HolderLiveness.key("$1::text")))", binds: binds.bindings),
          logger
        ).wait()
        guard let taken = try result.rows.first?.makeRandomAccess()[0].decode(Bool.self), taken else { return false }
        state.held.insert(holder)
        return true
      } catch {
        return false
      }
    }
  }

  /// Whether `holder` still has to be written to `lease_holders`: true until a transaction
  /// that wrote it committed (``committed(_:)``), so a write rolled back (a conflict, a
  /// terminated backend) is done again by the next lease.
  func shouldRecord(_ holder: String) -> Bool {
    state.withLock { state in !state.recorded.contains(holder) }
  }

  /// Notes that a committed transaction wrote `holders` to `lease_holders`.
  func committed(_ holders: [String]) {
    guard !holders.isEmpty else { return }
    state.withLock { state in state.recorded.formUnion(holders) }
  }

  /// Closes the connection: every lock this ledger held is released.
  func close() {
    let connection = state.withLock { state -> PostgresConnection? in
      state.closed = true
      state.held = []
      defer { state.connection = nil }
      return state.connection
    }
    if let connection { connection.close().whenComplete { _ in _ = connection } }
  }

  /// The advisory lock key of the holder named by the SQL expression `holder`.
  static func key(_ holder: String) -> String {
    "hashtextextended(current_schema() || ' ' || \(holder), 0)"
  }

  /// A SQL condition, true when the lease on the `actions` row has a recorded holder whose
  /// liveness lock nobody holds: its worker is gone.
  static let holderGone = holderGone(of: "actions")

  /// The same condition for a row of `table` (`actions` or `effects`: both have a
  /// `lease_holder` column).
  static func holderGone(of table: String) -> String {
    """
    (\(table).lease_holder IS NOT NULL \
    AND EXISTS (SELECT 1 FROM lease_holders h WHERE h.holder = \(table).lease_holder) \
    AND NOT EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 \
    AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
    AND ((l.classid::bigint << 32) | l.objid::bigint) = \(key("\(table).lease_holder"))))
    """
  }
}
