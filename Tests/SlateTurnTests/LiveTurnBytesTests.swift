import Foundation
import SlateDispatch
import SlateJSON
import SlateSQLite
import SlateSchema
import SlateStream
import Synchronization
import Testing

@testable import SlateTurn

/// A live turn keeps each phase stream's raw bytes in the ledger (``KeptBytes``), with the
/// intents of the batch they closed, under a size limit.
@Suite struct LiveTurnBytesTests {
  typealias Fixture = LiveTurnTests

  static func kept(_ ledger: any DispatchLedger, turn: TurnID = "t1", stream: String = "answer") async throws -> [UInt8] {
    try await ledger.read { tx throws(LedgerError) in
      StreamChunkRecord.contiguousBytes(try tx.streamChunks(turn: turn, stream: stream))
    }
  }

  /// The ids of the tickets a pipeline frames from `bytes`.
  static func ticketIDs(in bytes: [UInt8], pack: CompiledPack) -> Set<String> {
    var pipeline = TurnPipeline(pack: pack, options: ActionStreamOptions(dialect: .openaiChat), phase: "answer")
    var items: [TurnItem] = []
    pipeline.feed(bytes, into: &items)
    _ = pipeline.finish(into: &items)
    var ids = Set<String>()
    for case .batch(let batch) in items {
      for action in batch.actions { if let id = action.payload["id"]?.stringValue { ids.insert(id) } }
    }
    return ids
  }

  /// Checks, at each call, that the ledger already holds the bytes the action came from:
  /// the kept bytes, framed again, contain the called ticket.
  final class CheckingHandler: ActionHandler, @unchecked Sendable {
    let ledger: any DispatchLedger
    let pack: CompiledPack
    let missing = Mutex<[String]>([])
    let calls = Mutex<Int>(0)
    init(ledger: any DispatchLedger, pack: CompiledPack) {
      self.ledger = ledger
      self.pack = pack
    }
    var idempotentByKey: Bool { true }
    func handle(_ call: HandlerCall) async throws -> HandlerResult {
      let id = call.payload["id"]?.stringValue ?? "?"
      calls.withLock { $0 += 1 }
      let bytes = try await LiveTurnBytesTests.kept(ledger)
      if !LiveTurnBytesTests.ticketIDs(in: bytes, pack: pack).contains(id) { missing.withLock { $0.append(id) } }
      return HandlerResult(entities: [.init(table: call.queue, value: call.payload)])
    }
  }

  @Test(arguments: LiveTurnTests.LedgerKind.allCases, [1, 64])
  func everyByteAnActionCameFromIsKeptBeforeItsHandlerIsCalled(_ kind: LiveTurnTests.LedgerKind, maxItems: Int)
    async throws
  {
    let pack = try CompiledPack(bytes: Array(Fixture.pack.utf8))
    let (ledger, reopen) = try Fixture.ledger(kind)
    let handler = CheckingHandler(ledger: try reopen(), pack: pack)
    let clock = ManualWallClock()
    let dispatcher = Dispatcher(ledger: ledger, handlers: HandlerTable(fallback: handler),
                                configuration: .init(project: "helpdesk"), clock: clock, sleep: Fixture.manualSleep(clock))
    var live = LiveTurn(turn: "t1", pack: pack, dispatcher: dispatcher, options: ActionStreamOptions(dialect: .openaiChat),
                        batchLimits: BatchLimits(maxItems: maxItems))
    try await live.run(Fixture.asyncChunks(Fixture.stream) { $0 }, phase: "answer")
    _ = try await live.finish()
    #expect(handler.calls.withLock { $0 } == 9)
    #expect(handler.missing.withLock { $0 }.isEmpty, "called before its bytes were kept: \(handler.missing.withLock { $0 })")
    #expect(try await Self.kept(ledger) == Fixture.stream, "the whole stream is kept at its close")
    let chunks = try await ledger.read { tx throws(LedgerError) in try tx.streamChunks(turn: "t1", stream: "answer") }
    // One chunk per dispatched batch that brought new bytes, plus the rest at the close:
    // never one per 64-byte read.
    #expect(chunks.count <= (maxItems == 1 ? live.result.actionCounts.actions : 1) + 1, "\(chunks.count) chunks")
    let opened = try await Fixture.streamEvents(ledger, turn: "t1").first
    #expect(opened?.detail["kept_limit"] == .number(JSONNumber(LiveTurn.defaultKeptBytesLimit)))
  }

