import SlateDispatch
import SlateJSON

/// The contract of ``DispatchLedger``, as checks any ledger can run: the in-memory ledger's
/// tests and the SQLite ledger's tests call the same ones.
///
/// Independent of a test framework: a check throws ``ConformanceFailure`` at its first
/// violated expectation. Typical use with Swift Testing:
///
/// ```swift
/// @Test(arguments: LedgerConformance.checks.map(\.name))
/// func conformance(_ name: String) async throws {
///   try await LedgerConformance.run(name) { try SQLiteLedger(path: temporaryPath()) }
/// }
/// ```
///
/// Each check gets a fresh, empty ledger from the factory.
public enum LedgerConformance {
  public struct Check: Sendable {
    public let name: String
    public let summary: String
    let body: @Sendable (any DispatchLedger) async throws -> Void
  }

  /// Every check, in a fixed order.
  public static let checks: [Check] = [
    Check(name: "turn.unique_id", summary: "a second insert of a turn id is ledger.duplicate_key", body: turnUniqueID),
    Check(name: "turn.revision", summary: "updateTurn increments the revision and refuses a stale one", body: turnRevision),
    Check(name: "transaction.rollback", summary: "a body that throws leaves nothing behind", body: rollback),
    Check(name: "transaction.catch_duplicate", summary: "a caught unique violation leaves the transaction usable",
          body: catchDuplicate),
    Check(name: "action.unique_per_scope", summary: "(scope, key) is unique: turn scopes apart, project scope shared",
          body: actionUniquePerScope),
    Check(name: "action.insert_rules", summary: "an action needs its turn, a key and a zero token", body: actionInsertRules),
    Check(name: "action.fencing", summary: "leases, takeovers and stale tokens", body: fencing),
    Check(name: "action.order", summary: "actions(turn:) by ordinal, then insertion; nextOrdinal(turn:)", body: actionOrder),
    Check(name: "effect.outbox", summary: "effect keys are unique; status updates are revisioned", body: outbox),
    Check(name: "entity.upsert", summary: "entities upsert by key with revisions, in first-insertion order",
          body: entityUpsert),
    Check(name: "event.sequence", summary: "event sequences increase; rolled-back events stay invisible",
          body: eventSequence),
    Check(name: "turn_phase.order", summary: "turns by creation then id; phases by ordinal then name",
          body: turnAndPhaseOrder),
    Check(name: "phase.batches", summary: "phase batches: appended once each in order, kept by putPhaseHead, rolled back",
          body: phaseBatches),
    Check(name: "write.serialisable", summary: "concurrent read-modify-write bodies do not lose updates",
          body: serialisable),
    Check(name: "action.race", summary: "concurrent inserts of one key: exactly one wins", body: insertRace),
    Check(name: "action.lease_renewal", summary: "a lease is renewed by its holder, keeps its token, expires unrenewed",
          body: leaseRenewal),
    Check(name: "dispatch.lease_race", summary: "two default dispatchers: one call per key while a renewed lease lives",
          body: leaseRace),
    Check(name: "scope.turn", summary: "turn scope: a turn's handler keys, effects and rows are its own",
          body: scopeTurn),
    Check(name: "scope.project", summary: "project scope: duplicates across turns, one row, a turn of duplicates completes",
          body: scopeProject),
    Check(name: "stream.chunks", summary: "kept stream bytes: by offset, replaced at an offset, deleted per stream",
          body: streamChunks),
  ] + outboxChecks

  /// Runs the check named `name` against a new ledger from `makeLedger`.
  public static func run(_ name: String, makeLedger: () async throws -> any DispatchLedger) async throws {
    guard let check = checks.first(where: { $0.name == name }) else {
      throw ConformanceFailure(check: name, message: "no such check")
    }
    let ledger = try await makeLedger()
    do {
      try await check.body(ledger)
    } catch var failure as ConformanceFailure {
      failure.check = name
      throw failure
    }
  }

  /// Runs every check, each on a new ledger; returns the failures (empty: conformant).
  public static func runAll(makeLedger: () async throws -> any DispatchLedger) async -> [ConformanceFailure] {
    var failures: [ConformanceFailure] = []
    for check in checks {
      do {
        try await run(check.name, makeLedger: makeLedger)
      } catch let failure as ConformanceFailure {
        failures.append(failure)
      } catch {
        failures.append(ConformanceFailure(check: check.name, message: "unexpected error: \(error)"))
      }
    }
    return failures
  }
}

/// A violated expectation of a conformance check.
public struct ConformanceFailure: Error, CustomStringConvertible {
  public var check: String
  public var message: String
  public var line: UInt

  public init(check: String = "", message: String, line: UInt = #line) {
    self.check = check
    self.message = message
    self.line = line
  }

  public var description: String { "\(check): \(message) (LedgerConformance line \(line))" }
}
