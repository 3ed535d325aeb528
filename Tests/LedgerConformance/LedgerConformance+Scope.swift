import SlateDispatch
import SlateJSON
import SlateSchema
import Synchronization

/// The scope model (``DispatchScope``) through a ``Dispatcher``: the key a handler
/// receives, the outbox keys and the entity rows, in turn and in project scope.
extension LedgerConformance {
  /// A support-ticket pack: `create_ticket` (queue `ticket`, effect `notify`),
  /// `update_ticket` (an upsert of the same key), `close_ticket` (its own queue, naming the
  /// ticket's row).
  static let ticketPack: CompiledPack = {
    let text = #"""
      {"name":"support","version":"1","x-slate-discriminator":"type","x-slate-actions":{
        "create_ticket":{"type":"object","required":["id","title"],
          "properties":{"id":{"type":"string"},"title":{"type":"string"},"status":{"type":"string"}},
          "x-slate-key":{"fields":["/id"]},"x-slate-queue":"ticket","x-slate-effects":["notify"]},
        "update_ticket":{"type":"object","required":["id"],
          "properties":{"id":{"type":"string"},"title":{"type":"string"},"status":{"type":"string"}},
          "x-slate-key":{"fields":["/id"]},"x-slate-queue":"ticket","x-slate-upsert":true},
        "close_ticket":{"type":"object","required":["id"],"properties":{"id":{"type":"string"}},
          "x-slate-key":{"fields":["/id"]},"x-slate-queue":"ticket_close","x-slate-effects":["notify"]}}}
      """#
    return try! CompiledPack(bytes: Array(text.utf8))
  }()

  /// Records the keys it is called with; writes the ticket's row (`close_ticket`: a merge
  /// of `"status":"closed"` into the row it names) and the declared effects.
  final class TicketHandler: ActionHandler {
    let calls = Mutex<[String]>([])
    var idempotentByKey: Bool { true }

    func handle(_ call: HandlerCall) async throws -> HandlerResult {
      calls.withLock { $0.append(call.key.hex) }
      var result = HandlerResult(effects: call.effects.map { .init(kind: $0, payload: call.payload) })
      if call.type == "close_ticket", let id = call.payload["id"] {
        result.entities.append(.init(table: "ticket", entity: call.entityKey(namespace: "ticket", fields: [id]),
                                     value: ["status": "closed"], merge: true))
      } else {
        result.entities.append(.init(table: "ticket", value: call.payload, merge: call.upsert))
      }
      return result
    }
  }

  static func ticketBatch(_ lines: [String]) throws -> ActionBatch {
    var items: [ActionBatch.Item] = []
    for line in lines {
      switch ticketPack.classify(try SimdjsonParser().parse(line), metadata: ActionMetadata(index: items.count)) {
      case .success(let action): items.append(.action(action))
      case .failure(let rejection): throw ConformanceFailure(message: "fixture rejected: \(rejection)")
      }
    }
    return ActionBatch(phase: nil, items: items)
  }

  static func ticketDispatcher(_ ledger: any DispatchLedger, scope: DispatchScope.Kind, handler: TicketHandler)
    -> Dispatcher
  {
    Dispatcher(ledger: ledger, handlers: HandlerTable(fallback: handler),
               configuration: .init(project: Fixture.project, scope: scope, planType: nil), clock: ManualWallClock(Fixture.t0))
  }

  static let create = #"{"type":"create_ticket","id":"T-1001","title":"Printer on fire"}"#
  static let close = #"{"type":"close_ticket","id":"T-1001"}"#

  /// Turn scope: a second turn's actions, effects and rows are its own.
  static func scopeTurn(_ ledger: any DispatchLedger) async throws {
    let handler = TicketHandler()
    let dispatcher = ticketDispatcher(ledger, scope: .turn, handler: handler)
    let first = try await dispatcher.dispatch(try ticketBatch([create, close]), turn: "t1")
    try expect(first.counts[.applied] == 2, "t1 applies both: \(first.counts)")
    try await dispatcher.finalize(turn: "t1")
    let second = try await dispatcher.dispatch(try ticketBatch([create]), turn: "t2")
    try expect(second.counts[.applied] == 1, "in turn scope t2 applies its own create_ticket: \(second.counts)")
    let t2 = try await dispatcher.finalize(turn: "t2")
    try expect(t2.status == .completed, "t2 ends completed, got \(t2.status)")

    let keys = handler.calls.withLock { $0 }
    try expect(keys.count == 3 && Set(keys).count == 3, "each turn's handler key is its own: \(keys)")
    let (e1, e2, rows) = try await ledger.read { tx throws(LedgerError) in
      (try tx.effects(turn: "t1"), try tx.effects(turn: "t2"), try tx.entities(project: Fixture.project, table: "ticket"))
    }
    try expect(e1.count == 2 && e2.count == 1, "t2 queues its own effect: t1 \(e1.count), t2 \(e2.count)")
    try expect(Set(e1.map(\.key)).isDisjoint(with: e2.map(\.key)), "outbox keys differ per turn")
    try expect(rows.count == 2, "one row per turn for the ticket, got \(rows.map(\.readable))")
    let closed = rows.first { $0.turn == "t1" }?.value["status"]
    try expect(closed == "closed", "t2 does not overwrite t1's row: t1's status is \(String(describing: closed))")
    try expect(rows.allSatisfy { $0.readable == "ticket:T-1001" }, "rows are named by the queue key")
  }

  /// Project scope: a later turn's repeated actions are duplicates (no call, no effect), it
  /// ends completed; an update or close changes the one row.
  static func scopeProject(_ ledger: any DispatchLedger) async throws {
    let handler = TicketHandler()
    let dispatcher = ticketDispatcher(ledger, scope: .project, handler: handler)
    _ = try await dispatcher.dispatch(try ticketBatch([create]), turn: "t1")
    try await dispatcher.finalize(turn: "t1")
    let second = try await dispatcher.dispatch(try ticketBatch([create]), turn: "t2")
    try expect(second.counts[.duplicate] == 1 && second.counts[.applied] == nil,
               "in project scope t2 applies nothing new: \(second.counts)")
    let t2 = try await dispatcher.finalize(turn: "t2")
    try expect(t2.status == .completed && t2.recoverability == Recoverability.none,
               "a turn of duplicates ends completed, got \(t2.status) \(String(describing: t2.recoverability))")
    _ = try await dispatcher.dispatch(
      try ticketBatch([#"{"type":"update_ticket","id":"T-1001","title":"Printer fixed"}"#, close]), turn: "t3")
    let t3 = try await dispatcher.finalize(turn: "t3")
    try expect(t3.status == .completed, "t3 ends completed, got \(t3.status)")

    try expect(handler.calls.withLock { $0.count } == 3, "the handler is called once per key and version")
    let (effects, rows) = try await ledger.read { tx throws(LedgerError) in
      (try tx.effects(turn: "t2"), try tx.entities(project: Fixture.project, table: nil))
    }
    try expect(effects.isEmpty, "t2 queues nothing: \(effects.map(\.key))")
    try expect(rows.count == 1, "one row for the ticket, got \(rows.map { $0.table + "/" + $0.readable })")
    try expect(rows.first?.value["status"] == "closed" && rows.first?.value["title"] == "Printer fixed",
               "the update and the close change the ticket's row: \(String(describing: rows.first?.value))")
  }
}
