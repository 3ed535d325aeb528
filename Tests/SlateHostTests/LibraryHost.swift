// The host of README's "Using Slate as a library", verbatim between the markers
// (LibraryHostTests checks that README holds the same text, and runs it).
// README begin
import Slate

// 1. The pack: the actions a model may emit, their keys, queues and effects.
let supportPack = #"""
  { "name": "support", "version": "1", "x-slate-discriminator": "type",
    "x-slate-actions": { "create_ticket": {
      "type": "object", "required": ["id", "title"], "additionalProperties": false,
      "properties": { "id": { "type": "string" }, "title": { "type": "string" } },
      "x-slate-key": { "fields": ["/id"] }, "x-slate-queue": "ticket", "x-slate-effects": ["notify"] } } }
  """#

// 2. The handler: applies one action; its rows and effects are committed with its outcome.
struct TicketHandler: ActionHandler {
  var idempotentByKey: Bool { true }
  func handle(_ call: HandlerCall) async throws -> HandlerResult {
    HandlerResult(entities: [.init(table: call.queue, value: call.payload)],
                  effects: call.effects.map { .init(kind: $0, payload: call.payload) })
  }
}

func dispatcher(_ ledgerPath: String, mode: Dispatcher.Mode = .live) throws -> Dispatcher {
  Dispatcher(ledger: try SQLiteLedger(path: ledgerPath), handlers: HandlerTable(fallback: TicketHandler()),
             mode: mode, configuration: .init(project: "helpdesk"))
}

// 3. A live turn: provider bytes as they arrive ([UInt8], ArraySlice<UInt8> or Data
//    chunks), each action validated and dispatched as soon as it closes.
func runTurn<S: AsyncSequence>(_ bytes: S, turn: TurnID, ledgerPath: String, mode: Dispatcher.Mode = .live)
  async throws -> TurnReport where S.Element: LiveBytes
{
  var live = LiveTurn(turn: turn, pack: try CompiledPack(bytes: Array(supportPack.utf8)),
                      dispatcher: try dispatcher(ledgerPath, mode: mode),
                      options: ActionStreamOptions(dialect: .openaiChat), batchLimits: BatchLimits(maxItems: 1))
  try await live.begin()
  try await live.run(bytes, phase: "answer")
  return try await live.finish()
}

// 4. After a crash: finish what the ledger knows. A stream left open is never `completed`:
//    the turn ends partially_completed, resume_from_phase:answer; resume it by running the
//    phase again with `mode: .recover` (applied keys are duplicates, the rest applied once).
func recoverTurn(_ turn: TurnID, ledgerPath: String) async throws -> TurnRecord {
  let dispatcher = try dispatcher(ledgerPath, mode: .recover)
  _ = try await dispatcher.recover(turn: turn)
  return try await dispatcher.finalize(turn: turn)
}
// README end
