import SlateFilm
import SlateJSON
import SlateSchema
import Testing

@testable import SlateDispatch

/// What a dispatcher keeps of a turn's recorded rejections (``Dispatcher/RejectionsSeen``):
/// in pages within 1 MiB of memory, exact, and dropped when the turn is finalised.
@Suite struct RejectionsSeenTests {
  /// 40,000 identities (SHA-256 digests with integer and null indices, the same digest at
  /// several indices) and a few whose index is neither (kept apart): each found once kept,
  /// none before, the pages in memory within 1 MiB (the rest in the file).
  @Test func identitiesAreKeptExactlyWithinAMebibyte() {
    let seen = Dispatcher.RejectionsSeen()
    func id(_ i: Int) -> Dispatcher.RejectionsSeen.ID {
      let index: JSONValue
      switch i % 13 {
      case 0: index = .null
      case 1: index = .string("\(i)")
      case 2: index = .number(JSONNumber(Double(i) + 0.5)!)
      default: index = .number(JSONNumber(i % 9_000))
      }
      return .init(digest: SHA256.hash(Array("value \(i % 20_000)".utf8)).hex, index: index)
    }
    for i in 0..<40_000 where i % 2 == 0 { seen.read(Int64(i), id(i)) }
    for i in 0..<40_000 { #expect(seen.contains(id(i)) == (i % 2 == 0), "\(i)") }
    for i in 0..<40_000 where i % 2 == 1 { seen.read(Int64(i), id(i)) }
    for i in 0..<40_000 where !seen.contains(id(i)) { Issue.record("\(i) not kept") }
    #expect(seen.count == Set((0..<40_000).map(id)).count)
    #expect(seen.after == 39_999)
    #expect(seen.residentBytes <= Dispatcher.RejectionsSeen.memory.bytes)
    // An integer index and its string are different identities; a digest of other text is kept apart.
    #expect(!seen.contains(.init(digest: SHA256.hash(Array("value 3".utf8)).hex, index: .string("3"))))
    #expect(!seen.contains(.init(digest: "not a digest", index: .null)))
  }

  /// 600 rejections in 20 batches, each batch dispatched twice, then all again by a second
  /// dispatcher on the same ledger (which reads the event log): each recorded once. The
  /// first dispatcher drops what it kept of the turn when it finalises it.
  @Test func aTurnsRejectionsAreRecordedOnceAcrossBatchesAndDispatchers() async throws {
    let ledger = InMemoryLedger()
    let dispatcher = makeDispatcher(ledger: ledger, clock: TestClock())
    var batches: [ActionBatch] = []
    for b in 0..<20 {
      var items: [ActionBatch.Item] = []
      for k in 0..<30 {
        let i = b * 30 + k
        let bad = #"{"type":"create_scene","title":"no id \#(i % 450)"}"#
        guard case .failure(let rejection) = filmPack.classify(try json(bad), metadata: ActionMetadata(
          index: i, rawOffset: 10 * i, bytes: Array(bad.utf8)))
        else { Issue.record("the fixture should be rejected"); return }
        items.append(.rejection(rejection))
      }
      batches.append(ActionBatch(phase: "scenes", items: items))
    }
    for batch in batches {
      _ = try await dispatcher.dispatch(batch, turn: "t1")
      _ = try await dispatcher.dispatch(batch, turn: "t1")
    }
    let second = makeDispatcher(ledger: ledger, clock: TestClock())
    for batch in batches.reversed() { _ = try await second.dispatch(batch, turn: "t1") }
    let events = try await read(ledger) { tx throws(LedgerError) in
      try tx.events(turn: "t1", after: 0).filter { $0.kind == "action.rejected" }
    }
    #expect(events.count == 600)
    #expect(Set(events.map { $0.detail["index"]?.canonicalString ?? "" }).count == 600)
    #expect(await dispatcher.rejectionsSeen["t1"]?.count == 600)
    _ = try await dispatcher.finalize(turn: "t1")
    #expect(await dispatcher.rejectionsSeen["t1"] == nil)
  }
}
