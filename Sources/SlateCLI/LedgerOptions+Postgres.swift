import Logging
import SlateDispatch

#if Postgres
  import SlatePostgres
#endif

/// The PostgreSQL half of `--ledger`, behind the package trait `Postgres` (see
/// Package.swift): a `slate` built without it (the default, `make demo`) names the trait
/// when given a `postgres://` URL instead of treating the URL as a SQLite file name.
extension LedgerOptions {
  /// Whether `ledger` names a PostgreSQL ledger (`postgres://` or `postgresql://`), with or
  /// without the trait.
  static func isPostgresURL(_ ledger: String) -> Bool {
    ledger.hasPrefix("postgres://") || ledger.hasPrefix("postgresql://")
  }

  #if Postgres
    /// The ledger at `url`: its schema created or migrated unless `readOnly` (then one
    /// connection, `READ ONLY` transactions, and a schema of another build refused).
    static func openPostgres(_ url: String, readOnly: Bool, logger: Logger? = nil) async throws -> any DispatchLedger {
      readOnly ? try await PostgresLedger(url: url, options: .init(poolSize: 1, readOnly: true))
        : try await PostgresLedger(url: url, options: .init(logger: logger))
    }

    /// `url` without its password.
    static func shownPostgres(_ url: String) -> String {
      (try? PostgresLocation(url: url, environment: [:]))?.description ?? url
    }
  #else
    static func openPostgres(_ url: String, readOnly: Bool, logger: Logger? = nil) async throws -> any DispatchLedger {
      CLIIO.fail("this slate was built without PostgreSQL: build it with the package trait Postgres "
        + "(swift build --product slate --traits Postgres, as make demo-postgres and make test do)")
    }

    /// Never reached with a URL to show (``openPostgres(_:readOnly:)`` ends the process
    /// first); says what the ledger was without repeating a URL that may hold a password.
    static func shownPostgres(_ url: String) -> String { "a postgres:// URL" }
  #endif
}
