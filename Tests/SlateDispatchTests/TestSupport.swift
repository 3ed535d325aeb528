import SlateFilm
import Foundation
import SlateDispatch
import SlateJSON
import SlateSchema
import SlateTestSupport
import Synchronization
import Testing

/// `Corpus/schemas/film.json`, compiled once.
let filmPack: CompiledPack = {
  let url = SharedFixtures.projectRoot.appendingPathComponent("Corpus/schemas/film.json")
  return try! CompiledPack(bytes: [UInt8](Data(contentsOf: url)))
}()

func json(_ text: String) throws -> JSONValue { try SimdjsonParser().parse(text) }

/// One film action from JSON text (the discriminator member names its type).
func filmAction(_ text: String, index: Int? = nil) throws -> Action {
  switch filmPack.classify(try json(text), metadata: ActionMetadata(index: index)) {
  case .success(let action): return action
  case .failure(let rejection): throw rejection
  }
}

/// The sample turn (`Corpus/schemas/film-actions.jsonl`), classified in order.
func sampleActions() throws -> [Action] {
  let url = SharedFixtures.projectRoot.appendingPathComponent("Corpus/schemas/film-actions.jsonl")
  let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
  return try lines.enumerated().map { try filmAction(String($0.element), index: $0.offset) }
}

/// Actions grouped into batches by phase, as the turn pipeline's batcher closes them at
/// each phase change.
func batches(_ actions: [Action], rejections: [Rejection] = []) -> [ActionBatch] {
  var batcher = Batcher()
  var out: [ActionBatch] = []
  var current: String?? = nil
  for action in actions {
    if let open = current, open != action.phase, let closed = batcher.endPhase(open) { out.append(closed) }
    current = action.phase
    out += batcher.add(action)
  }
  for rejection in rejections { out += batcher.add(rejection) }
  out += batcher.finish()
  return out
}

/// The sample turn's batches.
func sampleBatches() throws -> [ActionBatch] { batches(try sampleActions()) }

/// A test environment: a manual wall clock that sleeps move, a ledger, a recorder of
/// sleeps.
final class TestClock: Sendable {
  let wall = ManualWallClock()
  private let slept = Mutex<[Duration]>([])

  var sleeps: [Duration] { slept.withLock { $0 } }

  /// A sleep that moves the wall clock instead of waiting.
  var sleep: @Sendable (Duration) async throws -> Void {
    { [self] duration in
      slept.withLock { $0.append(duration) }
      wall.advance(by: duration)
      await Task.yield()
    }
  }
}

func makeDispatcher(ledger: any DispatchLedger, handlers: HandlerTable = FilmHandler.table(), clock: TestClock,
                    mode: Dispatcher.Mode = .live, policy: RetryPolicy = .default,
                    configuration: Dispatcher.Configuration = Dispatcher.Configuration(project: "film")) -> Dispatcher
{
  Dispatcher(ledger: ledger, handlers: handlers, policy: policy, mode: mode, configuration: configuration,
             clock: clock.wall, sleep: clock.sleep)
}

/// Dispatches every batch in order and merges the results.
func dispatchAll(_ dispatcher: Dispatcher, _ batches: [ActionBatch], turn: TurnID) async throws -> DispatchResult {
  var result = DispatchResult()
  for batch in batches { result.merge(try await dispatcher.dispatch(batch, turn: turn)) }
  return result
}

/// A handler that answers from a script (one entry per call; the last repeats), counting
/// calls and recording them.
final class ScriptedHandler: ActionHandler {
  enum Step: Sendable {
    case succeed
    case fail(HandlerFailure)
    case throwError(String)
  }

  struct Unclassified: Error, CustomStringConvertible {
    var text: String
    var description: String { text }
  }

  let idempotentByKey: Bool
  private let script: [Step]
  private let recorded = Mutex<[HandlerCall]>([])

  init(idempotent: Bool = true, _ script: [Step] = [.succeed]) {
    self.idempotentByKey = idempotent
    self.script = script
  }

  var calls: [HandlerCall] { recorded.withLock { $0 } }

  func handle(_ call: HandlerCall) async throws -> HandlerResult {
    let n = recorded.withLock { calls in
      calls.append(call)
      return calls.count
    }
    switch script[min(n - 1, script.count - 1)] {
    case .succeed:
      return try await FilmHandler().handle(call)
    case .fail(let failure):
      throw failure
    case .throwError(let text):
      throw Unclassified(text: text)
    }
  }
}

/// Counts calls per key, then delegates.
final class CountingHandler: ActionHandler {
  let inner: any ActionHandler
  private let counts = Mutex<[String: Int]>([:])

  init(_ inner: any ActionHandler = FilmHandler()) { self.inner = inner }

  var idempotentByKey: Bool { inner.idempotentByKey }
  var total: Int { counts.withLock { $0.values.reduce(0, +) } }

  func handle(_ call: HandlerCall) async throws -> HandlerResult {
    counts.withLock { $0[call.key.readable, default: 0] += 1 }
    return try await inner.handle(call)
  }
}

extension HandlerTable {
  /// One handler for every film queue.
  static func film(_ handler: any ActionHandler) -> HandlerTable {
    FilmHandler.table().map { _ in handler }
  }
}

/// Reads from a ledger.
func read<R: Sendable>(_ ledger: any DispatchLedger, _ body: @Sendable (any LedgerReader) throws(LedgerError) -> R)
  async throws -> R
{
  try await ledger.read(body)
}

/// The number of `action.applied` events per (key hex, version) of a turn's ledger: each
/// valid action applied exactly once means every count is 1.
func appliedCounts(_ ledger: any DispatchLedger, turn: TurnID) async throws -> [String: Int] {
  let events = try await read(ledger) { tx throws(LedgerError) in try tx.events(turn: turn, after: 0) }
  var versionOf: [String: String] = [:]
  var counts: [String: Int] = [:]
  // The version applied is the record's current one at the time; recover it from the
  // events in order: `action.declared` / `action.upsert_declared` set it.
  for event in events {
    guard let key = event.key else { continue }
    switch event.kind {
    case "action.declared": versionOf[key] = "v0"
    case "action.upsert_declared": versionOf[key] = "v" + (event.detail["revision"]?.description ?? "?")
    case "action.applied": counts[key + "/" + (versionOf[key] ?? "?"), default: 0] += 1
    default: break
    }
  }
  return counts
}

/// A counter tasks share.
final class SharedCounter: Sendable {
  private let count = Mutex(0)
  func increment() { count.withLock { $0 += 1 } }
  var value: Int { count.withLock { $0 } }
}
