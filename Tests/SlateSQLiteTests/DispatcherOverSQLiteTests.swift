import SlateFilm
import Foundation
import SlateDispatch
import SlateJSON
import SlateSQLite
import SlateSchema
import SlateTestSupport
import Synchronization
import Testing

/// The ``Dispatcher`` over ``SQLiteLedger``s sharing one file, as dispatchers in several
/// processes would: racing on one turn, and recovering a turn a crashed one left behind.
/// The ledger they leave is compared with the one a lone dispatcher leaves in an
/// ``InMemoryLedger``: the same actions applied, each applied once, the same outbox, the
/// same project-table rows.
@Suite struct DispatcherOverSQLiteTests {
  /// Four dispatchers, each with its own ``SQLiteLedger`` on one file, dispatch the film
  /// sample turn at once. Their clock stands still: no lease expires and no budget runs out
  /// however long a starved task waits (a racer waits, in real sleeps, for the holder's
  /// outcome).
  @Test(arguments: 1...3)
  func fourDispatchersOnFourInstancesRacingOnOneTurn(_ round: Int) async throws {
    let batches = try FilmSample.batches()
    let clock = ManualWallClock()
    let (reference, referenceCalls) = try await FilmSample.referenceState(batches)
    let directory = try TemporaryDirectory()
    let ledgers = try (0..<4).map { _ in try SQLiteLedger(path: directory.path()) }
    let calls = KeyCalls()
    let results = try await withThrowingTaskGroup(of: DispatchResult.self) { group in
      for (i, ledger) in ledgers.enumerated() {
        group.addTask {
          let dispatcher = Dispatcher(
            ledger: ledger, handlers: FilmHandler.table().map { calls.counting($0) },
            policy: RetryPolicy(leasePollInterval: .milliseconds(2)),
            configuration: .init(project: FilmSample.project, holder: "racer-\(i)", seed: UInt64(round * 10 + i)),
            clock: clock,
            sleep: { duration in
              calls.waited()
              try await Task.sleep(for: duration)
            })
          var result = DispatchResult()
          for batch in batches { result.merge(try await dispatcher.dispatch(batch, turn: "t1")) }
          return result
        }
      }
      return try await group.reduce(into: [DispatchResult]()) { $0.append($1) }
    }
    let state = try await LedgerState(ledgers[0], turn: "t1")
    #expect(state == reference)
    #expect(state.actions.values.allSatisfy { $0 == .applied })
    #expect(calls.perVersion.values.allSatisfy { $0 == 1 }, "\(calls.perVersion.filter { $0.value != 1 })")
    #expect(calls.perVersion == referenceCalls, "the racers together made the lone dispatcher's calls, once each")
    let merged = DispatchResult.merge(results)
    #expect(merged.counts == [.applied: reference.actions.count])
    #expect(results.allSatisfy { $0.entries.count == reference.actions.count }, "every racer reports every key")
    #expect(calls.waits > 0, "racers met actions another racer held, and waited for them")
  }

  /// A dispatcher dies right after handler call `n`; another process opens the file with
  /// its own ``SQLiteLedger``, recovers the turn once the lease expired, and replays.
  @Test(arguments: [1, 6, 11, 19])
  func aTurnLeftByACrashIsRecoveredFromTheFile(_ n: Int) async throws {
    let batches = try FilmSample.batches()
    let (reference, _) = try await FilmSample.referenceState(batches)
    let directory = try TemporaryDirectory()
    let clock = ManualWallClock()
    let sleep: @Sendable (Duration) async throws -> Void = { clock.advance(by: $0) }
    let injector = FaultInjector(plan: FaultPlan(crashAfter: n))
    let doomed = Dispatcher(ledger: try SQLiteLedger(path: directory.path()), handlers: injector.wrap(FilmHandler.table()),
                            configuration: .init(project: FilmSample.project, holder: "doomed"), clock: clock,
                            sleep: sleep)
    await #expect(throws: SimulatedCrash(afterCall: n)) {
      for batch in batches { _ = try await doomed.dispatch(batch, turn: "t1") }
    }

    clock.advance(by: RetryPolicy.default.leaseDuration)
    let ledger = try SQLiteLedger(path: directory.path())
    let inFlight = try await ledger.read { tx throws(LedgerError) in
      try tx.actions(turn: "t1").filter { $0.status == .inProgress }.count
    }
    #expect(inFlight == 1, "the action in flight at the crash is still leased in the file")
    let rescuer = Dispatcher(ledger: ledger, handlers: FilmHandler.table(), mode: .recover,
                             configuration: .init(project: FilmSample.project, holder: "rescuer"), clock: clock,
                             sleep: sleep)
    _ = try await rescuer.recover(turn: "t1")
    for batch in batches { _ = try await rescuer.dispatch(batch, turn: "t1") }
    #expect(try await LedgerState(ledger, turn: "t1") == reference)
    #expect(try await rescuer.finalize(turn: "t1").status == .completed)
  }
}

