import SlateDispatch

extension PostgresLedger {
  /// Brings the schema up to this build's under an advisory lock (two processes opening a
  /// new database at once take turns), refusing one from a newer build.
  func migrate() async throws(LedgerError) {
    let schema = location.schema
    try await transaction("BEGIN ISOLATION LEVEL READ COMMITTED") { tx throws(LedgerError) in
      var lock = Binds(capacity: 1)
      lock.int(PostgresSchema.migrationLock)
      try tx.execute("SELECT pg_advisory_xact_lock($1::bigint)", lock)
      try tx.execute("CREATE SCHEMA IF NOT EXISTS \(schema)")
      try tx.execute(PostgresSchema.createMigrations)
      let applied = try PostgresSchema.applied(tx)
      try PostgresSchema.refuseNewer(applied, schema: schema)
      for migration in PostgresSchema.migrations where !applied.contains(migration.version) {
        for statement in migration.statements { try tx.execute(statement) }
        try tx.execute("INSERT INTO slate_migrations (version) VALUES ($1::text)", PostgresTransaction.texts(migration.version))
      }
    }
  }

  /// For a read-only ledger: refuses a schema that holds no ledger of this build's
  /// (`SLATE_NOT_A_LEDGER`, `SLATE_SCHEMA_NEWER`), creating nothing.
  func checkReadable() async throws(LedgerError) {
    let schema = location.schema
    let applied = try await transaction("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY") { tx throws(LedgerError) in
      let found = try tx.execute("SELECT 1 WHERE to_regclass('slate_migrations') IS NOT NULL").rows
      return found.isEmpty ? [] : try PostgresSchema.applied(tx)
    }
    try PostgresSchema.refuseNewer(applied, schema: schema)
    guard applied == PostgresSchema.versions else {
      throw .storage(code: "SLATE_NOT_A_LEDGER",
                     message: "the schema \(schema) holds no ledger of this build's schema (migrations applied: "
                       + (applied.isEmpty ? "none" : applied.joined(separator: ", ")) + ")")
    }
  }
}

extension PostgresSchema {
  /// The versions recorded in `slate_migrations`, in order.
  static func applied(_ tx: PostgresTransaction) throws(LedgerError) -> [String] {
    try tx.execute("SELECT version FROM slate_migrations ORDER BY version").rows.map { row throws(LedgerError) in
      var reader = RowReader(row, "migration", tx.json)
      return try reader.string()
    }
  }

  /// `SLATE_SCHEMA_NEWER` when `applied` holds a version this build does not know.
  static func refuseNewer(_ applied: [String], schema: String) throws(LedgerError) {
    guard let newer = applied.first(where: { !versions.contains($0) }) else { return }
    throw .storage(code: "SLATE_SCHEMA_NEWER",
                   message: "the ledger in schema \(schema) was written by a newer build (it has migration \(newer); "
                     + "this build knows \(versions.joined(separator: ", ")))")
  }
}
