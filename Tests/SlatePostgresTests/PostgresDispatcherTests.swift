import Foundation
import SlateDispatch
import SlateFilm
import SlateSchema
import SlateTestSupport
import Testing
@testable import SlatePostgres

/// Several dispatchers in one process on one PostgreSQL store, each over a ledger of its
/// own (as several worker processes would be), each applying a film turn of its own at the
/// same time: the shape of the worker benchmark, whose four-dispatcher row crashed. Every
/// action is applied, whatever the conflicts between the writers, and no dispatch throws.
/// (Before writes ran serialized under contention, every event append racing every other,
/// a write here ran out of its 40 attempts within seconds: `PG_40001`.)
@Suite(.enabled(if: TestServer.available, TestServer.skipReason))
struct PostgresDispatcherTests {
  static let pack: CompiledPack = {
    let path = SharedFixtures.projectRoot.appendingPathComponent("Corpus/schemas/film.json")
    return try! CompiledPack(bytes: [UInt8](try! Data(contentsOf: path)))
  }()

  /// The batches of a generated film turn of `count` actions, as the turn pipeline makes them.
  static func filmBatches(_ count: Int) -> [ActionBatch] {
    var batcher = Batcher()
    var batches: [ActionBatch] = []
    for value in FilmActions.make(count: count) { batches += batcher.add(pack.classify(value)) }
    return batches + batcher.finish()
  }

  @Test(arguments: [4])
  func dispatchersOnOneStoreApplyEveryAction(workers: Int) async throws {
    let batches = Self.filmBatches(100)
    let actions = batches.reduce(0) { $0 + $1.actions.count }
    try await TestServer.withFreshSchema { url in
      var ledgers: [PostgresLedger] = []
      for _ in 0..<workers { ledgers.append(try await PostgresLedger(url: url, options: .init(poolSize: 2))) }
      for round in 0..<3 {
        let applied = try await withThrowingTaskGroup(of: Int.self) { group in
          for (index, ledger) in ledgers.enumerated() {
            group.addTask {
              let dispatcher = Dispatcher(ledger: ledger, handlers: FilmHandler.table(),
                                          configuration: .init(project: "film"))
              var result = DispatchResult()
              for batch in batches {
                result.merge(try await dispatcher.dispatch(batch, turn: TurnID("w\(index)-r\(round)")))
              }
              return result.entries.values.count { $0.outcome.kind == .applied }
            }
          }
          return try await group.reduce(0, +)
        }
        #expect(applied == actions * workers, "round \(round): \(applied) of \(actions * workers) applied")
      }
      for ledger in ledgers { await ledger.close() }
    }
  }
}
