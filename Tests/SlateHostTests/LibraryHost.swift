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
//    chunks), each action validated and dispatched as soon as it closes; the bytes read
//    are kept in the ledger (with the intents of the batch they closed) for recovery.
func liveTurn(_ turn: TurnID, ledgerPath: String, mode: Dispatcher.Mode = .live) throws -> LiveTurn {
  LiveTurn(turn: turn, pack: try CompiledPack(bytes: Array(supportPack.utf8)),
           dispatcher: try dispatcher(ledgerPath, mode: mode),
           options: ActionStreamOptions(dialect: .openaiChat), batchLimits: BatchLimits(maxItems: 1))
}

func runTurn<S: AsyncSequence>(_ bytes: S, turn: TurnID, ledgerPath: String, mode: Dispatcher.Mode = .live)
  async throws -> TurnReport where S.Element: LiveBytes
{
  var live = try liveTurn(turn, ledgerPath: ledgerPath, mode: mode)
  try await live.begin()
  try await live.run(bytes, phase: "answer")
  return try await live.finish()
}

// 4. After a crash: finish what the ledger knows and re-read the kept bytes of a stream
//    left open, applying the rest once. Completed only when they end the stream; else
//    partially_completed, resume_from_phase:answer: run the phase again with `.recover`.
func recoverTurn(_ turn: TurnID, ledgerPath: String) async throws -> TurnRecord {
  var live = try liveTurn(turn, ledgerPath: ledgerPath, mode: .recover)
  return try await live.recover().turn
}
// README end
