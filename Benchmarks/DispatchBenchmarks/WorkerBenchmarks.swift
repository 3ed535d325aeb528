// Several workers sharing one ledger, on SQLite and on PostgreSQL in the same run:
//
// - `workers.film-100-actions.<ledger>.<N>-workers`: N dispatchers (1, 2, 4), each over a
//   ledger of its own (its own connections, as N processes would have) on one store, each
//   applying its own 100-action film turn at the same time (a new turn per iteration, so
//   every action is applied: declare, lease, film handler, record). Actions per second and
//   per action are the N turns' actions over the iteration's wall time.
// - `outbox.200-jobs.<ledger>.<N>-workers`: 200 queued entries (prepared untimed), drained
//   by N workers (1, 4), each on its own ledger, claiming one entry at a time and completing
//   it (no job work): jobs per second, and one claim + one complete per job.
//
// The store: a SQLite file (WAL, `durability: .normal`: commits are not fsynced, as the
// throwaway PostgreSQL server runs with `fsync=off`), or a schema of its own on the server
// `SLATE_TEST_POSTGRES_URL` names (`scripts/bench.sh` runs under `scripts/postgres.sh run`);
// without it the PostgreSQL rows are skipped, saying so. Each benchmark opens its ledgers
// once (the first iteration's preparation) and keeps them; the tables grow by one turn per
// iteration, which indexed writes do not feel. No allocation thresholds: PostgreSQL's
// counts move with the network and the server, SQLite's with GRDB's pool.
import Benchmark
import BenchSupport
import Foundation
import SlateDispatch
import SlateJSON
import SlatePostgres
import SlateSQLite
import SlateSchema
import Synchronization

/// The ledgers the worker benchmarks compare.
enum SharedStore: String, CaseIterable {
  case sqlite = "SQLite"
  case postgres = "PostgreSQL"

  /// The server for the PostgreSQL rows, or nil (then they are skipped, with a message).
  static let postgresURL: String? = {
    guard let url = ProcessInfo.processInfo.environment["SLATE_TEST_POSTGRES_URL"], !url.isEmpty else {
      print("DispatchBenchmarks: SLATE_TEST_POSTGRES_URL is not set: the PostgreSQL worker benchmarks are skipped "
        + "(scripts/bench.sh runs them under scripts/postgres.sh run)")
      return nil
    }
    return url
  }()

  /// The stores of this run: PostgreSQL only in full runs (`make bench`, `make bench-table`)
  /// with a server. Quick runs (CI's `make bench-quick`, which gates allocation counts that
  /// these rows do not have) leave it out: its rows are timed on a network and a server.
  static var available: [SharedStore] {
    if BenchMode.quick {
      print("DispatchBenchmarks: quick mode: the PostgreSQL worker benchmarks run in full runs only (make bench)")
      return [.sqlite]
    }
    return postgresURL == nil ? [.sqlite] : [.sqlite, .postgres]
  }

  /// `count` ledgers on one new store named `name`: a new SQLite file, or a new schema.
  func open(_ name: String, count: Int) async -> [any DispatchLedger] {
    let tag = name.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) ? String($0).lowercased() : "_" }.joined()
    do {
      switch self {
      case .sqlite:
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("slate-bench-\(getpid())-\(tag).sqlite").path
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        return try (0..<count).map { _ in try SQLiteLedger(path: path, options: .init(durability: .normal)) }
      case .postgres:
        let base = SharedStore.postgresURL ?? ""
        let schema = "bench_\(getpid())_" + tag.suffix(40)
        let url = base + (base.contains("?") ? "&" : "?") + "schema=" + schema
        var ledgers: [any DispatchLedger] = []
        for _ in 0..<count { ledgers.append(try await PostgresLedger(url: url, options: .init(poolSize: 2))) }
        return ledgers
      }
    } catch {
      fatalError("cannot open the \(rawValue) ledger \(name): \(error)")
    }
  }
}

/// One benchmark's ledgers, opened on first use and kept, and a counter for fresh turn ids.
final class StoreFixture: Sendable {
  let store: SharedStore
  let name: String
  let count: Int
  private let state = Mutex<(ledgers: [any DispatchLedger], iteration: Int)>(([], 0))

  init(_ store: SharedStore, _ name: String, count: Int) {
    self.store = store
    self.name = name
    self.count = count
  }

