import ArgumentParser
import Slate
import SlateDispatch
import SlateJSON

/// `slate outbox list|claim|complete|fail|retry`: the outbox by hand, for operators and
/// scripts (a worker drains it with `slate worker`).
struct OutboxCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "outbox",
    abstract: "List, claim, acknowledge and retry the effects queued in a ledger's outbox.",
    discussion: """
      A claim gives each effect a fencing token; complete and fail need it (a stale token is exit 1: another \
      worker took the claim over). Exit codes: 0 done; 1 refused (a stale token, no such effect, an effect in \
      the wrong state); 2 usage or I/O errors.
      """,
    subcommands: [OutboxListCommand.self, OutboxClaimCommand.self, OutboxCompleteCommand.self, OutboxFailCommand.self,
                  OutboxRetryCommand.self]
  )
}

/// The claim lease, the attempt budget and the backoff (`outbox claim|fail`, `worker`).
struct OutboxPolicyOptions: ParsableArguments {
  @Option(parsing: .unconditional, help: ArgumentHelp(
    "How long a claim lasts unless renewed (a worker renews it while its job runs; 1ms to 86400s).",
    valueName: "DURATION"), transform: OptionValues.duration(OptionRanges.lease))
  var lease: Duration = .seconds(30)

  @Option(name: .customLong("max-attempts"), parsing: .unconditional,
          help: ArgumentHelp("Attempts before an effect goes dead (1 to 1000).", valueName: "N"),
          transform: OptionValues.integer(OptionRanges.attempts))
  var maxAttempts: Int = 5

  @Option(name: .customLong("base-delay"), parsing: .unconditional, help: ArgumentHelp(
    "The wait before the first retry, doubled for each later one (0ms to 86400s).", valueName: "DURATION"),
          transform: OptionValues.duration(OptionRanges.delay))
  var baseDelay: Duration = .seconds(1)

  @Option(name: .customLong("max-delay"), parsing: .unconditional, help: ArgumentHelp(
    "The longest wait between attempts (0ms to 86400s).", valueName: "DURATION"),
          transform: OptionValues.duration(OptionRanges.delay))
  var maxDelay: Duration = .seconds(300)

  var policy: RetryPolicy {
    RetryPolicy(maxAttempts: maxAttempts, baseDelay: baseDelay, maxDelay: maxDelay, leaseDuration: lease)
  }
}

/// Printing outbox entries: one tab-separated line, or one JSON object.
enum OutboxPrinter {
  static func print(_ effect: EffectRecord, json: Bool) {
    if json { return Swift.print(effect.json.canonicalString) }
    let holder = effect.lease.map { "\($0.holder) until \($0.expiresAt.milliseconds)" } ?? "-"
    Swift.print("\(effect.status.rawValue)\t\(effect.kind)\tattempts \(effect.attempts)\ttoken \(effect.fencingToken)\t"
      + "\(holder)\t\(effect.action.readable)\t\(effect.key)" + (effect.lastError.map { "\t\($0)" } ?? ""))
  }

  /// Runs an acknowledgement; a refusal (`ledger.fenced`, `ledger.not_found`,
  /// `ledger.invalid_record`) is exit 1 with the reason on standard error.
  static func refusable(_ body: () async throws(LedgerError) -> EffectRecord) async throws -> EffectRecord {
    do {
      return try await body()
    } catch .fenced(let key, let presented, let current) {
      CLIIO.printError("slate: refused: the claim on \(key) with token \(presented) is not the live one (token \(current)): "
        + "another worker took it over, or it was already acknowledged")
    } catch .notFound(_, let key) {
      CLIIO.printError("slate: refused: the outbox has no effect \(key)")
    } catch .invalidRecord(_, let reason) {
      CLIIO.printError("slate: refused: \(reason)")
    }
    throw ExitCode(1)
  }
}

struct OutboxListCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list",
    abstract: "List outbox entries: status, kind, attempts, fencing token, claim holder, action, key, last error.",
    discussion: "In insertion order, by status (pending, claimed, failed, dead, done). Exit codes: 0; 2 usage or I/O errors."
  )

  @OptionGroup var ledger: LedgerOptions

  @Option(help: ArgumentHelp("Only entries with this status: pending, claimed, done, failed or dead.", valueName: "STATUS"))
  var status: EffectStatus?

  @Option(parsing: .unconditional, help: ArgumentHelp("At most this many entries per status (1 to 2^40).", valueName: "N"),
          transform: OptionValues.integer(OptionRanges.count))
  var limit: Int = 1000

  @Flag(help: "One JSON object per line.")
  var json = false

  func run() async throws {
    let store = try await ledger.openReadOnly()
    let statuses: [EffectStatus] = status.map { [$0] } ?? [.pending, .claimed, .failed, .dead, .done]
    let limit = self.limit
    let entries = try await store.read { tx throws(LedgerError) in
      var out: [EffectRecord] = []
      for status in statuses { out += try tx.effects(status: status, limit: limit) }
      return out
    }
    for entry in entries { OutboxPrinter.print(entry, json: json) }
  }
}

