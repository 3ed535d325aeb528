import LedgerConformance
import SlateDispatch
import SlatePostgres
import Testing

/// The ledger contract (``LedgerConformance``) against ``PostgresLedger``, each check on a
/// schema of its own: one ledger, and two ledgers on one schema (writes through one,
/// reads through the other).
@Suite(.enabled(if: TestServer.available, TestServer.skipReason))
struct PostgresConformanceTests {
  @Test(arguments: LedgerConformance.checks.map(\.name))
  func oneLedger(_ check: String) async throws {
    try await TestServer.withFreshSchema { url in
      var opened: PostgresLedger?
      try await LedgerConformance.run(check) {
        let ledger = try await PostgresLedger(url: url)
        opened = ledger
        return ledger
      }
      await opened?.close()
    }
  }

  @Test(arguments: LedgerConformance.checks.map(\.name))
  func twoInstances(_ check: String) async throws {
    try await TestServer.withFreshSchema { url in
      var opened: [PostgresLedger] = []
      try await LedgerConformance.run(check) {
        let writer = try await PostgresLedger(url: url)
        let reader = try await PostgresLedger(url: url, options: .init(poolSize: 2))
        opened = [writer, reader]
        return SplitLedger(writer: writer, reader: reader)
      }
      for ledger in opened { await ledger.close() }
    }
  }
}
