import Foundation
import Slate
import Testing

/// A host that imports only `Slate`: its own pack (support tickets, not films), its own
/// handler, the pipeline and the dispatcher over the embedded SQLite ledger.
@Suite struct HostTests {
  static let pack = #"""
    {
      "name": "support",
      "version": "1",
      "x-slate-discriminator": "type",
      "x-slate-actions": {
        "create_ticket": {
          "type": "object",
          "required": ["id", "title"],
          "properties": { "id": { "type": "string" }, "title": { "type": "string" } },
          "additionalProperties": false,
          "x-slate-key": { "fields": ["/id"] },
          "x-slate-queue": "ticket",
          "x-slate-effects": ["notify"]
        }
      }
    }
    """#

  /// Applies a ticket: its row in the `ticket` table, one `notify` effect.
  struct TicketHandler: ActionHandler {
    var idempotentByKey: Bool { true }
    func handle(_ call: HandlerCall) async throws -> HandlerResult {
      try await Task.sleep(for: .milliseconds(1))
      return HandlerResult(entities: [.init(table: call.queue, value: call.payload)],
                           effects: call.effects.map { .init(kind: $0, payload: call.payload) })
    }
  }

  @Test func aHostDispatchesItsOwnPackOverSQLite() async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slate-host-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }

    let pack = try CompiledPack(bytes: Array(Self.pack.utf8))
    let ledger = try SQLiteLedger(path: directory.appendingPathComponent("ledger.sqlite").path)
    let dispatcher = Dispatcher(ledger: ledger, handlers: HandlerTable(fallback: TicketHandler()),
                                configuration: .init(project: "helpdesk", planType: nil), clock: ManualWallClock())
    let runner = TurnRunner(pack: pack, dispatcher: dispatcher, options: ActionStreamOptions(dialect: .text))
    let answer = #"[{"type":"create_ticket","id":"T-1","title":"Printer on fire"},"#
      + #"{"type":"create_ticket","id":"T-2","title":"VPN down"},{"type":"create_ticket","id":"T-1","title":"Printer on fire"}]"#
    let input = TurnInput(phases: [.init(name: nil, source: "answer", bytes: Array(answer.utf8))])

    let report = try await runner.run(input, turn: "t1")
    #expect(report.turn.status == .completed)
    #expect(report.result.counts[.applied] == 2)
    #expect(report.effects.count == 2)
    #expect(report.effects.allSatisfy { $0.kind == "notify" })

    // The same turn again: every key is already applied.
    let again = try await TurnRunner(pack: pack, dispatcher: dispatcher, options: ActionStreamOptions(dialect: .text))
      .run(input, turn: "t1")
    #expect(again.result.counts[.applied] ?? 0 == 0)
    #expect(again.result.counts[.duplicate] == 2)
  }
}
