import GRDB
import SlateDispatch

/// How SQLite's and GRDB's errors become ``LedgerError``s.
///
/// Unique-key violations of the protocol's keys never reach here: the inserts use
/// `ON CONFLICT DO NOTHING` and turn "no row changed" into `ledger.duplicate_key`
/// themselves. Everything else the engine reports is `ledger.storage` with SQLite's
/// primary result-code name (`SQLITE_BUSY`, `SQLITE_FULL`, …) as its code; a row whose
/// columns cannot be decoded is `ledger.corrupt`.
extension LedgerError {
  /// Maps any error met while talking to SQLite. A ``LedgerError`` passes unchanged (a
  /// body's own error, or one a primitive already mapped).
  init(sqlite error: any Error) {
    switch error {
    case let ledger as LedgerError:
      self = ledger
    case let database as DatabaseError:
      let primary = database.resultCode.rawValue
      let extended = database.extendedResultCode.rawValue
      var message = database.message ?? "SQLite error \(primary)"
      if extended != primary { message += " (extended code \(extended))" }
      self = .storage(code: SQLiteResultCodes.name(primary), message: message)
    case is RowDecodingError:
      self = .corrupt(what: "row", message: "\(error)")
    case is CancellationError:
      self = .storage(code: "CANCELLED", message: "the task was cancelled before the transaction ran")
    default:
      self = .storage(code: "SQLITE_UNKNOWN", message: "\(error)")
    }
  }

  /// Whether the failure is one SQLite clears by itself (another connection held the lock
  /// beyond the busy timeout): the ledger runs the body again for these.
  var isTransientSQLiteFailure: Bool {
    guard case .storage(let code, _) = self else { return false }
    return code == "SQLITE_BUSY" || code == "SQLITE_LOCKED"
  }
}

/// The names of SQLite's primary result codes (<https://www.sqlite.org/rescode.html>), the
/// stable `code` of a ``LedgerError/storage(code:message:)``.
enum SQLiteResultCodes {
  static func name(_ primary: Int32) -> String {
    switch primary {
    case 1: "SQLITE_ERROR"
    case 2: "SQLITE_INTERNAL"
    case 3: "SQLITE_PERM"
    case 4: "SQLITE_ABORT"
    case 5: "SQLITE_BUSY"
    case 6: "SQLITE_LOCKED"
    case 7: "SQLITE_NOMEM"
    case 8: "SQLITE_READONLY"
    case 9: "SQLITE_INTERRUPT"
    case 10: "SQLITE_IOERR"
    case 11: "SQLITE_CORRUPT"
    case 12: "SQLITE_NOTFOUND"
    case 13: "SQLITE_FULL"
    case 14: "SQLITE_CANTOPEN"
    case 15: "SQLITE_PROTOCOL"
    case 16: "SQLITE_EMPTY"
    case 17: "SQLITE_SCHEMA"
    case 18: "SQLITE_TOOBIG"
    case 19: "SQLITE_CONSTRAINT"
    case 20: "SQLITE_MISMATCH"
    case 21: "SQLITE_MISUSE"
    case 22: "SQLITE_NOLFS"
    case 23: "SQLITE_AUTH"
    case 24: "SQLITE_FORMAT"
    case 25: "SQLITE_RANGE"
    case 26: "SQLITE_NOTADB"
    case 27: "SQLITE_NOTICE"
    case 28: "SQLITE_WARNING"
    default: "SQLITE_\(primary)"
    }
  }
}
