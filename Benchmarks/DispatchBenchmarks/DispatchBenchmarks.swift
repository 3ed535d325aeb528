// Dispatching a film turn (SlateFilm's generator, classified by the film pack and batched
// as the turn pipeline batches: by phase, at most 64 actions): the dispatcher's decisions
// per second with the in-memory ledger, applying every action (declare, lease, call the
// film handler, record) and replaying the turn (every action a duplicate); the same with
// the SQLite ledger (WAL, a file, default durability); and the SQLite ledger's own write
// rate for the turn's action records, one transaction per batch against one per action.
//
// Turns of 100, 1,000 and 10,000 actions (100 only in quick mode): the time per action
// must stay flat as the turn grows (a write costs O(1) in both ledgers). Each iteration
// starts from a fresh ledger, prepared outside the timed region.
import Benchmark
import BenchSupport
import Foundation
import SlateFilm
import SlateDispatch
import SlateJSON
import SlateSchema
import SlateSQLite

/// A film turn's batches, built on first use.
struct FilmTurn {
  let batches: [ActionBatch]
  let actions: Int
  /// The canonical bytes of the actions' payloads: what the ledger stores.
  let bytes: Int
  var workload: Workload { Workload(bytes: bytes, actions: actions) }

  nonisolated(unsafe) static var built: [Int: FilmTurn] = [:]

  static func of(actions count: Int) -> FilmTurn {
    if let turn = built[count] { return turn }
    var batcher = Batcher()
    var batches: [ActionBatch] = []
    for value in FilmActions.make(count: count) {
      let result = FilmPack.compiled.classify(value)
      guard case .success = result else { fatalError("a generated film action is invalid: \(result)") }
      batches += batcher.add(result)
    }
    batches += batcher.finish()
    let actions = batches.flatMap(\.actions)
    let turn = FilmTurn(batches: batches, actions: actions.count,
                        bytes: actions.reduce(0) { $0 + $1.payload.canonicalBytes.count })
    built[count] = turn
    return turn
  }
}

let turnID: TurnID = "bench-turn"

/// Dispatches every batch of `turn` in order as the turn `id`; returns how many keys ended
/// in `kind`.
func dispatchAll(_ turn: FilmTurn, with dispatcher: Dispatcher, as id: TurnID = turnID, counting kind: Outcome.Kind)
  async -> Int
{
  var result = DispatchResult()
  for batch in turn.batches {
    do {
      result.merge(try await dispatcher.dispatch(batch, turn: id))
    } catch {
      fatalError("dispatch failed: \(error)")
    }
  }
  return result.entries.values.count { $0.outcome.kind == kind }
}

func dispatcher(_ ledger: any DispatchLedger) -> Dispatcher {
  // A budget above the biggest turn (the default stops a turn at 1,000 actions).
  Dispatcher(ledger: ledger, handlers: FilmHandler.table(),
             configuration: Dispatcher.Configuration(project: "film",
                                                     budget: DispatchBudget(maxActions: 100_000, maxHandlerCalls: 500_000)))
}

/// A fresh SQLite ledger file in the temporary directory (one per benchmark process,
/// replaced at every iteration).
func freshSQLiteLedger() -> SQLiteLedger {
  let path = FileManager.default.temporaryDirectory.appendingPathComponent("slate-bench-\(getpid()).sqlite").path
  for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
  do { return try SQLiteLedger(path: path) } catch { fatalError("cannot open \(path): \(error)") }
}

/// The ledger records of a turn's actions, as the dispatcher declares them.
func records(_ batch: ActionBatch, from ordinal: Int, at now: Timestamp) -> [ActionRecord] {
  batch.actions.enumerated().map { offset, action in
    ActionRecord(scope: .turn(turnID), key: ActionKey(action.key), turn: turnID, phase: action.phase, batch: batch.id,
                 ordinal: ordinal + offset, type: action.type, queue: action.queue, payload: action.payload,
                 effects: action.effects, upsert: action.upsert,
                 versions: [ActionRecord.version(type: action.type, payload: action.payload)], declaredAt: now)
  }
}

