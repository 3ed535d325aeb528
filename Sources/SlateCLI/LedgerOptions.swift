import SlateFilm
import ArgumentParser
import SlateDispatch
import SlateSQLite

#if canImport(Glibc)
  import Glibc
#endif

/// `--ledger FILE|memory`: where dispatch is recorded. A file is a SQLite ledger (WAL),
/// created when missing, shared safely by several processes; `memory` lasts as long as the
/// command.
struct LedgerOptions: ParsableArguments {
  @Option(help: ArgumentHelp("The ledger: a SQLite file (created when missing) or memory.", valueName: "FILE|memory"))
  var ledger: String = "memory"

  func open() throws -> any DispatchLedger {
    if ledger == "memory" { return InMemoryLedger() }
    do {
      return Self.warned(try SQLiteLedger(path: ledger))
    } catch {
      CLIIO.fail("cannot open the ledger \(ledger): \(error)")
    }
  }

  /// The ledger for a command that only reads (`turns`, `turn show`): an existing SQLite
  /// file opened read-only (never created, never migrated; a file without write permission
  /// is fine). A missing file or one that is not a ledger is exit 2.
  func openReadOnly() throws -> any DispatchLedger {
    if ledger == "memory" { return InMemoryLedger() }
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

  @Option(parsing: .unconditional, help: ArgumentHelp(
    "How long a dispatcher holds an action it is calling a handler for; another process takes it over only after that "
      + "(seconds, or with s or ms: 1ms to 86400s).", valueName: "DURATION"),
          transform: OptionValues.duration(OptionRanges.lease))
  var lease: Duration = .seconds(120)

  func validate() throws {
    do { _ = try FaultPlan(specs: faults) } catch { throw ValidationError("\(error)") }
  }

  /// The default retry policy with this lease.
  var policy: RetryPolicy { RetryPolicy(leaseDuration: lease) }

  /// The film handlers, behind the drills when any are asked for.
  func handlers() -> HandlerTable {
    let table = FilmHandler.table()
    guard !faults.isEmpty, let plan = try? FaultPlan(specs: faults) else { return table }
    let injector = FaultInjector(plan: plan) { calls in
      CLIIO.printError("slate: fault crash-after=\(calls): killing the process")
      kill(getpid(), SIGKILL)
    }
    return injector.wrap(table)
  }
}