extension EffectStatus: ExpressibleByArgument {}

struct OutboxClaimCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "claim",
    abstract: "Claim queued effects for a holder: prints each with the fencing token to complete or fail it with.",
    discussion: "Claims nothing when nothing is claimable (no output). Exit codes: 0; 2 usage or I/O errors."
  )

  @OptionGroup var ledger: LedgerOptions

  @Option(name: .customLong("kind"), help: ArgumentHelp("Only effects of this kind (repeatable; default: any).", valueName: "KIND"))
  var kinds: [String] = []

  @Option(parsing: .unconditional, help: ArgumentHelp("At most this many effects (1 to 2^40).", valueName: "N"),
          transform: OptionValues.integer(OptionRanges.count))
  var limit: Int = 1

  @Option(help: "The name on the claims (default: host:pid:random).")
  var holder: String?

  @OptionGroup var policy: OutboxPolicyOptions

  @Flag(help: "One JSON object per line.")
  var json = false

  func run() async throws {
    let outbox = Outbox(ledger: try await ledger.open(), holder: holder ?? WorkerIdentity.unique(), policy: policy.policy)
    for entry in try await outbox.claim(kinds: kinds, limit: limit) { OutboxPrinter.print(entry, json: json) }
  }
}

/// The arguments of an acknowledgement: the effect's key and the claim's token.
struct ClaimArguments: ParsableArguments {
  @Argument(help: "The effect's key (64 hex digits).")
  var key: String

  @Option(parsing: .unconditional, help: ArgumentHelp("The claim's fencing token.", valueName: "N"),
          transform: OptionValues.integer(0...Int.max))
  var token: Int
}

struct OutboxCompleteCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "complete",
    abstract: "Acknowledge a claimed effect as done.",
    discussion: "Exit codes: 0 done; 1 refused (a stale token, no such effect); 2 usage or I/O errors."
  )

  @OptionGroup var claim: ClaimArguments
  @OptionGroup var ledger: LedgerOptions

  @Flag(help: "One JSON object.")
  var json = false

  func run() async throws {
    let outbox = Outbox(ledger: try await ledger.open())
    let (key, token) = (claim.key, Int64(claim.token))
    OutboxPrinter.print(try await OutboxPrinter.refusable { () async throws(LedgerError) in
      try await outbox.complete(key: key, token: token)
    }, json: json)
  }
}

struct OutboxFailCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fail",
    abstract: "Record a failed attempt of a claimed effect: retried after a backoff, or dead when the budget is spent.",
    discussion: "Exit codes: 0 recorded; 1 refused (a stale token, no such effect); 2 usage or I/O errors."
  )

  @OptionGroup var claim: ClaimArguments
  @OptionGroup var ledger: LedgerOptions

  @Option(help: "What went wrong (kept as the entry's last error).")
  var error: String

  @Flag(help: "The job can never succeed: dead at once.")
  var permanent = false

  @OptionGroup var policy: OutboxPolicyOptions

  @Flag(help: "One JSON object.")
  var json = false

  func run() async throws {
    let outbox = Outbox(ledger: try await ledger.open(), policy: policy.policy)
    let (key, token, message, permanent) = (claim.key, Int64(claim.token), error, permanent)
    OutboxPrinter.print(try await OutboxPrinter.refusable { () async throws(LedgerError) in
      try await outbox.fail(key: key, token: token, error: message, permanent: permanent)
    }, json: json)
  }
}

struct OutboxRetryCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "retry",
    abstract: "Queue a dead or failed effect again, at once, with a fresh attempt budget.",
    discussion: "Exit codes: 0 queued; 1 refused (no such effect, or one that is pending, claimed or done); 2 usage or I/O errors."
  )

  @Argument(help: "The effect's key (64 hex digits).")
  var key: String

  @OptionGroup var ledger: LedgerOptions

  @Flag(help: "One JSON object.")
  var json = false

  func run() async throws {
    let outbox = Outbox(ledger: try await ledger.open())
    let key = self.key
    OutboxPrinter.print(try await OutboxPrinter.refusable { () async throws(LedgerError) in
      try await outbox.retry(key: key)
    }, json: json)
  }
}
