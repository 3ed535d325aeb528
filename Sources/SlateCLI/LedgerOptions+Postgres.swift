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
    static func openPostgres(_ url: String, readOnly: Bool) async throws -> any DispatchLedger {
      readOnly ? try await PostgresLedger(url: url, options: .init(poolSize: 1, readOnly: true))
        : try await PostgresLedger(url: url)
    }

    /// `url` without its password.
    static func shownPostgres(_ url: String) -> String {
      (try? PostgresLocation(url: url, environment: [:]))?.description ?? url
    }
  #else
    static func openPostgres(_ url: String, readOnly: Bool) async throws -> any DispatchLedger {
      CLIIO.fail("this slate was built without PostgreSQL: build it with the package trait Postgres "
        + "(swift build --product slate --traits Postgres, as make demo-postgres and make test do)")
    }

    /// `url` with any password (between the user and `@`) left out.
    static func shownPostgres(_ url: String) -> String {
      guard let scheme = url.range(of: "://"), let at = url[scheme.upperBound...].firstIndex(of: "@") else { return url }
      let credentials = url[scheme.upperBound..<at]
      guard let colon = credentials.firstIndex(of: ":") else { return url }
      return String(url[..<colon]) + String(url[at...])
    }
  #endif
}