  /// The ledgers and a new iteration number.
  func next() async -> (ledgers: [any DispatchLedger], iteration: Int) {
    if state.withLock({ $0.ledgers.isEmpty }) {
      let opened = await store.open(name, count: count)
      state.withLock { $0.ledgers = opened }
    }
    return state.withLock { state in
      state.iteration += 1
      return (state.ledgers, state.iteration)
    }
  }
}

/// Applies `turn` once per dispatcher, each as a turn of its own, all at once; the actions
/// applied in all.
func dispatchConcurrently(_ turn: FilmTurn, _ dispatchers: [Dispatcher], iteration: Int) async -> Int {
  await withTaskGroup(of: Int.self) { group in
    for (index, one) in dispatchers.enumerated() {
      group.addTask { await dispatchAll(turn, with: one, as: TurnID("w\(index)-i\(iteration)"), counting: .applied) }
    }
    return await group.reduce(0, +)
  }
}

/// Queues `jobs` entries of a new turn `id` through `ledger`.
func queueJobs(_ jobs: Int, turn id: TurnID, in ledger: any DispatchLedger) async {
  let now = SystemWallClock().now()
  do {
    try await ledger.write { tx throws(LedgerError) in
      try tx.insertTurn(TurnRecord(id: id, project: "film", createdAt: now))
      for index in 0..<jobs {
        let readable = "job:\(id.rawValue)-\(index)"
        let action = ActionKey(hex: SHA256.hash(readable.utf8).hex, namespace: "job", readable: readable,
                               canonicalBytes: JSONValue.array([.string(readable)]).canonicalBytes)
        try tx.insertEffect(EffectRecord(key: EffectRecord.key(action: action, kind: "image"), kind: "image", turn: id,
                                         project: "film", action: action, payload: ["n": .number(JSONNumber(index))],
                                         createdAt: now))
      }
    }
  } catch {
    fatalError("cannot queue the jobs: \(error)")
  }
}

/// Each outbox claims one entry at a time and completes it until nothing is claimable;
/// the entries completed in all.
func drainConcurrently(_ outboxes: [Outbox]) async -> Int {
  await withTaskGroup(of: Int.self) { group in
    for outbox in outboxes {
      group.addTask {
        var done = 0
        do {
          while let job = try await outbox.claim(limit: 1).first {
            try await outbox.complete(key: job.key, token: job.fencingToken)
            done += 1
          }
        } catch {
          fatalError("draining failed: \(error)")
        }
        return done
      }
    }
    return await group.reduce(0, +)
  }
}

func workerBenchmarks() {
  let actions = 100
  let jobs = 200
  for store in SharedStore.available {
    for workers in [1, 2, 4] {
      let name = "workers.film-\(actions)-actions.\(store.rawValue).\(workers)-workers"
      let fixture = StoreFixture(store, name, count: workers)
      let turn = { FilmTurn.of(actions: actions) }
      measureAsync(name, pace: .slow, counts: .actions, heap: false,
                   workload: { Workload(bytes: turn().bytes * workers, actions: turn().actions * workers) },
                   prepare: { () async -> ([Dispatcher], Int) in
                     let (ledgers, iteration) = await fixture.next()
                     return (ledgers.map { dispatcher($0) }, iteration)
                   }) { prepared, _ in
        let applied = await dispatchConcurrently(turn(), prepared.0, iteration: prepared.1)
        precondition(applied == turn().actions * workers, "the dispatchers did not apply every action: \(applied)")
        return applied
      }
    }
    for workers in [1, 4] {
      let name = "outbox.\(jobs)-jobs.\(store.rawValue).\(workers)-workers"
      let fixture = StoreFixture(store, name, count: workers)
      measureAsync(name, pace: .slow, counts: .actions, heap: false, workload: { Workload(bytes: 0, actions: jobs) },
                   prepare: { () async -> [Outbox] in
                     let (ledgers, iteration) = await fixture.next()
                     await queueJobs(jobs, turn: TurnID("jobs-i\(iteration)"), in: ledgers[0])
                     return ledgers.enumerated().map { Outbox(ledger: $1, holder: "bench-\($0)") }
                   }) { outboxes, _ in
        let done = await drainConcurrently(outboxes)
        precondition(done == jobs, "the workers did not complete every job: \(done)")
        return done
      }
    }
  }
}
