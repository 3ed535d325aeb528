import Logging
import PostgresNIO
import SlateDispatch
import Synchronization

/// The shared durable ``DispatchLedger``: the ledger's tables in one schema of a
/// PostgreSQL (15) database, through postgres-nio, for several worker processes on several
/// machines.
///
/// - ``write(_:)`` is one `SERIALIZABLE` transaction: serialisable with every other write
///   of any process. Unique keys, revisions and fencing are checked by the statements
///   themselves (`INSERT … ON CONFLICT DO NOTHING`, `UPDATE … WHERE revision = $n`,
///   `UPDATE … WHERE fencing_token = $n`, then the changed-row count), as in the SQLite
///   ledger, so a caught ``LedgerError/duplicateKey(what:key:)`` leaves the transaction
///   usable. When the server aborts the transaction for a conflict with a concurrent one (a
///   serialization failure, 40001, or a deadlock, 40P01), the body is run again, after a
///   short random back-off, up to ``Options/attempts`` times in all.
/// - Under contention, writes run **serialized**: a write first takes
///   `LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE`, before any query, so it waits for the
///   event writers ahead of it instead of racing them. Nearly every write appends an
///   event, and an event's sequence is the greatest committed one + 1, so two concurrent
///   writes that append events always conflict; with several workers, optimistic retries
///   alone kept failing until the attempts ran out (four dispatchers on one store did). A
///   write runs serialized when it is the retry of a conflict, and every write of this
///   ledger does for ``Options/serializedAfterConflict`` after one: under contention most
///   first attempts would be lost to conflicts (four dispatchers on one store, 4 × 300
///   actions, a debug build under load: serialized retries alone 53–58 s, every write
///   serialized 37–40 s, the 2 s window 45 s).
///   PostgreSQL sets a serializable transaction's snapshot at its first query, after the
///   lock: "a serializable transaction's snapshot is actually frozen at the start of its
///   first query or data-modification command (SELECT, INSERT, UPDATE, or DELETE), so it's
///   possible to obtain locks explicitly before the snapshot is frozen" (the PostgreSQL
///   manual, explicit locking). A serialized retry therefore sees every event committed
///   before it and no other event writer can commit during it; it can still meet a
///   conflict on another table, rarely, and is then retried serialized again. Without
///   recent conflicts writes stay optimistic, so writes that do not meet run concurrently.
///   Reads never take the lock, and the lock does not block them.
/// - ``read(_:)`` is one `REPEATABLE READ READ ONLY` transaction: one consistent snapshot,
///   never blocking or blocked by writes.
/// - A body runs on one of the ledger's own threads, against a transaction object whose
///   statements block that thread until the server answers (see ``PostgresTransaction``):
///   the protocol's bodies are synchronous, and a blocking bridge on a dedicated thread is
///   the one shape that gives them real reads without blocking an event loop or a
///   cooperative thread.
/// - Atomicity is the server's: a body that throws is rolled back; a connection lost
///   before `COMMIT` was sent leaves nothing (the server rolls the transaction back), and
///   the body runs again on a new connection; a connection lost while `COMMIT` was in
///   flight is `PG_COMMIT_UNKNOWN` (all or nothing was kept, and the ledger cannot tell
///   which), never run again.
///
/// Leases need no waiting when a worker dies: the database knows each holder's liveness
/// (a session-level advisory lock, see ``HolderLiveness``), and a dead holder's lease is
/// read as expired, so another worker takes its actions over at once; a slow but alive
/// worker keeps them.
///
/// Opening migrates the schema (versioned, in `slate_migrations`) and refuses a database
/// from a newer build with `SLATE_SCHEMA_NEWER`. Errors are ``LedgerError``s; the server's
/// are `ledger.storage` with code `PG_<SQLSTATE>` (see `LedgerError(postgres:)`).
public final class PostgresLedger: DispatchLedger {
  public struct Options: Sendable {
    /// Connections (and transaction threads) at most; the URL's `pool` overrides it.
    public var poolSize: Int
    /// How many times a body runs when the server aborts it for a conflict or the
    /// connection is lost before `COMMIT` (at least 1).
    public var attempts: Int
    /// The longest back-off between two attempts (each is random, up to twice the last).
    public var maximumBackoff: Duration
    /// How long every write of this ledger runs serialized after a write conflicted (see
    /// the type's documentation); zero serializes only the retries themselves.
    public var serializedAfterConflict: Duration
    /// Where the retry path logs (`debug`: a body run again after a conflict or a lost
    /// connection, with its attempt and whether it runs serialized; a transaction that gave
    /// up); nil: nowhere. postgres-nio's own logs are not forwarded.
    public var logger: Logger?
    /// Open an existing ledger for reading only: nothing is created or migrated (a schema
    /// without this build's migrations is refused: `SLATE_NOT_A_LEDGER`,
    /// `SLATE_SCHEMA_NEWER`), and every transaction is `READ ONLY`, so a write fails with
    /// the server's `PG_25006`.
    public var readOnly: Bool

