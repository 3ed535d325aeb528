import Foundation
import SlateDispatch
import SlateJSON
import SlateSQLite
import SlateSchema
import SlateStream
import Testing

@testable import SlateTurn

/// ``LiveTurn/recover()``: a stream left open is read again from its kept bytes, and the
/// rest of what they carry is applied once; the turn completes only when they end the
/// stream.
@Suite struct LiveTurnRecoveryTests {
  typealias Fixture = LiveTurnTests

  static let options = ActionStreamOptions(dialect: .openaiChat)

  /// A dispatcher whose handler (the fixture's) is behind a crash after call `crashAfter`.
  static func crashing(_ ledger: any DispatchLedger, _ calls: LiveTurnTests.Calls, after crashAfter: Int) -> Dispatcher {
    let injector = FaultInjector(plan: FaultPlan(crashAfter: crashAfter))
    return Dispatcher(ledger: ledger, handlers: HandlerTable(fallback: injector.wrap(LiveTurnTests.TicketHandler(calls: calls))),
                      policy: RetryPolicy(leaseDuration: .milliseconds(200), leasePollInterval: .milliseconds(20)),
                      configuration: .init(project: "helpdesk", planType: nil), clock: calls.clock,
                      sleep: Fixture.manualSleep(calls.clock))
  }

  static func live(_ dispatcher: Dispatcher, maxItems: Int) throws -> LiveTurn {
    LiveTurn(turn: "t1", pack: try CompiledPack(bytes: Array(Fixture.pack.utf8)), dispatcher: dispatcher,
             options: options, batchLimits: BatchLimits(maxItems: maxItems))
  }

  static func appliedKeys(_ ledger: any DispatchLedger) async throws -> [String] {
    try await ledger.read { tx throws(LedgerError) in
      try tx.actions(turn: "t1").filter { $0.status == .applied }.map(\.key.readable)
    }
  }

  /// Crashed during the call of its 3rd action, whole stream in one batch: the kept bytes
  /// end the stream, so recovery applies the rest and completes the turn.
  @Test(arguments: LiveTurnTests.LedgerKind.allCases)
  func keptBytesThatEndTheStreamCompleteTheTurn(_ kind: LiveTurnTests.LedgerKind) async throws {
    let (ledger, reopen) = try Fixture.ledger(kind)
    let calls = LiveTurnTests.Calls()
    var first = try Self.live(Self.crashing(ledger, calls, after: 3), maxItems: 64)
    await #expect(throws: SimulatedCrash.self) {
      try await first.run(Fixture.asyncChunks(Fixture.stream) { $0 }, phase: "answer")
    }
    #expect(await calls.count == 3)