/// The film sample turn (`Corpus/schemas/film-actions.jsonl` under `Corpus/schemas/film.json`).
enum FilmSample {
  static let project: ProjectID = "film"

  /// The sample's actions, one batch per phase (closed when the next phase starts).
  static func batches() throws -> [ActionBatch] {
    let schemas = SharedFixtures.projectRoot.appendingPathComponent("Corpus/schemas")
    let pack = try CompiledPack(bytes: [UInt8](Data(contentsOf: schemas.appendingPathComponent("film.json"))))
    let parser = SimdjsonParser()
    var batcher = Batcher()
    var batches: [ActionBatch] = []
    var phase: String??
    let text = try String(contentsOf: schemas.appendingPathComponent("film-actions.jsonl"), encoding: .utf8)
    for (index, line) in text.split(separator: "\n").enumerated() {
      let action = try pack.classify(try parser.parse(String(line)), metadata: ActionMetadata(index: index)).get()
      if let open = phase, open != action.phase { batches += batcher.endPhase(open).map { [$0] } ?? [] }
      phase = action.phase
      batches += batcher.add(action)
    }
    return batches + batcher.finish()
  }

  /// What one dispatcher alone leaves in an ``InMemoryLedger``, and the handler calls it
  /// made.
  static func referenceState(_ batches: [ActionBatch]) async throws -> (LedgerState, calls: [String: Int]) {
    let ledger = InMemoryLedger()
    let calls = KeyCalls()
    let dispatcher = Dispatcher(ledger: ledger, handlers: FilmHandler.table().map { calls.counting($0) },
                                configuration: .init(project: project, holder: "reference"), clock: ManualWallClock())
    for batch in batches { _ = try await dispatcher.dispatch(batch, turn: "t1") }
    return (try await LedgerState(ledger, turn: "t1"), calls.perVersion)
  }
}

/// What exactly-once is judged on: per action key its status, how many `action.applied`
/// events it has, the outbox keys, and the project-table rows (without times or holders,
/// which differ between runs).
struct LedgerState: Equatable {
  var actions: [String: ActionStatus] = [:]
  var applied: [String: Int] = [:]
  var effects: [String] = []
  var rows: [String: JSONValue] = [:]

  init(_ ledger: any DispatchLedger, turn: TurnID) async throws {
    let (actions, events, effects, entities) = try await ledger.read { tx throws(LedgerError) in
      (try tx.actions(turn: turn), try tx.events(turn: turn, after: 0), try tx.effects(turn: turn),
       try tx.entities(project: FilmSample.project, table: nil))
    }
    for action in actions { self.actions[action.key.readable] = action.status }
    let readable = Dictionary(actions.map { ($0.key.hex, $0.key.readable) }, uniquingKeysWith: { a, _ in a })
    for event in events where event.kind == "action.applied" {
      self.applied[event.key.flatMap { readable[$0] } ?? "?", default: 0] += 1
    }
    self.effects = effects.map(\.key).sorted()
    for row in entities { rows[row.table + "/" + row.readable + "@\(row.revision)"] = row.value }
  }
}

/// Counts handler calls per action key and payload version (an upsert's second version
/// is a second call for its key) across every dispatcher of a test, and their waits.
final class KeyCalls: Sendable {
  private let counts = Mutex<[String: Int]>([:])
  private let sleeps = Mutex(0)

  var perVersion: [String: Int] { counts.withLock { $0 } }
  var waits: Int { sleeps.withLock { $0 } }

  func waited() { sleeps.withLock { $0 += 1 } }

  func counting(_ inner: any ActionHandler) -> any ActionHandler { Counted(inner: inner, calls: self) }

  fileprivate func count(_ call: HandlerCall) {
    let version = ActionRecord.version(type: call.type, payload: call.payload)
    counts.withLock { $0[call.key.readable + "#" + version, default: 0] += 1 }
  }

  private struct Counted: ActionHandler {
    let inner: any ActionHandler
    let calls: KeyCalls
    var idempotentByKey: Bool { inner.idempotentByKey }

    func handle(_ call: HandlerCall) async throws -> HandlerResult {
      calls.count(call)
      // A short pause, so racers meet actions another one holds.
      try await Task.sleep(for: .milliseconds(2))
      return try await inner.handle(call)
    }
  }
}