    public init(poolSize: Int = 4, attempts: Int = 40, maximumBackoff: Duration = .milliseconds(100),
                serializedAfterConflict: Duration = .seconds(2), readOnly: Bool = false, logger: Logger? = nil)
    {
      self.logger = logger
      self.poolSize = poolSize
      self.attempts = attempts
      self.maximumBackoff = maximumBackoff
      self.serializedAfterConflict = serializedAfterConflict
      self.readOnly = readOnly
    }
  }

  public let location: PostgresLocation
  public let options: Options
  let pool: PostgresConnectionPool
  let threads: NIOThreadPool
  /// Until when writes run serialized (the last write conflict + ``Options/serializedAfterConflict``).
  private let contended = Mutex<ContinuousClock.Instant?>(nil)
  /// The liveness locks of the lease holders this ledger writes (nil when read-only).
  let liveness: HolderLiveness?
  private let logger: Logger

  /// Connects to the database `url` names (see ``PostgresLocation``) and migrates its
  /// schema to this build's. Throws `ledger.storage`: `PG_URL`, `PG_CONNECTION`,
  /// `SLATE_SCHEMA_NEWER`, or the server's `PG_<SQLSTATE>`.
  public convenience init(url: String, options: Options = Options()) async throws(LedgerError) {
    try await self.init(location: try PostgresLocation(url: url), options: options)
  }

