import SlateFilm
import ArgumentParser
import Logging
import Foundation
import SlateDispatch
import SlateSQLite
import SlateStream

#if canImport(Glibc)
  import Glibc
#endif

/// `--ledger FILE|URL|memory` (default: the `SLATE_LEDGER` environment variable, else
/// `memory`): where dispatch is recorded. A file is a SQLite ledger (WAL), created when
/// missing, shared safely by several processes on one machine; a `postgres://` URL is a
/// PostgreSQL ledger (see `PostgresLocation`: `postgres://user@host:port/db?schema=…&pool=…`,
/// the password from `PGPASSWORD` or a file), its schema created or migrated when needed,
/// shared by workers on several machines; `memory` lasts as long as the command.
struct LedgerOptions: ParsableArguments {
  @Option(help: ArgumentHelp(
    "The ledger: a SQLite file (created when missing), a postgres:// URL, or memory. Default: $SLATE_LEDGER, else memory.",
    valueName: "FILE|URL|memory"))
  var ledger: String = ProcessInfo.processInfo.environment["SLATE_LEDGER"].flatMap { $0.isEmpty ? nil : $0 } ?? "memory"

  /// - Parameter logger: where the ledger logs its retries (SQLite's busy retries,
  ///   PostgreSQL's conflict and connection retries; ``DispatchOptions/logger``).
  func open(logger: Logger? = nil) async throws -> any DispatchLedger {
    if ledger == "memory" { return InMemoryLedger() }
    do {
      if Self.isPostgresURL(ledger) { return try await Self.openPostgres(ledger, readOnly: false, logger: logger) }
      return Self.warned(try SQLiteLedger(path: ledger, options: .init(logger: logger)))
    } catch {
      CLIIO.fail("cannot open the ledger \(Self.shown(ledger)): \(error)")
    }
  }

  /// The ledger for a command that only reads (`turns`, `turn show`): an existing SQLite
  /// file opened read-only (never created, never migrated; a file without write permission
  /// is fine). A missing file or one that is not a ledger is exit 2.
  /// A PostgreSQL ledger is opened read-only likewise: nothing created or migrated, a
  /// schema that holds no ledger of this build's is exit 2, and its transactions are
  /// `READ ONLY`.
  func openReadOnly() async throws -> any DispatchLedger {
    if ledger == "memory" { return InMemoryLedger() }
    if Self.isPostgresURL(ledger) {
      do {
        return try await Self.openPostgres(ledger, readOnly: true)
      } catch {
        CLIIO.fail("cannot open the ledger \(Self.shown(ledger)): \(error)")
      }
    }
    var info = stat()
    guard stat(ledger, &info) == 0 else {
      CLIIO.fail("cannot open the ledger \(ledger): \(String(cString: strerror(errno))) (a read-only command creates no ledger)")
    }
    do {
      return Self.warned(try SQLiteLedger(path: ledger, options: .init(readOnly: true)))
    } catch {
      CLIIO.fail("cannot open the ledger \(ledger): \(error)")
    }
  }

  /// How a ledger is named in messages: a URL without its password.
  static func shown(_ ledger: String) -> String {
    isPostgresURL(ledger) ? shownPostgres(ledger) : ledger
  }

  /// `ledger`, after printing what opening it noticed (a lost WAL) to standard error.
  static func warned(_ ledger: SQLiteLedger) -> SQLiteLedger {
    for warning in ledger.openingWarnings { CLIIO.printError("slate: warning: \(warning)") }
    return ledger
  }
}

/// How this process dispatches: `--lease SECONDS` and the drills.
///
/// `--fault SPEC` (repeatable): drills. `crash-after=N` kills this process (SIGKILL) right
/// after the N-th handler call, before its outcome is recorded; `transient-rate=P` and
/// `timeout-rate=P` make that share of calls fail transiently or lose their answer;
/// `seed=S` makes the draw reproducible.
struct DispatchOptions: ParsableArguments {
  @Option(name: .customLong("fault"), help: ArgumentHelp("A drill: crash-after=N, transient-rate=P, timeout-rate=P, seed=S (repeatable).", valueName: "SPEC"))
  var faults: [String] = []

