// slate-test-host: a small host process for the crash tests (LiveTurnCrashTests). A
// support-ticket pack (not film), an async handler that logs each call to a file, a live
// turn fed a Chat Completions stream in 64-byte chunks through an AsyncSequence, over a
// SQLite ledger (LEDGER a file), or a PostgreSQL one (LEDGER a postgres:// URL: the
// worker-process tests of SlatePostgresTests). It can SIGKILL itself at a handler call or at
// a byte offset of the stream.
//
//   slate-test-host expect                      the stream's size and its actions' keys
//   slate-test-host pack                        the schema pack
//   slate-test-host run LEDGER LOG [--max-items N] [--kill-at-call N] [--kill-at-byte B] [--cut-at C] [--lease-ms L]
//   slate-test-host recover LEDGER LOG [--max-items N] [--lease-ms L]   LiveTurn.recover()
//   slate-test-host resume LEDGER LOG [--max-items N] [--lease-ms L]    the whole stream again, recover mode
//
// `--tag NAME` (any command) writes `<readable key>\tNAME` per call instead, so the calls of
// several processes sharing one log can be told apart, and makes NAME the dispatcher's lease
// holder (a name `WorkerIdentity.isGone` cannot judge: only the ledger knows it died). Each command but `expect` prints one
// JSON object: {"status","recoverability","reason"}.
import Slate
import SlatePostgres
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

