import LedgerConformance
import SlateDispatch
import SlateSQLite
import Testing

/// The ledger contract (``LedgerConformance``) against ``SQLiteLedger``: file-backed in a
/// temporary directory (WAL, the production shape), and in memory.
@Suite struct SQLiteConformanceTests {
  @Test(arguments: LedgerConformance.checks.map(\.name))
  func fileBacked(_ check: String) async throws {
    let directory = try TemporaryDirectory()
    try await LedgerConformance.run(check) { try SQLiteLedger(path: directory.path()) }
  }

  @Test(arguments: LedgerConformance.checks.map(\.name))
  func inMemory(_ check: String) async throws {
    try await LedgerConformance.run(check) { try SQLiteLedger.inMemory() }
  }

  /// Two ledgers on one file, as two processes would have: each check's writes go through
  /// one and its reads through the other, so nothing the checks see can come from a cache
  /// of the writing instance.
  @Test(arguments: LedgerConformance.checks.map(\.name))
  func twoInstances(_ check: String) async throws {
    let directory = try TemporaryDirectory()
    try await LedgerConformance.run(check) {
      SplitLedger(writer: try SQLiteLedger(path: directory.path()), reader: try SQLiteLedger(path: directory.path()))
    }
  }

  @Test func everyCheckPasses() async throws {
    let directory = try TemporaryDirectory()
    var made = 0
    let failures = await LedgerConformance.runAll {
      made += 1
      return try SQLiteLedger(path: directory.path("ledger-\(made).sqlite"))
    }
    #expect(failures.isEmpty, "\(failures)")
    #expect(made == LedgerConformance.checks.count)
  }
}

/// Writes through one ledger, reads through another on the same file.
struct SplitLedger: DispatchLedger {
  let writer: SQLiteLedger
  let reader: SQLiteLedger

  func read<R: Sendable>(_ body: @Sendable (any LedgerReader) throws(LedgerError) -> R) async throws(LedgerError) -> R {
    try await reader.read(body)
  }

  func write<R: Sendable>(_ body: @Sendable (any LedgerTransaction) throws(LedgerError) -> R) async throws(LedgerError)
    -> R
  {
    try await writer.write(body)
  }
}