  public init(location: PostgresLocation, options: Options = Options()) async throws(LedgerError) {
    var options = options
    if let size = location.poolSize { options.poolSize = size }
    options.poolSize = max(1, options.poolSize)
    options.attempts = max(1, options.attempts)
    self.location = location
    self.options = options
    logger = Logger(label: "slate.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
    let configuration = try location.configuration()
    pool = PostgresConnectionPool(configuration: configuration, size: options.poolSize, logger: logger)
    liveness = options.readOnly ? nil : HolderLiveness(configuration: configuration, logger: logger)
    threads = NIOThreadPool(numberOfThreads: options.poolSize)
    threads.start()
    do throws(LedgerError) {
      if options.readOnly { try await checkReadable() } else { try await migrate() }
    } catch {
      await close()
      throw error
    }
  }

  deinit {
    liveness?.close()
    let pool = pool
    Task { await pool.close() }
    threads.shutdownGracefully { _ in }
  }

  /// Runs `body` in a `REPEATABLE READ READ ONLY` transaction: one snapshot, taken at its
  /// first statement. Complexity: that of the reads, one round trip each.
  public func read<R: Sendable>(_ body: @Sendable (any LedgerReader) throws(LedgerError) -> R) async throws(LedgerError)
    -> R
  {
    try await transaction("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY") { tx throws(LedgerError) in try body(tx) }
  }

  /// Runs `body` in one `SERIALIZABLE` transaction and commits when it returns; runs it
  /// again after a conflict (see the type's documentation). Complexity: the body's
  /// statements (each one index probe and row write on its success path, one round trip)
  /// plus `BEGIN` and `COMMIT`.
  public func write<R: Sendable>(_ body: @Sendable (any LedgerTransaction) throws(LedgerError) -> R)
    async throws(LedgerError) -> R
  {
    try await transaction(options.readOnly ? "BEGIN ISOLATION LEVEL SERIALIZABLE, READ ONLY" : Self.beginWrite) {
      tx throws(LedgerError) in try body(tx)
    }
  }

  /// Closes the connections and stops the ledger's threads. Later calls throw
  /// `PG_CLOSED`. Optional: releasing the ledger does the same.
  public func close() async {
    liveness?.close()
    await pool.close()
    try? await threads.shutdownGracefully()
  }

  /// The migrations applied to the schema, oldest first.
  public func appliedMigrations() async throws(LedgerError) -> [String] {
    try await transaction("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY") { tx throws(LedgerError) in
      try PostgresSchema.applied(tx)
    }
  }

  /// The migrations this build knows, oldest first.
  public static var schemaVersions: [String] { PostgresSchema.versions }

  // MARK: - Transactions

  /// What one attempt of a transaction gave, and whether its connection may be reused.
  private struct Attempt<R: Sendable>: Sendable {
    var result: Result<R, LedgerError>
    var reusable: Bool
  }

  /// Runs `body` between `begin` and `COMMIT` on a connection of the pool and a thread of
  /// the ledger's, again after a conflict or a connection lost before `COMMIT`.
  func transaction<R: Sendable>(_ begin: String, _ body: @Sendable (PostgresTransaction) throws(LedgerError) -> R)
    async throws(LedgerError) -> R
  {
    var attempt = 1
    var backoff = Duration.milliseconds(1)
    var serialized = begin == Self.beginWrite && contended.withLock { until in until.map { $0 > .now } ?? false }
    while true {
      let connection: PostgresConnection
      do throws(LedgerError) {
        connection = try await pool.acquire()
      } catch {
        guard error.isPostgresConnectionLoss, attempt < min(options.attempts, 3) else { throw error }
        attempt += 1
        try? await Task.sleep(for: .milliseconds(50))
        continue
      }
      let outcome = await runOnThread(connection, begin, serialized ? Self.serializeWriters : nil, body)
      await pool.release(connection, reusable: outcome.reusable)
      switch outcome.result {
      case .success(let value):
        return value
      case .failure(let failure):
        guard failure.isPostgresConflict || failure.isPostgresConnectionLoss else { throw failure }
        guard attempt < options.attempts else {
          options.logger?.debug("ledger transaction gave up", metadata: ["slate.attempt": "\(attempt)",
                                                                        "slate.error": "\(failure)"])
          throw Self.gaveUp(failure, after: attempt)
        }
        if failure.isPostgresConflict, begin == Self.beginWrite {
          serialized = true
          let until = ContinuousClock.now + options.serializedAfterConflict
          contended.withLock { $0 = max($0 ?? until, until) }
        }
        options.logger?.debug("ledger transaction retried", metadata: ["slate.attempt": "\(attempt)",
                                                                      "slate.serialized": "\(serialized)",
                                                                      "slate.error": "\(failure)"])
        attempt += 1
        let pause = Double(backoff.components.attoseconds) / 1e18 + Double(backoff.components.seconds)
        try? await Task.sleep(for: .seconds(Double.random(in: 0...pause)))
        backoff = min(backoff * 2, options.maximumBackoff)
      }
    }
  }

  /// How ``write(_:)`` begins its transactions (the only ones a conflict serializes).
  static let beginWrite = "BEGIN ISOLATION LEVEL SERIALIZABLE"

  /// The statement a serialized retry runs first (see the type's documentation): it
  /// conflicts with every event append (`ROW EXCLUSIVE`) and with itself, not with reads.
  static let serializeWriters = "LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE"

  /// The last failure of a transaction that ran out of attempts, saying so (same code).
  static func gaveUp(_ failure: LedgerError, after attempts: Int) -> LedgerError {
    guard attempts > 1, case .storage(let code, let message) = failure else { return failure }
    return .storage(code: code, message: message + " (gave up after \(attempts) attempts)")
  }

  /// One attempt: `begin`, then `lock` if any, the body, then `COMMIT` or `ROLLBACK`, on a
  /// ledger thread.
  private func runOnThread<R: Sendable>(_ connection: PostgresConnection, _ begin: String, _ lock: String?,
                                        _ body: @Sendable (PostgresTransaction) throws(LedgerError) -> R) async -> Attempt<R>
  {
    let logger = logger
    let threads = threads
    let liveness = liveness
    return await withoutActuallyEscaping(body) { body in
      // The thread pool may keep its work item a moment after the result is delivered, so
      // the work captures a box, and the box drops `body` on the thread before returning:
      // `body` does not outlive this call.
      let box = BodyBox(body)
      do {
        return try await threads.runIfActive { () -> Attempt<R> in
          defer { box.body = nil }
          guard let body = box.body else {
            return Attempt(result: .failure(.storage(code: "PG_CLOSED", message: "the ledger was closed")), reusable: true)
          }
          return PostgresLedger.attempt(PostgresTransaction(connection, logger: logger, liveness: liveness), begin, lock,
                                        body)
        }
      } catch {
        box.body = nil
        return Attempt(result: .failure(.storage(code: "PG_CLOSED", message: "the ledger was closed")), reusable: true)
      }
    }
  }

  /// The body of one attempt, on the current (ledger) thread.
  private static func attempt<R: Sendable>(_ tx: PostgresTransaction, _ begin: String, _ lock: String?,
                                           _ body: @Sendable (PostgresTransaction) throws(LedgerError) -> R) -> Attempt<R>
  {
    do throws(LedgerError) {
      try tx.execute(begin)
    } catch {
      return Attempt(result: .failure(error), reusable: false)
    }
    if let lock {
      do throws(LedgerError) {
        try tx.execute(lock)
      } catch {
        return Attempt(result: .failure(error), reusable: rollback(tx))
      }
    }
    let value: R
    do throws(LedgerError) {
      value = try body(tx)
      if let failure = tx.failure { throw failure }
    } catch {
      // A conflict or lost connection the body swallowed still decides: it is retried.
      let failure = tx.failure.map { $0.isPostgresConflict || $0.isPostgresConnectionLoss ? $0 : error } ?? error
      return Attempt(result: .failure(failure), reusable: rollback(tx))
    }
    do throws(LedgerError) {
      let answer = try tx.execute("COMMIT")
      if answer.metadata.command != "COMMIT" {
        return Attempt(result: .failure(.storage(code: "PG_ROLLED_BACK",
                                                 message: "the server rolled the transaction back at COMMIT")),
                       reusable: true)
      }
      tx.liveness?.committed(tx.recordedHolders)
      return Attempt(result: .success(value), reusable: true)
    } catch {
      if error.isPostgresConflict { return Attempt(result: .failure(error), reusable: !tx.connection.isClosed) }
      if error.isPostgresConnectionLoss {
        return Attempt(result: .failure(.storage(code: "PG_COMMIT_UNKNOWN",
                                                 message: "the connection was lost during COMMIT: the transaction was "
                                                   + "kept whole or not at all, and it is not known which (\(error))")),
                       reusable: false)
      }
      return Attempt(result: .failure(error), reusable: false)
    }
  }

  /// Rolls the transaction back; whether the connection is usable after.
  private static func rollback(_ tx: PostgresTransaction) -> Bool {
    guard !tx.connection.isClosed else { return false }
    do {
      _ = try PostgresTransaction.answer(tx.connection, "ROLLBACK", tx.logger).wait()
      return true
    } catch {
      return false
    }
  }
}

/// Holds a transaction body for the thread that runs it, until that thread lets it go.
private final class BodyBox<R>: @unchecked Sendable {
  var body: (@Sendable (PostgresTransaction) throws(LedgerError) -> R)?

  init(_ body: @escaping @Sendable (PostgresTransaction) throws(LedgerError) -> R) { self.body = body }
}