  @Option(help: ArgumentHelp("record (a generic handler: each payload into its entity's row, the declared effects into the outbox) or film (the film pack's reference handler). Default: film for the film pack (for recover: a turn whose queues are all the film pack's), record otherwise.", valueName: "NAME"))
  var handler: String?

  @Option(parsing: .unconditional, help: ArgumentHelp(
    "How long a lease lasts unless renewed: it is renewed while its handler call runs, so another process takes an "
      + "action over only from a dispatcher that stopped (seconds, or with s or ms: 1ms to 86400s).", valueName: "DURATION"),
          transform: OptionValues.duration(OptionRanges.lease))
  var lease: Duration = .seconds(10)

  @Option(parsing: .unconditional, help: ArgumentHelp(
    "Most actions dispatched in the turn (1 to 2^40; default 1000): later ones fail with dispatch.budget_actions. "
      + "The turn may make five handler calls per action (retries included), and a stream may hold this many actions "
      + "(at least 100000).", valueName: "N"),
          transform: OptionValues.integer(OptionRanges.count))
  var maxActions: Int = DispatchBudget.default.maxActions

  @Option(help: ArgumentHelp("Log the engine's work to standard error at this level: trace or debug (the engine "
    + "logs nothing above debug); off by default.", valueName: "LEVEL"))
  var logLevel: Logger.Level?

  /// The `--log-level` logger (standard error), or nil.
  var logger: Logger? { logLevel.map(StandardErrorLog.logger(level:)) }

  func validate() throws {
    do { _ = try FaultPlan(specs: faults) } catch { throw ValidationError("\(error)") }
    if let handler, handler != "record", handler != "film" {
      throw ValidationError("unknown handler '\(handler)'; use record or film")
    }
  }

  /// The default retry policy with this lease.
  var policy: RetryPolicy { RetryPolicy(leaseDuration: lease) }

  /// The turn's budget: `--max-actions` actions and five handler calls for each (the
  /// default budget's ratio), the default time.
  var budget: DispatchBudget {
    let calls = maxActions.multipliedReportingOverflow(by: 5)
    return DispatchBudget(maxActions: maxActions, maxHandlerCalls: calls.overflow ? Int.max : calls.partialValue)
  }

  /// The stream options of a replay in `dialect`: a stream may hold `--max-actions` actions
  /// when that is more than the default limit.
  func streamOptions(dialect: DialectKind) -> ActionStreamOptions {
    var options = ActionStreamOptions(dialect: dialect)
    options.maxActions = max(options.maxActions, maxActions)
    // As many values as actions: an answer's JSON array of more than 100,000 actions is framed whole.
    options.framerLimits.maxValues = max(options.framerLimits.maxValues, options.maxActions)
    return options
  }

  /// Says on standard error that this process waits for another's lease: who holds it,
  /// until when.
  static let announceWait: @Sendable (LeaseWait) -> Void = { wait in
    let tenths = max(0, (wait.until.milliseconds - SystemWallClock().now().milliseconds + 50) / 100)
    CLIIO.printError("slate: waiting for \(wait.key) (turn \(wait.turn.rawValue)): leased to \(wait.holder) for "
      + "\(tenths / 10).\(tenths % 10) s more, unless renewed")
  }

  /// The handlers `--handler` names (`film` when `film` is true and none is named, else
  /// `record`), behind the drills when any are asked for.
  func handlers(film: Bool) -> HandlerTable {
    let table = (handler ?? (film ? "film" : "record")) == "film" ? FilmHandler.table() : RecordHandler.table()
    guard !faults.isEmpty, let plan = try? FaultPlan(specs: faults) else { return table }
    let injector = FaultInjector(plan: plan) { calls in
      CLIIO.printError("slate: fault crash-after=\(calls): killing the process")
      kill(getpid(), SIGKILL)
    }
    return injector.wrap(table)
  }
}