/// A ledger holding the turn's record (a fresh SQLite file), ready for action records.
func ledgerWithTurn() async -> SQLiteLedger {
  let ledger = freshSQLiteLedger()
  let record = TurnRecord(id: turnID, project: "film", createdAt: SystemWallClock().now())
  do { try await ledger.write { tx throws(LedgerError) in try tx.insertTurn(record) } } catch {
    fatalError("cannot insert the turn: \(error)")
  }
  return ledger
}

/// Writes every action record of `turn`: one transaction per batch, or per action.
func insertAll(_ turn: FilmTurn, into ledger: SQLiteLedger, perAction: Bool) async -> Int {
  let now = SystemWallClock().now()
  var ordinal = 0
  do {
    for batch in turn.batches {
      let rows = records(batch, from: ordinal, at: now)
      ordinal += rows.count
      if perAction {
        for row in rows { try await ledger.write { tx throws(LedgerError) in try tx.insertAction(row) } }
      } else {
        try await ledger.write { tx throws(LedgerError) in for row in rows { try tx.insertAction(row) } }
      }
    }
  } catch {
    fatalError("insert failed: \(error)")
  }
  return ordinal
}

let benchmarks: @Sendable () -> Void = {
  workerBenchmarks()
  for count in BenchMode.quick ? [100] : [100, 1_000, 10_000] {
    let turn = { FilmTurn.of(actions: count) }
    let name = "dispatch.film-\(count)-actions"

    measureAsync("\(name).Slate-Dispatcher(in-memory-ledger).apply", counts: .actions, workload: { turn().workload },
                 prepare: { dispatcher(InMemoryLedger()) }) { dispatcher, watch in
      let applied = await dispatchAll(turn(), with: dispatcher, counting: .applied)
      watch?.sample()
      precondition(applied == turn().actions, "the dispatcher did not apply every action")
      return applied
    }
    measureAsync("\(name).Slate-Dispatcher(in-memory-ledger).replay-duplicates", counts: .actions,
                 workload: { turn().workload }, prepare: { () async -> Dispatcher in
                   let once = dispatcher(InMemoryLedger())
                   _ = await dispatchAll(turn(), with: once, counting: .applied)
                   return once
                 }) { dispatcher, watch in
      let duplicates = await dispatchAll(turn(), with: dispatcher, counting: .duplicate)
      watch?.sample()
      precondition(duplicates == turn().actions, "a replayed action was not a duplicate")
      return duplicates
    }
    measureAsync("\(name).Slate-Dispatcher(SQLite-ledger).apply", pace: .slow, counts: .actions, heap: false,
                 workload: { turn().workload }, prepare: { dispatcher(freshSQLiteLedger()) }) { dispatcher, _ in
      let applied = await dispatchAll(turn(), with: dispatcher, counting: .applied)
      precondition(applied == turn().actions, "the dispatcher did not apply every action")
      return applied
    }
    // The same with each phase's batch list read and rewritten whole at every batch's open
    // and close (BatchListRewriteLedger): what dispatch did before the batch rows.
    measureAsync("\(name).Slate-Dispatcher(SQLite-ledger).apply-batch-list-rewrite", pace: .slow, counts: .actions,
                 heap: false, workload: { turn().workload },
                 prepare: { dispatcher(BatchListRewriteLedger(freshSQLiteLedger())) }) { dispatcher, _ in
      let applied = await dispatchAll(turn(), with: dispatcher, counting: .applied)
      precondition(applied == turn().actions, "the dispatcher did not apply every action")
      return applied
    }
    measureAsync("sqlite.film-\(count)-actions.Slate-SQLiteLedger.insert(one-transaction-per-batch)", counts: .actions,
                 heap: false, workload: { turn().workload }, prepare: { await ledgerWithTurn() }) { ledger, _ in
      await insertAll(turn(), into: ledger, perAction: false)
    }
    measureAsync("sqlite.film-\(count)-actions.Slate-SQLiteLedger.insert(one-transaction-per-action)", pace: .slow,
                 counts: .actions, heap: false, workload: { turn().workload }, prepare: { await ledgerWithTurn() }) { ledger, _ in
      await insertAll(turn(), into: ledger, perAction: true)
    }
  }
}
