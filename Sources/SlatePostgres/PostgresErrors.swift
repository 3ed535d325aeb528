import PostgresNIO
import SlateDispatch

/// How postgres-nio's and the server's errors become ``LedgerError``s.
///
/// Unique-key violations of the protocol's keys never reach here: the inserts use
/// `ON CONFLICT DO NOTHING` and turn "no row changed" into `ledger.duplicate_key`
/// themselves. A server error is `ledger.storage` with code `PG_<SQLSTATE>` (`PG_40001`, a
/// serialization failure; `PG_40P01`, a deadlock; `PG_57P01`, the backend was terminated);
/// a lost or refused connection is `PG_CONNECTION`; a cell that cannot be decoded is
/// `ledger.corrupt`.
extension LedgerError {
  init(postgres error: any Error) {
    switch error {
    case let ledger as LedgerError:
      self = ledger
    case let psql as PSQLError:
      if psql.code == .server, let state = psql.serverInfo?[.sqlState] {
        let message = psql.serverInfo?[.message] ?? "server error"
        let detail = psql.serverInfo?[.detail].map { " (\($0))" } ?? ""
        self = .storage(code: "PG_" + state, message: message + detail)
      } else if psql.code == .server {
        self = .storage(code: "PG_SERVER", message: "\(psql)")
      } else {
        self = .storage(code: "PG_CONNECTION", message: "\(psql.code)\(psql.underlying.map { ": \($0)" } ?? "")")
      }
    case is PostgresDecodingError:
      self = .corrupt(what: "row", message: "\(error)")
    case is CancellationError:
      self = .storage(code: "CANCELLED", message: "the task was cancelled before the transaction ran")
    default:
      // NIO's channel and socket errors: the connection could not be made or was lost.
      self = .storage(code: "PG_CONNECTION", message: "\(error)")
    }
  }

  /// The server's SQLSTATE, when this is a server error.
  var postgresState: String? {
    guard case .storage(let code, _) = self, code.hasPrefix("PG_"), code.count == 8 else { return nil }
    return String(code.dropFirst(3))
  }

  /// A conflict with a concurrent transaction that the server resolved by aborting this
  /// one, so running it again may succeed: a serialization failure (40001), a deadlock
  /// (40P01), or a unique violation (23505) on a key the statements guard with `ON
  /// CONFLICT`, which only a concurrent insert can cause.
  var isPostgresConflict: Bool {
    guard let state = postgresState else { return false }
    return state == "40001" || state == "40P01" || state == "23505"
  }

  /// The connection was lost or the backend went away (terminated, server shut down):
  /// before a `COMMIT` was sent, nothing of the transaction was kept, so it may run again
  /// on another connection.
  var isPostgresConnectionLoss: Bool {
    guard case .storage(let code, _) = self else { return false }
    if code == "PG_CONNECTION" { return true }
    guard let state = postgresState else { return false }
    // Class 08: connection exception; 57P01-57P03: admin shutdown, crash shutdown, cannot connect now.
    return state.hasPrefix("08") || state == "57P01" || state == "57P02" || state == "57P03"
  }
}
