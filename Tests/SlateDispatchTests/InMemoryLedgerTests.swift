import LedgerConformance
import SlateDispatch
import Testing

/// The ledger contract (``LedgerConformance``) against ``InMemoryLedger``.
@Suite struct InMemoryLedgerTests {
  @Test(arguments: LedgerConformance.checks.map(\.name))
  func conformance(_ check: String) async throws {
    try await LedgerConformance.run(check) { InMemoryLedger() }
  }

  @Test func everyCheckRuns() async {
    let failures = await LedgerConformance.runAll { InMemoryLedger() }
    #expect(failures.isEmpty, "\(failures)")
    #expect(LedgerConformance.checks.count == 24)
  }
}
