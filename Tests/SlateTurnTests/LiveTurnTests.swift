import Foundation
import SlateDispatch
import SlateJSON
import SlateSQLite
import SlateSchema
import SlateStream
import SlateTestSupport
import Testing

@testable import SlateTurn

/// A live turn: a Chat Completions stream of support-ticket actions arriving in 64-byte
/// chunks through an `AsyncSequence`, dispatched as batches close, over both ledgers.
@Suite struct LiveTurnTests {
  static let pack = SupportPack.json

  /// Applies a ticket (its row, one `notify` effect) and counts its calls.
  struct TicketHandler: ActionHandler {
    let calls: Calls
    var idempotentByKey: Bool { true }
    func handle(_ call: HandlerCall) async throws -> HandlerResult {
      await calls.add(call.payload["id"]?.stringValue ?? "?")
      return HandlerResult(entities: [.init(table: call.queue, value: call.payload)],
                           effects: call.effects.map { .init(kind: $0, payload: call.payload) })
    }
  }

  /// What one test's dispatchers share: the handler calls they made, and the manual clock
  /// they run on (``dispatcher(_:_:mode:)``).
  actor Calls {
    nonisolated let clock = ManualWallClock()
    var ids: [String] = []
    func add(_ id: String) { ids.append(id) }
    var count: Int { ids.count }
  }

  enum LedgerKind: String, CaseIterable, CustomTestStringConvertible {
    case memory, sqlite
    var testDescription: String { rawValue }
  }

  /// A fresh ledger of `kind` (SQLite in a temporary directory) and how to reopen it (a
  /// new process on the same file).
  static func ledger(_ kind: LedgerKind) throws -> (any DispatchLedger, () throws -> any DispatchLedger) {
    switch kind {
    case .memory:
      let ledger = InMemoryLedger()
      return (ledger, { ledger })
    case .sqlite:
      let path = FileManager.default.temporaryDirectory.appendingPathComponent("slate-live-\(UUID().uuidString).sqlite").path
      return (try SQLiteLedger(path: path), { try SQLiteLedger(path: path) })
    }
  }

