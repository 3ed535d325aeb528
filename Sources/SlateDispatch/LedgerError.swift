/// Why a ledger operation failed.
///
/// Every case has a stable ``code`` (`ledger.*`). A ledger throws nothing else from its
/// protocol methods: a storage engine's own errors become ``storage(code:message:)``, and a
/// stored value that cannot be read back becomes ``corrupt(what:message:)``.
public enum LedgerError: Error, Sendable, Equatable, CustomStringConvertible {
  /// `ledger.duplicate_key`: an insert met a row with the same unique key (a turn id, an
  /// action's key within its scope, an effect's key, a phase of a turn). Nothing of the
  /// transaction that threw is kept unless the body catches the error and goes on.
  case duplicateKey(what: String, key: String)
  /// `ledger.not_found`: an update named a row that does not exist, or an insert named a
  /// parent (a turn) that does not exist.
  case notFound(what: String, key: String)
  /// `ledger.fenced`: a write presented a fencing token that is not the action's current
  /// one: a newer holder took the lease over, so this (late) writer must stop.
  case fenced(key: String, presented: Int64, current: Int64)
  /// `ledger.lease_held`: another holder's lease on the action has not expired.
  case leaseHeld(key: String, holder: String, expiresAt: Timestamp)
  /// `ledger.stale_revision`: an optimistic update of a turn or an effect carried a
  /// revision that is no longer the stored one (someone else wrote it since it was read).
  case staleRevision(what: String, key: String, expected: Int, found: Int)
  /// `ledger.invalid_record`: a record handed to the ledger breaks the protocol's rules
  /// (an empty key, a fencing token that goes backwards, a scope that does not match).
  case invalidRecord(what: String, reason: String)
  /// `ledger.corrupt`: a stored row could not be decoded.
  case corrupt(what: String, message: String)
  /// `ledger.storage`: the storage engine failed (I/O, busy, full disk); `code` is the
  /// engine's own (e.g. `SQLITE_BUSY`).
  case storage(code: String, message: String)

  public var code: String {
    switch self {
    case .duplicateKey: "ledger.duplicate_key"
    case .notFound: "ledger.not_found"
    case .fenced: "ledger.fenced"
    case .leaseHeld: "ledger.lease_held"
    case .staleRevision: "ledger.stale_revision"
    case .invalidRecord: "ledger.invalid_record"
    case .corrupt: "ledger.corrupt"
    case .storage: "ledger.storage"
    }
  }

  public var description: String {
    switch self {
    case .duplicateKey(let what, let key): "\(code): a \(what) with key \(key) already exists"
    case .notFound(let what, let key): "\(code): no \(what) with key \(key)"
    case .fenced(let key, let presented, let current):
      "\(code): fencing token \(presented) for \(key) is stale (current \(current)); a newer holder owns it"
    case .leaseHeld(let key, let holder, let expiresAt):
      "\(code): \(key) is leased to \(holder) until \(expiresAt)"
    case .staleRevision(let what, let key, let expected, let found):
      "\(code): \(what) \(key) was at revision \(expected) when read but is now at \(found)"
    case .invalidRecord(let what, let reason): "\(code): invalid \(what): \(reason)"
    case .corrupt(let what, let message): "\(code): stored \(what) is unreadable: \(message)"
    case .storage(let code, let message): "\(self.code): \(code): \(message)"
    }
  }
}
