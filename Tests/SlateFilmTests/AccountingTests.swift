import Foundation
import SlateDispatch
import SlateFilm
import SlateJSON
import SlateSchema
import SlateStream
import SlateTestSupport
import SlateTurn
import Testing

/// The accounting identity, on every Corpus turn and on generated 1,000-action turns:
/// every action that reached the dispatcher (each validated action of every phase, each
/// rejection, the plan) is counted exactly once, as applied, duplicate, conflict,
/// rejected, failed, ambiguous or planned; a second run of the same turn applies nothing
/// and counts every action as a duplicate, a conflict or a rejection.
@Suite struct AccountingTests {
  static func corpusTurn(_ name: String) throws -> TurnInput {
    let directory = SharedFixtures.projectRoot.appendingPathComponent("Corpus/turns/\(name)")
    let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    let plan = try files.contains("plan.json")
      ? SimdjsonParser().parse(Array(Data(contentsOf: directory.appendingPathComponent("plan.json")))) : nil
    let phases = try files.filter { $0.hasSuffix(".sse") }.map { file in
      let base = String(file.dropLast(4))
      let name = base.split(separator: "-", maxSplits: 1).last.map { String($0) } ?? base
      return TurnInput.Phase(name: name, source: file,
                             bytes: Array(try Data(contentsOf: directory.appendingPathComponent(file))))
    }
    return TurnInput(plan: plan, phases: phases)
  }

  static let corpusTurns: [String] = {
    let root = SharedFixtures.projectRoot.appendingPathComponent("Corpus/turns").path
    return ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).sorted()
  }()

  /// Runs `input` twice as turn `turn` and checks the identity both times.
  static func checkTwice(_ input: TurnInput, turn: TurnID, dialect: DialectKind = .auto) async throws {
    let pack = try FilmActionsTests.filmPack()
    let dispatcher = Dispatcher(ledger: InMemoryLedger(), handlers: FilmHandler.table(),
                                configuration: .init(project: "film"), clock: ManualWallClock())
    let runner = TurnRunner(pack: pack, dispatcher: dispatcher, options: ActionStreamOptions(dialect: dialect))
    let first = try await runner.run(input, turn: turn)
    let reached = first.phases.reduce(0) { $0 + $1.summary.actions + $1.summary.rejected } + (input.plan == nil ? 0 : 1)
    let counts = first.actionCounts
    #expect(reached > 0)
    #expect(counts.actions == reached, "\(turn): \(counts.sentence), \(reached) reached the dispatcher")
    #expect(counts.applied == first.result.counts[.applied] ?? 0, "each applied key was applied by one action")

    let second = try await runner.run(input, turn: turn)
    let again = second.actionCounts
    #expect(again.actions == reached, "\(turn) again: \(again.sentence)")
    #expect(again.applied == 0 && again.duplicates + again.conflicts + again.rejected == reached,
            "\(turn) again: every action is a duplicate, a conflict or a rejection: \(again.sentence)")
  }

  @Test(arguments: AccountingTests.corpusTurns)
  func everyCorpusTurnCountsEachActionOnce(_ name: String) async throws {
    try await Self.checkTwice(try Self.corpusTurn(name), turn: TurnID(name))
  }

  @Test(arguments: ActionStreamCorpusTests.thousand)
  func aGeneratedThousandActionTurnCountsEachActionOnce(_ c: GeneratedTurn) async throws {
    let stream = try #require(SyntheticCorpus.generate(dialect: c.dialect, actions: 1000, form: c.form))
    let input = TurnInput(phases: [.init(name: nil, source: stream.path, bytes: stream.bytes)])
    try await Self.checkTwice(input, turn: "generated", dialect: c.dialect)
  }

  /// Actions that repeat a key with another payload: each is one conflict, none vanishes
  /// in the per-key merge, and the audit has one conflict line per key with a count.
  @Test func repeatedKeysWithOtherPayloadsAreCountedPerAction() async throws {
    let pack = try FilmActionsTests.filmPack()
    var lines: [String] = []
    for i in 0..<20 { lines.append(#"{"type":"create_scene","scene_id":"s\#(i % 5)","title":"take \#(i)"}"#) }
    let answer = "[" + lines.joined(separator: ",") + "]"
    let input = TurnInput(phases: [.init(name: nil, source: "answer", bytes: Array(answer.utf8))])
    let dispatcher = Dispatcher(ledger: InMemoryLedger(), handlers: FilmHandler.table(),
                                configuration: .init(project: "film"), clock: ManualWallClock())
    let runner = TurnRunner(pack: pack, dispatcher: dispatcher, options: ActionStreamOptions(dialect: .text))
    let report = try await runner.run(input, turn: "t")
    #expect(report.actionCounts == ActionCounts(applied: 5, conflicts: 15), "\(report.actionCounts.sentence)")
    #expect(report.result.counts == [.applied: 5])
    let conflicts = report.findings.filter { $0.code == "audit.conflict" }
    #expect(conflicts.count == 5, "one finding per key")
    #expect(conflicts.allSatisfy { $0.message.hasPrefix("3 actions (create_scene) for scene:s") }, "\(conflicts.map(\.message))")
  }
}