  @Test(arguments: LiveTurnTests.LedgerKind.allCases)
  func pastTheLimitTheRestIsNotKeptAndTheOffsetReachedIsRecorded(_ kind: LiveTurnTests.LedgerKind) async throws {
    let pack = try CompiledPack(bytes: Array(Fixture.pack.utf8))
    let (ledger, _) = try Fixture.ledger(kind)
    var live = LiveTurn(turn: "t1", pack: pack, dispatcher: Fixture.dispatcher(ledger, LiveTurnTests.Calls()),
                        options: ActionStreamOptions(dialect: .openaiChat), batchLimits: BatchLimits(maxItems: 1))
    live.keptBytesLimit = 300
    try await live.run(Fixture.asyncChunks(Fixture.stream) { $0 }, phase: "answer")
    #expect(try await Self.kept(ledger) == Array(Fixture.stream.prefix(300)))
    let marks = try await ledger.read { tx throws(LedgerError) in
      try tx.events(turn: "t1", after: 0).filter { $0.kind == KeptBytes.limitEvent }
    }
    #expect(marks.count == 1 && marks.first?.detail["kept"] == .number(JSONNumber(300)), "\(marks)")
    #expect(live.result.actionCounts.applied == 9, "the limit keeps the turn going")
  }

  /// Bytes that bring no batch are written as they reach the flush size, not held until
  /// the next batch: every chunk is at most the flush size and one 64-byte read, they cover
  /// the stream, and the actions still land.
  @Test(arguments: LiveTurnTests.LedgerKind.allCases)
  func bytesWithoutABatchAreWrittenAsTheyReachTheFlushSize(_ kind: LiveTurnTests.LedgerKind) async throws {
    let pack = try CompiledPack(bytes: Array(Fixture.pack.utf8))
    let (ledger, _) = try Fixture.ledger(kind)
    var live = LiveTurn(turn: "t1", pack: pack, dispatcher: Fixture.dispatcher(ledger, LiveTurnTests.Calls()),
                        options: ActionStreamOptions(dialect: .openaiChat), batchLimits: BatchLimits(maxItems: 64))
    live.keptFlushBytes = 256
    try await live.run(Fixture.asyncChunks(Fixture.stream) { $0 }, phase: "answer")
    let chunks = try await ledger.read { tx throws(LedgerError) in try tx.streamChunks(turn: "t1", stream: "answer") }
    #expect(try await Self.kept(ledger) == Fixture.stream)
    #expect(chunks.count >= Fixture.stream.count / (256 + 64), "\(chunks.count) chunks")
    #expect(chunks.allSatisfy { $0.bytes.count < 256 + 64 }, "\(chunks.map(\.bytes.count))")
    #expect(live.result.actionCounts.applied == 9)
  }

  /// A phase read again (resumed after a crash) keeps its new bytes only.
  @Test func aStreamOpenedAgainStartsItsKeptBytesAfresh() async throws {
    let pack = try CompiledPack(bytes: Array(Fixture.pack.utf8))
    let ledger = InMemoryLedger()
    let calls = LiveTurnTests.Calls()
    var first = LiveTurn(turn: "t1", pack: pack, dispatcher: Fixture.dispatcher(ledger, calls),
                         options: ActionStreamOptions(dialect: .openaiChat), batchLimits: BatchLimits(maxItems: 1))
    let garbage = Array("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"[{}".utf8) + Array(repeating: 0x20, count: 900)
    try await first.run(Fixture.asyncChunks(garbage) { $0 }, phase: "answer")
    #expect(try await Self.kept(ledger) == garbage)
    var again = LiveTurn(turn: "t1", pack: pack, dispatcher: Fixture.dispatcher(ledger, calls, mode: .recover),
                         options: ActionStreamOptions(dialect: .openaiChat), batchLimits: BatchLimits(maxItems: 1))
    try await again.run(Fixture.asyncChunks(Fixture.stream) { $0 }, phase: "answer")
    #expect(try await Self.kept(ledger) == Fixture.stream)
  }
}
