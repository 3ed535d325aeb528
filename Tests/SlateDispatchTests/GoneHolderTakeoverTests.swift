import Foundation
import SlateDispatch
import SlateJSON
import Synchronization
import Testing

@testable import LedgerConformance

/// A lease whose holder was a process of this host that no longer exists is taken over at
/// once; any other holder's live lease is waited for.
@Suite struct GoneHolderTakeoverTests {
  /// The id of a process that ran and was reaped.
  static func deadPID() throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/true")
    try process.run()
    process.waitUntilExit()
    return process.processIdentifier
  }

  static func holder(host: String = WorkerIdentity.host, pid: Int32) -> String {
    "\(host):\(pid):00000000deadbeef"
  }

  @Test func onlyAGoneProcessOfThisHostIsGone() throws {
    #expect(WorkerIdentity.isGone(Self.holder(pid: try Self.deadPID())))
    #expect(!WorkerIdentity.isGone(Self.holder(pid: getppid())), "a live process")
    #expect(!WorkerIdentity.isGone(Self.holder(pid: getpid())), "this process")
    #expect(!WorkerIdentity.isGone(Self.holder(host: "elsewhere.invalid", pid: try Self.deadPID())), "another host")
    #expect(!WorkerIdentity.isGone("dispatcher"), "a name the host chose")
    #expect(!WorkerIdentity.isGone(WorkerIdentity.unique()))
  }

  /// `holder`'s dispatcher (a 1-hour lease) dies in its first call; a second dispatcher
  /// (default holder) then recovers the turn. Returns the waits the second one made and
  /// whether its recovery finished (false: it gave up waiting).
  static func takeOver(from holder: String) async throws -> (waits: [LeaseWait], recovered: Bool, leased: [LedgerEvent]) {
    let ledger = InMemoryLedger()
    let clock = ManualWallClock()  // stands still: the first's lease lives until taken over
    let crashing = FaultInjector(plan: FaultPlan(crashAfter: 1))
    let first = Dispatcher(ledger: ledger,
                           handlers: crashing.wrap(HandlerTable(fallback: LedgerConformance.TicketHandler())),
                           policy: RetryPolicy(leaseDuration: .seconds(3600)),
                           configuration: .init(project: "p", holder: holder, planType: nil, renewsLeases: false),
                           clock: clock)
    let batch = try LedgerConformance.ticketBatch([LedgerConformance.create])
    await #expect(throws: SimulatedCrash.self) { try await first.dispatch(batch, turn: "t1") }

    let waits = Mutex<[LeaseWait]>([])
    let handler = LedgerConformance.TicketHandler()
    let second = Dispatcher(ledger: ledger, handlers: HandlerTable(fallback: handler), mode: .recover,
                            configuration: .init(project: "p", planType: nil, onLeaseWait: { wait in
                              waits.withLock { $0.append(wait) }
                            }), clock: clock, sleep: { _ in throw CancellationError() })
    let recovered: Bool
    do {
      _ = try await second.recover(turn: "t1")
      recovered = true
    } catch is CancellationError {
      recovered = false
    }
    #expect(handler.calls.withLock { $0.count } == (recovered ? 1 : 0))
    let leased = try await ledger.read { tx throws(LedgerError) in
      try tx.events(turn: "t1", after: 0).filter { $0.kind == "action.leased" }
    }
    return (waits.withLock { $0 }, recovered, leased)
  }

  @Test func aGoneHoldersLeaseIsTakenOverWithoutWaiting() async throws {
    let gone = Self.holder(pid: try Self.deadPID())
    let (waits, recovered, leased) = try await Self.takeOver(from: gone)
    #expect(recovered && waits.isEmpty, "\(waits)")
    #expect(leased.count == 2 && leased.last?.detail["takeover"] == true && leased.last?.detail["holder_gone"] == .string(gone))
  }

  @Test(arguments: ["live", "elsewhere", "named"])
  func anotherHoldersLiveLeaseIsWaitedFor(_ kind: String) async throws {
    let holder = kind == "live" ? Self.holder(pid: getppid())
      : kind == "elsewhere" ? Self.holder(host: "elsewhere.invalid", pid: try Self.deadPID()) : "dispatcher-a"
    let (waits, recovered, _) = try await Self.takeOver(from: holder)
    #expect(!recovered && waits.map(\.holder) == [holder])
  }
}