let supportPack = #"""
  { "name": "support", "version": "1", "x-slate-discriminator": "type",
    "x-slate-actions": {
      "create_ticket": { "type": "object", "required": ["id", "title"], "additionalProperties": false,
        "properties": { "type": {}, "id": { "type": "string" }, "title": { "type": "string" } },
        "x-slate-key": { "fields": ["/id"] }, "x-slate-queue": "ticket", "x-slate-effects": ["notify"] },
      "assign_ticket": { "type": "object", "required": ["id", "agent"], "additionalProperties": false,
        "properties": { "type": {}, "id": { "type": "string" }, "agent": { "type": "string" } },
        "x-slate-key": { "fields": ["/id", "/agent"] }, "x-slate-queue": "assignment", "x-slate-effects": ["page"] } } }
  """#

/// Ten actions (six tickets, four assignments), the answer text cut into seeded deltas of
/// 1 to 24 bytes, as an OpenAI Chat Completions stream.
let stream: [UInt8] = {
  var items: [String] = []
  for i in 0..<6 { items.append(#"{"type":"create_ticket","id":"T-\#(i)","title":"printer \#(i) is on fire"}"#) }
  for i in 0..<4 { items.insert(#"{"type":"assign_ticket","id":"T-\#(i)","agent":"agent-\#(i % 2)"}"#, at: 2 * i + 1) }
  var rest = Substring("[" + items.joined(separator: ", ") + "]")
  var random = SplitMix64(seed: 14)
  var text = ""
  while !rest.isEmpty {
    let size = Int(random.next() % 24) + 1
    let delta = String(rest.prefix(size))
    rest = rest.dropFirst(size)
    let escaped = delta.map { $0 == "\"" || $0 == "\\" ? "\\\($0)" : String($0) }.joined()
    text += #"data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"\#(escaped)"},"finish_reason":null}]}"# + "\n\n"
  }
  text += #"data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"# + "\n\n"
  text += "data: [DONE]\n\n"
  return Array(text.utf8)
}()

/// The stream in 64-byte chunks; ends after `cutAt` bytes (a provider cut); SIGKILLs the
/// process instead of handing out the chunk that holds byte `killAt`.
struct Chunks: AsyncSequence {
  var bytes: [UInt8]
  var cutAt: Int?
  var killAt: Int?

  struct AsyncIterator: AsyncIteratorProtocol {
    let chunks: Chunks
    var offset = 0
    mutating func next() async -> ArraySlice<UInt8>? {
      await Task.yield()
      let limit = Swift.min(chunks.bytes.count, chunks.cutAt ?? .max)
      guard offset < limit else { return nil }
      let end = Swift.min(offset + 64, limit)
      if let kill = chunks.killAt, kill < end { Glibc.kill(getpid(), SIGKILL) }
      defer { offset = end }
      return chunks.bytes[offset..<end]
    }
  }

  func makeAsyncIterator() -> AsyncIterator { AsyncIterator(chunks: self) }
}

/// Applies an action (its row, its effects) after logging the call (`<readable key>` per
/// line, `<readable key>\t<tag>` with a tag) to the log file; SIGKILLs the process right
/// after the log line of call `killAt`, before its outcome is recorded.
final class TicketHandler: ActionHandler {
  let log: String
  let killAt: Int?
  let tag: String?
  let calls = Mutex(0)
  init(log: String, killAt: Int?, tag: String?) {
    self.log = log
    self.killAt = killAt
    self.tag = tag
  }
  var idempotentByKey: Bool { true }

  func handle(_ call: HandlerCall) async throws -> HandlerResult {
    try await Task.sleep(for: .milliseconds(1))
    let number = calls.withLock { count in
      count += 1
      return count
    }
    let line = Array((call.key.readable + (tag.map { "\t" + $0 } ?? "") + "\n").utf8)
    let file = open(log, O_WRONLY | O_APPEND | O_CREAT, 0o644)
    precondition(file >= 0, "cannot open \(log)")
    _ = line.withUnsafeBytes { write(file, $0.baseAddress, $0.count) }
    close(file)
    if number == killAt { kill(getpid(), SIGKILL) }
    return HandlerResult(entities: [.init(table: call.queue, value: call.payload)],
                         effects: call.effects.map { .init(kind: $0, payload: call.payload) })
  }
}

func option(_ name: String) -> Int? {
  guard let index = CommandLine.arguments.firstIndex(of: name), index + 1 < CommandLine.arguments.count else { return nil }
  return Int(CommandLine.arguments[index + 1])
}

func text(_ name: String) -> String? {
  guard let index = CommandLine.arguments.firstIndex(of: name), index + 1 < CommandLine.arguments.count else { return nil }
  return CommandLine.arguments[index + 1]
}

func liveTurn(mode: Dispatcher.Mode, killAtCall: Int?) async throws -> LiveTurn {
  let arguments = CommandLine.arguments
  let ledger: any DispatchLedger
  if PostgresLocation.isURL(arguments[2]) {
    ledger = try await PostgresLedger(url: arguments[2])
  } else {
    ledger = try SQLiteLedger(path: arguments[2])
  }
  let dispatcher = Dispatcher(
    ledger: ledger,
    handlers: HandlerTable(fallback: TicketHandler(log: arguments[3], killAt: killAtCall, tag: text("--tag"))),
    policy: RetryPolicy(leaseDuration: .milliseconds(option("--lease-ms") ?? 10_000)), mode: mode,
    configuration: .init(project: "helpdesk", holder: text("--tag")))
  return LiveTurn(turn: "t1", pack: try CompiledPack(bytes: Array(supportPack.utf8)), dispatcher: dispatcher,
                  options: ActionStreamOptions(dialect: .openaiChat), batchLimits: BatchLimits(maxItems: option("--max-items") ?? 1))
}

func printed(_ report: TurnReport) {
  var line = JSONLine()
  line.add("status", .string(report.turn.status.rawValue))
  line.add("recoverability", .string(report.turn.recoverability?.code ?? "none"))
  line.add("reason", report.turn.reason.map(JSONValue.string) ?? .null)
  print(line.text)
}

switch CommandLine.arguments.dropFirst().first {
case "expect":
  var pipeline = TurnPipeline(pack: try CompiledPack(bytes: Array(supportPack.utf8)),
                              options: ActionStreamOptions(dialect: .openaiChat))
  var items: [TurnItem] = []
  stream.withUnsafeBytes { pipeline.feed($0, into: &items) }
  _ = pipeline.finish(into: &items)
  var keys: [JSONValue] = []
  for case .batch(let batch) in items { keys += batch.actions.map { .string($0.key.readable) } }
  var line = JSONLine()
  line.add("bytes", .number(JSONNumber(stream.count)))
  line.add("keys", .array(keys))
  print(line.text)
case "pack":
  print(supportPack)
case "run":
  var live = try await liveTurn(mode: .live, killAtCall: option("--kill-at-call"))
  try await live.run(Chunks(bytes: stream, cutAt: option("--cut-at"), killAt: option("--kill-at-byte")), phase: "answer")
  printed(try await live.finish())
case "recover":
  var live = try await liveTurn(mode: .recover, killAtCall: nil)
  printed(try await live.recover())
case "resume":
  var live = try await liveTurn(mode: .recover, killAtCall: nil)
  try await live.run(Chunks(bytes: stream), phase: "answer")
  printed(try await live.finish())
default:
  print("usage: slate-test-host expect | run|recover|resume LEDGER LOG [options]")
  exit(2)
}