  /// 12 tickets (T-0…T-8, three repeated with the same payload), one invalid action
  /// (a rejection), as a Chat Completions stream cut into small deltas.
  static let stream: [UInt8] = {
    var items: [String] = []
    for i in 0..<12 { items.append(#"{"type":"create_ticket","id":"T-\#(i % 9)","title":"ticket \#(i % 9)"}"#) }
    items.insert(#"{"type":"create_ticket","id":"T-x"}"#, at: 5)
    return SSEText.chatAnswer("[" + items.joined(separator: ",") + "]", deltaSize: 23)
  }()

  static func chunks(_ bytes: [UInt8], size: Int = 64) -> [ArraySlice<UInt8>] {
    stride(from: 0, to: bytes.count, by: size).map { bytes[$0..<min($0 + size, bytes.count)] }
  }

  /// The chunks as an AsyncStream fed by another task.
  static func asyncChunks<E: Sendable>(_ bytes: [UInt8], _ element: @escaping @Sendable (ArraySlice<UInt8>) -> E)
    -> AsyncStream<E>
  {
    AsyncStream { continuation in
      for chunk in chunks(bytes) { continuation.yield(element(chunk)) }
      continuation.finish()
    }
  }

  static func dispatcher(_ ledger: any DispatchLedger, _ calls: Calls, mode: Dispatcher.Mode = .live) -> Dispatcher {
    Dispatcher(ledger: ledger, handlers: HandlerTable(fallback: TicketHandler(calls: calls)),
               policy: RetryPolicy(leaseDuration: .milliseconds(200), leasePollInterval: .milliseconds(20)), mode: mode,
               configuration: .init(project: "helpdesk", planType: nil), clock: calls.clock,
               sleep: manualSleep(calls.clock))
  }

  /// A dispatcher's sleep on a manual clock: moves the clock instead of waiting. Time then
  /// passes only when a dispatcher waits (a lease poll, a backoff), never because the
  /// machine is slow, so no lease expires and no budget runs out under load; one
  /// dispatcher at a time runs on the clock in these tests, so a wait for a dead
  /// dispatcher's lease ends after the lease's duration of polls.
  static func manualSleep(_ clock: ManualWallClock) -> @Sendable (Duration) async throws -> Void {
    { duration in
      try Task.checkCancellation()
      clock.advance(by: duration)
      await Task.yield()
    }
  }

  static func streamEvents(_ ledger: any DispatchLedger, turn: TurnID) async throws -> [LedgerEvent] {
    try await ledger.read { tx throws(LedgerError) in
      try tx.events(turn: turn, after: 0).filter { $0.kind.hasPrefix("stream.") }
    }
  }

  @Test(arguments: LedgerKind.allCases, [1, 4, 64])
  func aLiveTurnDoesWhatTheTurnRunnerDoesOnTheSameBytes(_ kind: LedgerKind, maxItems: Int) async throws {
    let pack = try CompiledPack(bytes: Array(Self.pack.utf8))
    let limits = BatchLimits(maxItems: maxItems)
    let options = ActionStreamOptions(dialect: .openaiChat)

    let (batchLedger, _) = try Self.ledger(kind)
    let batchCalls = Calls()
    let runner = TurnRunner(pack: pack, dispatcher: Self.dispatcher(batchLedger, batchCalls), options: options,
                            batchLimits: limits)
    let expected = try await runner.run(TurnInput(phases: [.init(name: "answer", source: "answer", bytes: Self.stream)]),
                                        turn: "t1")

    let (liveLedger, _) = try Self.ledger(kind)
    let liveCalls = Calls()
    var live = LiveTurn(turn: "t1", pack: pack, dispatcher: Self.dispatcher(liveLedger, liveCalls), options: options,
                        batchLimits: limits)
    try await live.begin()
    let phase = try await live.run(Self.asyncChunks(Self.stream) { Array($0) }, phase: "answer", source: "answer")
    let report = try await live.finish()

    #expect(phase.summary == expected.phases[0].summary)
    #expect(phase.lines == expected.phases[0].lines)
    #expect(phase.batches.count == (maxItems == 1 ? 13 : expected.phases[0].batches.count))
    #expect(report.turn.status == .completed && expected.turn.status == .completed)
    #expect(report.actionCounts == expected.actionCounts)
    #expect(report.actionCounts.applied == 9 && report.actionCounts.duplicates == 3 && report.actionCounts.rejected == 1, "\(report.actionCounts.sentence)")
    #expect(report.result.entries.mapValues { $0.outcome.kind } == expected.result.entries.mapValues { $0.outcome.kind })
    #expect(report.effects.map { $0.key }.sorted() == expected.effects.map { $0.key }.sorted())
    #expect(await liveCalls.ids == batchCalls.ids)
    let events = try await Self.streamEvents(liveLedger, turn: "t1")
    #expect(events.map(\.kind) == ["stream.opened", "stream.closed"])
    #expect(events.last?.detail["status"] == "complete")
    #expect(events.last?.detail["bytes"]?.numberValue == JSONNumber(Self.stream.count))
  }

  /// A runner that does not keep lines reports the same turn, each phase with its summary
  /// line alone.
  @Test func aRunnerThatKeepsNoLinesReportsTheSameTurn() async throws {
    let pack = try CompiledPack(bytes: Array(Self.pack.utf8))
    let input = TurnInput(phases: [.init(name: "answer", source: "answer", bytes: Self.stream)])
    let options = ActionStreamOptions(dialect: .openaiChat)
    let kept = try await TurnRunner(pack: pack, dispatcher: Self.dispatcher(InMemoryLedger(), Calls()), options: options)
      .run(input, turn: "t1")
    var runner = TurnRunner(pack: pack, dispatcher: Self.dispatcher(InMemoryLedger(), Calls()), options: options)
    runner.keepsLines = false
    let report = try await runner.run(input, turn: "t1")

    #expect(kept.phases[0].lines.count > 10)
    #expect(report.phases[0].lines == [kept.phases[0].lines.last!])
    #expect(report.phases[0].summary == kept.phases[0].summary)
    #expect(report.phases[0].batches == kept.phases[0].batches)
    #expect(report.actionCounts == kept.actionCounts && report.turn.status == kept.turn.status)
    #expect(report.summaryJSON.text == kept.summaryJSON.text)
  }

  /// A runner that keeps no batch ids (`slate replay` without `--bundle`) reports the same
  /// turn, its phases' batch lists empty; the ledger still lists each phase's batches (each
  /// id once: a batch closed twice with the same actions has one id).
  @Test func aRunnerThatKeepsNoBatchIDsReportsTheSameTurn() async throws {
    let pack = try CompiledPack(bytes: Array(Self.pack.utf8))
    let input = TurnInput(phases: [.init(name: "answer", source: "answer", bytes: Self.stream)])
    let options = ActionStreamOptions(dialect: .openaiChat)
    let kept = try await TurnRunner(pack: pack, dispatcher: Self.dispatcher(InMemoryLedger(), Calls()), options: options,
                                    batchLimits: BatchLimits(maxItems: 1))
      .run(input, turn: "t1")
    let ledger = InMemoryLedger()
    var runner = TurnRunner(pack: pack, dispatcher: Self.dispatcher(ledger, Calls()), options: options,
                            batchLimits: BatchLimits(maxItems: 1))
    runner.keepsBatchIDs = false
    let report = try await runner.run(input, turn: "t1")

    #expect(kept.phases[0].batches.count > 1)
    #expect(report.phases[0].batches.isEmpty)
    #expect(report.phases[0].summary == kept.phases[0].summary && report.phases[0].lines == kept.phases[0].lines)
    #expect(report.actionCounts == kept.actionCounts && report.turn.status == kept.turn.status)
    #expect(report.summaryJSON.text == kept.summaryJSON.text)
    let phases = try await ledger.read { tx throws(LedgerError) in try tx.phases(turn: "t1") }
    var seen: Set<String> = []
    #expect(phases.first { $0.name == "answer" }?.batches == kept.phases[0].batches.filter { seen.insert($0).inserted })
  }

  /// Each batch is dispatched before the next chunk is pulled: with one action per batch,
  /// the handler has been called before the stream's last chunk is asked for.
  @Test func batchesAreDispatchedAsTheyCloseBeforeTheNextChunkIsPulled() async throws {
    let pack = try CompiledPack(bytes: Array(Self.pack.utf8))
    let calls = Calls()
    let observed = Observed()
    let sequence = CountingSequence(chunks: Self.chunks(Self.stream).map { Data($0) }, calls: calls, observed: observed)
    var live = LiveTurn(turn: "t1", pack: pack, dispatcher: Self.dispatcher(InMemoryLedger(), calls),
                        options: ActionStreamOptions(dialect: .openaiChat), batchLimits: BatchLimits(maxItems: 1))
    try await live.run(sequence, phase: "answer")
    let report = try await live.finish()
    #expect(report.turn.status == .completed)
    let seen = await observed.callsAtPull
    #expect(seen.count == Self.chunks(Self.stream).count + 1)
    #expect(seen.last == 9, "every applied action was dispatched before the end was pulled")
    #expect(seen.contains { $0 > 0 && $0 < 9 }, "dispatched while streaming, not after: \(seen)")
    #expect(zip(seen, seen.dropFirst()).allSatisfy { $0 <= $1 })
  }

  struct Crash: Error {}

  static func turn(_ ledger: any DispatchLedger, _ id: TurnID) async throws -> TurnRecord? {
    try await ledger.read { tx throws(LedgerError) in try tx.turn(id) }
  }

  /// Waits (polling) until the handler was called `count` times.
  static func waitForCalls(_ calls: Calls, _ count: Int) async throws {
    while await calls.count < count { try await Task.sleep(for: .milliseconds(2)) }
  }

  /// The host's task is cancelled while the stream is waiting for bytes: the phase is
  /// closed `cancelled`, the turn `stopped` with a reason (written although the task is
  /// cancelled), and a recovery does not call the turn complete.
  @Test(arguments: LedgerKind.allCases)
  func cancellingALiveTurnMidStreamStopsIt(_ kind: LedgerKind) async throws {
    let pack = try CompiledPack(bytes: Array(Self.pack.utf8))
    let (ledger, reopen) = try Self.ledger(kind)
    let calls = Calls()
    let dispatcher = Self.dispatcher(ledger, calls)
    let (stream, continuation) = AsyncStream.makeStream(of: [UInt8].self)
    let chunks = Self.chunks(Self.stream)
    for chunk in chunks[..<(chunks.count / 2)] { continuation.yield(Array(chunk)) }
    let task = Task {
      var live = LiveTurn(turn: "t1", pack: pack, dispatcher: dispatcher, options: ActionStreamOptions(dialect: .openaiChat),
                          batchLimits: BatchLimits(maxItems: 1))
      try await live.begin()
      try await live.run(stream, phase: "answer")
    }
    try await Self.waitForCalls(calls, 2)
    task.cancel()
    await #expect(throws: CancellationError.self) { try await task.value }
    let applied = await calls.count
    #expect(applied > 0 && applied < 9)

    let reopened = try reopen()
    let record = try #require(try await Self.turn(reopened, "t1"))
    #expect(record.status == .stopped)
    #expect(record.reason?.hasPrefix("turn.cancelled:") == true, "\(record.reason ?? "-")")
    #expect(record.recoverability == .resumeFromPhase("answer"))
    let events = try await Self.streamEvents(reopened, turn: "t1")
    #expect(events.map(\.kind) == ["stream.opened", "stream.closed"])
    #expect(events.last?.detail["status"] == "cancelled")

    // Recovery finishes what the ledger knows but does not call the turn complete.
    let recovering = Self.dispatcher(reopened, calls)
    _ = try await recovering.recover(turn: "t1")
    let ended = try await recovering.finalize(turn: "t1")
    #expect(ended.status == .partiallyCompleted)
    #expect(ended.recoverability == .resumeFromPhase("answer"))
    // An action the cancel caught between its declaration and its handler call is the
    // ledger's to finish; nothing the stream carried after the cancel is.
    let declared = try await reopened.read { tx throws(LedgerError) in try tx.actions(turn: "t1") }.count
    let ids = await calls.ids
    #expect(ids.count == declared && Set(ids).count == ids.count && declared < 9, "\(ids), \(declared) declared")
  }

  /// A process that dies while a phase streams (the feeding abandoned, the live turn
  /// dropped without closing) leaves the stream open: recovery ends the turn
  /// `partially_completed`, resume from the phase, never `completed`; resuming the phase
  /// with the whole stream applies each missing action once and completes the turn.
  @Test(arguments: LedgerKind.allCases)
  func recoveryNeverCompletesATurnWhoseStreamWasLeftOpen(_ kind: LedgerKind) async throws {
    let pack = try CompiledPack(bytes: Array(Self.pack.utf8))
    let options = ActionStreamOptions(dialect: .openaiChat)
    let (ledger, reopen) = try Self.ledger(kind)
    let calls = Calls()
    let dispatcher = Self.dispatcher(ledger, calls)
    let (stream, continuation) = AsyncThrowingStream.makeStream(of: ArraySlice<UInt8>.self)
    let chunks = Self.chunks(Self.stream)
    for chunk in chunks[..<(chunks.count / 2)] { continuation.yield(chunk) }
    let task = Task {
      var live = LiveTurn(turn: "t1", pack: pack, dispatcher: dispatcher, options: options, batchLimits: BatchLimits(maxItems: 1))
      try await live.run(stream, phase: "answer")
    }
    try await Self.waitForCalls(calls, 3)
    continuation.finish(throwing: Crash())
    await #expect(throws: Crash.self) { try await task.value }
    let before = await calls.ids
    #expect(before.count < 9)

    let reopened = try reopen()
    #expect(try await Self.turn(reopened, "t1")?.status == .running)
    let events = try await Self.streamEvents(reopened, turn: "t1")
    #expect(events.map(\.kind) == ["stream.opened"])
    let recovering = Self.dispatcher(reopened, calls)
    _ = try await recovering.recover(turn: "t1")
    let ended = try await recovering.finalize(turn: "t1")
    #expect(ended.status == .partiallyCompleted)
    #expect(ended.recoverability == .resumeFromPhase("answer"))
    #expect(ended.reason?.hasPrefix("stream.open: the stream of phase answer") == true, "\(ended.reason ?? "-")")

    // The host resumes the phase from the start: only the missing actions are applied.
    var resumed = LiveTurn(turn: "t1", pack: pack, dispatcher: Self.dispatcher(reopened, calls, mode: .recover),
                           options: options, batchLimits: BatchLimits(maxItems: 4))
    try await resumed.run(Self.asyncChunks(Self.stream) { Data($0) }, phase: "answer")
    let report = try await resumed.finish()
    #expect(report.turn.status == .completed)
    let ids = await calls.ids
    #expect(ids.count == 9 && Set(ids).count == 9, "each ticket applied exactly once: \(ids)")
    #expect(report.effects.count == 9)
  }

  actor Observed {
    var callsAtPull: [Int] = []
    func pulled(_ calls: Int) { callsAtPull.append(calls) }
  }

  /// Records how many handler calls were made each time the live turn pulls an element.
  struct CountingSequence: AsyncSequence, Sendable {
    typealias Element = Data
    let chunks: [Data]
    let calls: Calls
    let observed: Observed
    struct AsyncIterator: AsyncIteratorProtocol {
      var rest: ArraySlice<Data>
      let calls: Calls
      let observed: Observed
      mutating func next() async -> Data? {
        await observed.pulled(await calls.count)
        return rest.popFirst()
      }
    }
    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(rest: chunks[...], calls: calls, observed: observed) }
  }
}
