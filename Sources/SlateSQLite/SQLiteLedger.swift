import GRDB
import SlateDispatch

/// The embedded durable ``DispatchLedger``: one SQLite file in WAL mode, through GRDB.
///
/// - ``write(_:)`` is one `BEGIN IMMEDIATE … COMMIT` on the pool's single writer
///   connection (GRDB's `DatabasePool.write`): serialisable with every other write of this
///   ledger, of any other ``SQLiteLedger`` on the same file, and of any other process, since
///   `IMMEDIATE` takes SQLite's write lock before the body reads anything. If the body
///   throws, the transaction rolls back and nothing it wrote is ever visible. When `write`
///   returns, the commit is in the WAL and, with ``Options/Durability/full`` (the default),
///   fsynced.
/// - ``read(_:)`` is a read transaction on one of the pool's reader connections: one
///   consistent snapshot, concurrent with a write in progress.
/// - Unique keys, revisions and fencing are checked by the statements themselves
///   (`INSERT … ON CONFLICT DO NOTHING`, `UPDATE … WHERE revision = ?`, `UPDATE … WHERE
///   fencing_token = ?`, each followed by a check of the changed-row count), so a caught
///   ``LedgerError/duplicateKey(what:key:)`` leaves the transaction usable.
///
/// Several processes may share one file: each connection waits up to
/// ``Options/busyTimeout`` for SQLite's locks, and a body that still meets `SQLITE_BUSY` or
/// `SQLITE_LOCKED` is run again, up to ``Options/attempts`` times in all. The ledger keeps
/// no state of its own between transactions (only prepared statements, which SQLite
/// re-prepares when the schema changes), so nothing goes stale when another process writes.
///
/// The file layout: `<path>` (the database), `<path>-wal` (committed transactions not yet
/// checkpointed into it) and `<path>-shm` (the WAL index shared by the connections). Keep
/// the three together; a copy of the database file alone may miss the latest commits.
public final class SQLiteLedger: DispatchLedger {
  /// How the ledger opens its file.
  public struct Options: Sendable {
    /// How far a commit goes before `write` returns.
    public enum Durability: String, Sendable {
      /// `PRAGMA synchronous = FULL`: the WAL is fsynced at every commit, so a committed
      /// transaction survives a power loss as well as a killed process.
      case full
      /// `PRAGMA synchronous = NORMAL`: a committed transaction survives a killed process;
      /// the last ones before a power loss may be lost (never half of one).
      case normal
    }

    /// How long a connection waits for another connection's lock before `SQLITE_BUSY`.
    public var busyTimeout: Duration
    /// How many times a body runs when it meets `SQLITE_BUSY` or `SQLITE_LOCKED` (at least 1).
    public var attempts: Int
    public var durability: Durability
    /// Reader connections for concurrent ``SQLiteLedger/read(_:)`` bodies.
    public var maximumReaderCount: Int
    /// Open an existing ledger for reading only (`SQLITE_OPEN_READONLY`): a missing file is
    /// `SQLITE_CANTOPEN` (never created), nothing is migrated (a file that is not a ledger,
    /// or one from a newer build, is refused when opened), a file without write permission
    /// can be read, and ``SQLiteLedger/write(_:)`` fails with `SQLITE_READONLY`.
    public var readOnly: Bool

    public init(busyTimeout: Duration = .seconds(5), attempts: Int = 3, durability: Durability = .full,
                maximumReaderCount: Int = 4, readOnly: Bool = false)
    {
      self.busyTimeout = busyTimeout
      self.attempts = attempts
      self.durability = durability
      self.maximumReaderCount = maximumReaderCount
      self.readOnly = readOnly
    }
  }

  /// The database file, or nil for an in-memory ledger.
  public let path: String?
  public let options: Options
  /// What opening the file noticed without refusing it (``lostWALWarning(path:)``).
  public let openingWarnings: [OpeningWarning]
  private let database: any DatabaseWriter

  /// Opens (creating it if needed) the ledger at `path`, in WAL mode, and migrates its
  /// schema to this build's. Throws `ledger.storage` when the file cannot be opened, is not
  /// a database, or was written by a newer build (`SLATE_SCHEMA_NEWER`).
  public init(path: String, options: Options = Options()) throws(LedgerError) {
    self.path = path
    self.options = options
    openingWarnings = SQLiteLedger.lostWALWarning(path: path).map { [$0] } ?? []
    if options.readOnly {
      // One read-only connection: a pool would need to write the WAL index of a file that
      // may not be writable.
      do {
        database = try DatabaseQueue(path: path, configuration: SQLiteLedger.configuration(options))
      } catch {
        throw LedgerError(sqlite: error)
      }
      try SQLiteLedger.checkReadable(database)
      return
    }
    do {
      database = try DatabasePool(path: path, configuration: SQLiteLedger.configuration(options))
    } catch {
      throw LedgerError(sqlite: error)
    }
    try SQLiteLedger.migrate(database)
  }

  /// A ledger in memory (one connection, no WAL, nothing survives it): for tests and dry
  /// runs that want SQLite's behaviour without a file. Reads wait for writes.
  public static func inMemory(options: Options = Options()) throws(LedgerError) -> SQLiteLedger {
    try SQLiteLedger(inMemory: options)
  }

  private init(inMemory options: Options) throws(LedgerError) {
    path = nil
    self.options = options
    openingWarnings = []
    do {
      database = try DatabaseQueue(configuration: SQLiteLedger.configuration(options))
    } catch {
      throw LedgerError(sqlite: error)
    }
    try SQLiteLedger.migrate(database)
  }