    let reopened = try reopen()
    var recovering = try Self.live(Fixture.dispatcher(reopened, calls, mode: .recover), maxItems: 64)
    let report = try await recovering.recover()
    #expect(report.turn.status == .completed, "\(report.turn.reason ?? "-")")
    #expect(report.turn.recoverability == nil || report.turn.recoverability == Recoverability.none)
    let ids = await calls.ids
    // The 3rd call's outcome was lost with the process: called again with its key (the
    // handler is idempotent by key); every other ticket once.
    #expect(ids.count == 10 && Set(ids).count == 9 && Array(ids[3...]).sorted() == Array(Set(ids[2...])).sorted(),
            "\(ids)")
    #expect(try await Self.appliedKeys(reopened).count == 9)
    #expect(report.effects.count == 9 && Set(report.effects.map(\.key)).count == 9)
    let events = try await Fixture.streamEvents(reopened, turn: "t1")
    #expect(events.map(\.kind) == ["stream.opened", "stream.closed"])
    #expect(events.last?.detail["status"] == "complete" && events.last?.detail["recovered"] == true)
    #expect(events.last?.detail["bytes"] == .number(JSONNumber(Fixture.stream.count)))
  }

  /// Crashed mid-stream (the byte source fails after half of it): the kept bytes are a
  /// prefix, so recovery applies what they carry and ends the turn partially completed,
  /// resume from the phase, saying where the kept bytes end; resuming the phase completes
  /// it with each ticket applied once.
  @Test(arguments: LiveTurnTests.LedgerKind.allCases, [1, 4])
  func keptBytesThatStopShortLeaveTheTurnPartiallyCompleted(_ kind: LiveTurnTests.LedgerKind, maxItems: Int)
    async throws
  {
    let (ledger, reopen) = try Fixture.ledger(kind)
    let calls = LiveTurnTests.Calls()
    let (stream, continuation) = AsyncThrowingStream.makeStream(of: ArraySlice<UInt8>.self)
    let chunks = Fixture.chunks(Fixture.stream)
    for chunk in chunks[..<(chunks.count / 2)] { continuation.yield(chunk) }
    continuation.finish(throwing: LiveTurnTests.Crash())
    var first = try Self.live(Fixture.dispatcher(ledger, calls), maxItems: maxItems)
    await #expect(throws: LiveTurnTests.Crash.self) { try await first.run(stream, phase: "answer") }
    let before = await calls.count
    let kept = try await LiveTurnBytesTests.kept(ledger)
    #expect(kept.count <= chunks.count / 2 * 64 && Fixture.stream.starts(with: kept))

    let reopened = try reopen()
    var recovering = try Self.live(Fixture.dispatcher(reopened, calls, mode: .recover), maxItems: maxItems)
    let report = try await recovering.recover()
    #expect(report.turn.status == .partiallyCompleted)
    #expect(report.turn.recoverability == .resumeFromPhase("answer"))
    #expect(report.turn.reason?.hasPrefix("stream.truncated: phase answer: recovery read the \(kept.count) bytes") == true,
            "\(report.turn.reason ?? "-")")
    let framed = LiveTurnBytesTests.ticketIDs(in: kept, pack: try CompiledPack(bytes: Array(Fixture.pack.utf8)))
    let ids = await calls.ids
    #expect(Set(ids) == framed && ids.count == framed.count, "what the kept bytes carry, each once: \(ids) (\(before) before)")
    let closed = try await Fixture.streamEvents(reopened, turn: "t1").last
    #expect(closed?.detail["status"] == "truncated" && closed?.detail["bytes"] == .number(JSONNumber(kept.count)))

    var resumed = try Self.live(Fixture.dispatcher(reopened, calls, mode: .recover), maxItems: maxItems)
    try await resumed.run(Fixture.asyncChunks(Fixture.stream) { $0 }, phase: "answer")
    let done = try await resumed.finish()
    #expect(done.turn.status == .completed)
    let all = await calls.ids
    #expect(all.count == 9 && Set(all).count == 9, "each ticket applied exactly once: \(all)")
  }

  /// Recovery counts each action once: an action the ledger knew (finished by the
  /// dispatcher's recovery) that the kept bytes also carry (read again) is one action of
  /// the stream, so the figures add up to what the kept bytes carry, and `applied` is what
  /// the recovery's handler calls applied (the call the crash cut short, then the rest).
  @Test(arguments: LiveTurnTests.LedgerKind.allCases, [1, 64])
  func recoveryCountsEachActionOnce(_ kind: LiveTurnTests.LedgerKind, maxItems: Int) async throws {
    let (ledger, reopen) = try Fixture.ledger(kind)
    let calls = LiveTurnTests.Calls()
    var first = try Self.live(Self.crashing(ledger, calls, after: 3), maxItems: maxItems)
    await #expect(throws: SimulatedCrash.self) {
      try await first.run(Fixture.asyncChunks(Fixture.stream) { $0 }, phase: "answer")
    }
    #expect(await calls.count == 3)

    var recovering = try Self.live(Fixture.dispatcher(try reopen(), calls, mode: .recover), maxItems: maxItems)
    let report = try await recovering.recover()
    let carried = report.phases.reduce(0) { $0 + $1.summary.actions + $1.summary.rejected }
    let counts = report.actionCounts
    #expect(counts.actions == carried, "\(counts.sentence): the kept bytes carry \(carried)")
    #expect(counts.applied == (await calls.count) - 3, "\(counts.sentence)")
    if maxItems == 64 {
      // The whole stream was kept: 12 actions (7 applied now; 2 applied before the crash
      // and 3 repeated keys are duplicates) and the rejection.
      #expect(counts == ActionCounts(applied: 7, duplicates: 5, rejected: 1), "\(counts.sentence)")
    }
  }

  /// Past the kept-bytes limit, recovery never completes the turn even when the bytes it
  /// reads frame cleanly up to the cut.
  @Test func aStreamPastTheLimitIsNeverRecoveredComplete() async throws {
    let ledger = InMemoryLedger()
    let calls = LiveTurnTests.Calls()
    var first = try Self.live(Self.crashing(ledger, calls, after: 9), maxItems: 64)
    first.keptBytesLimit = Fixture.stream.count - 1
    await #expect(throws: SimulatedCrash.self) {
      try await first.run(Fixture.asyncChunks(Fixture.stream) { $0 }, phase: "answer")
    }
    var recovering = try Self.live(Fixture.dispatcher(ledger, calls, mode: .recover), maxItems: 64)
    let report = try await recovering.recover()
    #expect(report.turn.status == .partiallyCompleted)
    #expect(report.turn.reason?.contains("the kept-bytes limit was reached") == true, "\(report.turn.reason ?? "-")")
  }

  @Test func unclosedStreamsAreTheLastOpenedWithoutAClose() {
    func event(_ kind: String, _ stream: String, phase: JSONValue = .null) -> LedgerEvent {
      LedgerEvent(turn: "t", at: Timestamp(milliseconds: 0), kind: kind,
                  detail: ["stream": .string(stream), "phase": phase, "source": "s.sse"])
    }
    let events = [event("stream.opened", "a", phase: "a"), event("stream.closed", "a"), event("stream.opened", "b"),
                  event(KeptBytes.limitEvent, "b"), event("stream.opened", "a", phase: "a"), event("action.applied", "x")]
    #expect(LiveTurn.unclosedStreams(in: events) == [
      .init(name: "b", phase: nil, source: "s.sse", limited: true), .init(name: "a", phase: "a", source: "s.sse", limited: false),
    ])
  }
}