  /// Runs `body` in a read transaction on a reader connection (one WAL snapshot, taken at
  /// its first read), concurrently with writes and other reads. Complexity: that of the
  /// reads (see ``SQLiteTransaction``).
  public func read<R: Sendable>(_ body: @Sendable (any LedgerReader) throws(LedgerError) -> R) async throws(LedgerError)
    -> R
  {
    try await retrying { database in try await database.read { db in try body(SQLiteTransaction(db)) } }
  }

  /// Runs `body` in one `BEGIN IMMEDIATE` transaction on the writer connection, after any
  /// write of this ledger in progress, and commits when it returns. Complexity: the body's
  /// statements (each one index probe and row write on its success path) plus one commit
  /// (with ``Options/Durability/full``, one fsync of the WAL).
  public func write<R: Sendable>(_ body: @Sendable (any LedgerTransaction) throws(LedgerError) -> R)
    async throws(LedgerError) -> R
  {
    try await retrying { database in try await database.write { db in try body(SQLiteTransaction(db)) } }
  }

  /// Closes the connections. Later calls throw `ledger.storage` (`SQLITE_MISUSE`). Closing
  /// is optional: the connections close when the ledger is released.
  public func close() throws(LedgerError) {
    do {
      try database.close()
    } catch {
      throw LedgerError(sqlite: error)
    }
  }

  /// SQLite's journal mode for the file (`wal` for a file-backed ledger).
  public func journalMode() async throws(LedgerError) -> String {
    try await retrying { database in
      try await database.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }
  }

  /// The schema migrations applied to the file, oldest first.
  public func appliedMigrations() async throws(LedgerError) -> [String] {
    try await retrying { database in
      try await database.read { db in try SQLiteSchema.migrator.appliedMigrations(db) }
    }
  }

  /// The migrations this build knows, oldest first.
  public static var schemaVersions: [String] { SQLiteSchema.versions }

  // MARK: - Internals

  /// Runs `operation`, mapping its errors, and runs it again after a transient failure.
  private func retrying<R>(_ operation: (any DatabaseWriter) async throws -> R) async throws(LedgerError) -> R {
    var attempt = 1
    while true {
      do {
        return try await operation(database)
      } catch {
        let failure = LedgerError(sqlite: error)
        guard failure.isTransientSQLiteFailure, attempt < options.attempts else { throw failure }
        attempt += 1
        try? await Task.sleep(for: .milliseconds(5 * attempt))
      }
    }
  }

  private static func configuration(_ options: Options) -> Configuration {
    var configuration = Configuration()
    let (seconds, attoseconds) = options.busyTimeout.components
    let timeout = Double(seconds) + Double(attoseconds) / 1e18
    configuration.busyMode = .timeout(timeout)
    configuration.maximumReaderCount = max(1, options.maximumReaderCount)
    configuration.foreignKeysEnabled = true
    configuration.label = "SlateSQLite"
    configuration.readonly = options.readOnly
    if options.readOnly { return configuration }
    let synchronous = options.durability == .full ? "FULL" : "NORMAL"
    configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = \(synchronous)") }
    return configuration
  }

  /// For a read-only ledger: refuses a file that is not a ledger of this build's schema
  /// (`SLATE_NOT_A_LEDGER`, `SLATE_SCHEMA_NEWER`); SQLite's own errors (`SQLITE_NOTADB`,
  /// `SQLITE_CORRUPT`, …) as they come.
  private static func checkReadable(_ database: any DatabaseWriter) throws(LedgerError) {
    let migrator = SQLiteSchema.migrator
    do {
      let (applied, newer) = try database.read { db in
        (try migrator.appliedMigrations(db), try migrator.hasBeenSuperseded(db))
      }
      if newer {
        throw LedgerError.storage(code: "SLATE_SCHEMA_NEWER",
                                  message: "the ledger file was written by a newer build (this build knows "
                                    + "schema \(SQLiteSchema.versions.joined(separator: ", ")))")
      }
      // An older build's file (a prefix of this build's migrations) reads fine: what it
      // lacks (kept stream bytes) it never wrote.
      if applied.isEmpty || !SQLiteSchema.versions.starts(with: applied) {
        throw LedgerError.storage(code: "SLATE_NOT_A_LEDGER",
                                  message: "the file holds no ledger of this build's schema (migrations applied: "
                                    + (applied.isEmpty ? "none" : applied.joined(separator: ", ")) + ")")
      }
    } catch {
      throw LedgerError(sqlite: error)
    }
  }

  /// Brings the schema up to this build's, refusing a file from a newer build.
  ///
  /// Two processes opening a new file at once may both try the first migration; the loser's
  /// transaction fails (the tables exist) and rolls back, and its next attempt finds the
  /// migration applied.
  private static func migrate(_ database: any DatabaseWriter) throws(LedgerError) {
    let migrator = SQLiteSchema.migrator
    var attempt = 1
    while true {
      do {
        let newer = try database.read { db in try migrator.hasBeenSuperseded(db) }
        if newer {
          throw LedgerError.storage(code: "SLATE_SCHEMA_NEWER",
                                    message: "the ledger file was written by a newer build (this build knows "
                                      + "schema \(SQLiteSchema.versions.joined(separator: ", ")))")
        }
        try migrator.migrate(database)
        return
      } catch {
        let failure = LedgerError(sqlite: error)
        if case .storage("SLATE_SCHEMA_NEWER", _) = failure { throw failure }
        guard attempt < 3 else { throw failure }
        attempt += 1
      }
    }
  }
}
