import Foundation
import SlateDispatch
import SlateFilm
import SlateJSON
import SlateSchema
import SlateStream
import SlateTestSupport
import SlateTurn
import Testing

/// A turn run without keeping its entries (``TurnRunner/keepsEntries`` false: what
/// `slate replay` does) reports what a run that keeps them reports: the same summary bytes
/// (``TurnReport/writeSummaryJSON(chunk:to:)`` against ``TurnReport/summaryJSON``), the
/// same findings and counts, on every Corpus turn and on generated 1,000-action turns, run
/// once, again into the same ledger (every action a duplicate), and dry. What it keeps per
/// key is a ``DispatchTally`` slot: no ``DispatchResult`` entry, no outbox entry.
@Suite struct BoundedReportTests {
  /// Bytes gathered from a writer.
  final class Sink: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes: [UInt8] = []
    private(set) var pieces = 0

    func write(_ more: [UInt8]) {
      lock.lock()
      defer { lock.unlock() }
      bytes += more
      pieces += 1
    }

    var text: String {
      lock.lock()
      defer { lock.unlock() }
      return String(decoding: bytes, as: UTF8.self)
    }
  }

  static func streamed(_ report: TurnReport, chunk: Int = 1 << 16) async throws -> (text: String, pieces: Int) {
    let sink = Sink()
    try await report.writeSummaryJSON(chunk: chunk) { sink.write($0) }
    return (sink.text, sink.pieces)
  }

  static func runner(_ ledger: InMemoryLedger, mode: Dispatcher.Mode, dialect: DialectKind, keepsEntries: Bool,
                     memory: TallyMemory = .default) throws -> TurnRunner
  {
    let dispatcher = Dispatcher(ledger: ledger, handlers: FilmHandler.table(), mode: mode,
                                configuration: .init(project: "film"), clock: ManualWallClock())
    var runner = TurnRunner(pack: try FilmActionsTests.filmPack(), dispatcher: dispatcher,
                            options: ActionStreamOptions(dialect: dialect))
    runner.keepsEntries = keepsEntries
    runner.tallyMemory = memory
    return runner
  }

  /// Runs `input` with and without entries (each into its own ledger), `runs` times, and
  /// compares each pair of reports. `memory`: the tally's (``TurnRunner/tallyMemory``);
  /// `spills`: whether its pages must have gone to the file and been read back (then its
  /// memory is checked to be at most its pages and shapes).
  static func check(_ input: TurnInput, turn: TurnID, dialect: DialectKind = .auto, mode: Dispatcher.Mode = .live,
                    runs: Int = 2, memory: TallyMemory = .default, spills: Bool = false) async throws
  {
    let (fullLedger, boundedLedger) = (InMemoryLedger(), InMemoryLedger())
    for run in 0..<runs {
      let full = try await runner(fullLedger, mode: mode, dialect: dialect, keepsEntries: true).run(input, turn: turn)
      let bounded = try await runner(boundedLedger, mode: mode, dialect: dialect, keepsEntries: false, memory: memory)
        .run(input, turn: turn)
      let expected = full.summaryJSON.text
      let what = "\(turn) run \(run + 1) \(mode)"
      #expect(try await streamed(bounded).text == expected, "\(what): the bounded report's summary")
      #expect(try await streamed(bounded, chunk: 7).text == expected, "\(what): in small pieces")
      #expect(try await streamed(full).text == expected, "\(what): the streamed summary of a full report")
      #expect(bounded.findings == full.findings, "\(what)")
      #expect(bounded.actionCounts == full.actionCounts, "\(what)")
      #expect(bounded.isClean == full.isClean, "\(what)")
      #expect(bounded.outboxCounts == full.outboxCounts, "\(what)")
      // What the bounded run keeps: a slot per key, no entry, no outbox entry.
      let tally = try #require(bounded.tally)
      #expect(bounded.result.entries.isEmpty && bounded.result.actions.isEmpty && bounded.effects.isEmpty, "\(what)")
      #expect(tally.keyCount == full.result.entries.count, "\(what)")
      if spills {
        let spill = tally.spill
        #expect(spill.spilled && spill.writes > 0 && spill.reads > 0, "\(what): \(spill)")
        #expect(tally.residentBytes <= memory.bytes, "\(what): \(tally.residentBytes) bytes in memory")
      }
      // About 110 bytes per key (a slot, its index, its readable key; outcomes as shared
      // shapes), where a full entry takes ~2 KB.
      #expect(tally.storageBytes <= 160 * tally.keyCount + 4096, "\(what): \(tally.storageBytes) bytes")
      // Per pending effect (a dry run's every requested effect): a 36-byte record, its key,
      // its action's head (4 bytes per slot), about 110 bytes; and no finding held: the
      // audit's per-effect findings are made as they are written.
      #expect(tally.pendingStorageBytes <= 160 * tally.pendingCount + 8 * tally.keyCount + 4096,
              "\(what): \(tally.pendingStorageBytes) bytes for \(tally.pendingCount) effects")
      let perEffect = full.findings.filter { $0.code == .auditEffectNotQueued }.count
      #expect(tally.pendingCount == perEffect, "\(what)")
      let perRejection = full.findings.filter { $0.code == .auditRejection }.count
      #expect(bounded.audit.heldCount == full.findings.count - perEffect - perRejection, "\(what)")
      #expect(bounded.audit.count == full.findings.count && Array(bounded.audit) == full.findings, "\(what)")
      if mode == .dryRun { #expect(perEffect > 0 || full.result.effectsRequested.isEmpty, "\(what)") }
      #expect(full.tally == nil && full.figures.keyCount == full.result.entries.count, "\(what)")
      #expect(tally.counts == full.result.counts, "\(what)")
      #expect(tally.queues == full.result.queues, "\(what)")
      for queue in tally.queues {
        #expect(tally.keys(queue: queue) == full.result.keys(queue: queue).map(\.readable), "\(what): \(queue)")
      }
    }
  }

  @Test(arguments: AccountingTests.corpusTurns)
  func everyCorpusTurnReportsTheSameWithoutEntries(_ name: String) async throws {
    try await Self.check(try AccountingTests.corpusTurn(name), turn: TurnID(name))
  }

  @Test(arguments: AccountingTests.corpusTurns)
  func everyCorpusTurnReportsTheSameDry(_ name: String) async throws {
    try await Self.check(try AccountingTests.corpusTurn(name), turn: TurnID(name), mode: .dryRun, runs: 1)
  }

  @Test(arguments: ActionStreamCorpusTests.thousand)
  func aGeneratedThousandActionTurnReportsTheSameWithoutEntries(_ c: GeneratedTurn) async throws {
    let stream = try #require(SyntheticCorpus.generate(dialect: c.dialect, actions: 1000, form: c.form))
    let input = TurnInput(phases: [.init(name: nil, source: stream.path, bytes: stream.bytes)])
    try await Self.check(input, turn: "generated", dialect: c.dialect)
  }

  @Test(arguments: ActionStreamCorpusTests.thousand)
  func aGeneratedThousandActionTurnReportsTheSameDry(_ c: GeneratedTurn) async throws {
    let stream = try #require(SyntheticCorpus.generate(dialect: c.dialect, actions: 1000, form: c.form))
    let input = TurnInput(phases: [.init(name: nil, source: stream.path, bytes: stream.bytes)])
    try await Self.check(input, turn: "generated", dialect: c.dialect, mode: .dryRun, runs: 1)
  }

  /// The compact pending effects (``DispatchTally/isPending(_:)``, ``DispatchTally/pendingCount``,
  /// ``DispatchTally/forEachPendingEffect(_:)``) hold what a dictionary of sets folded the
  /// same way holds: results requesting and queueing effects of actions with and without
  /// entries (an effect requested before its action's key is met), settled in between, with
  /// repeats, and enough removals to rebuild the records.
  @Test func pendingEffectsHoldWhatSetsHold() {
    var keys: [ActionKey] = []
    for i in 0..<40 {
      let hex = i % 7 == 6 ? "short\(i)" : String(repeating: String(i % 10), count: 63) + String(i / 10)
      keys.append(ActionKey(hex: hex, namespace: "scene", readable: "scene:\(i)", canonicalBytes: [UInt8(i)]))
    }
    let kinds = ["render", "notify", "index"]
    var generator = SplitMix64Seed(seed: 11)
    for _ in 0..<40 {
      var tally = DispatchTally()
      var model: [DispatchTally.EffectPair: Set<DispatchResult.EffectRef>] = [:]
      for _ in 0..<(1 + generator.next() % 30) {
        var result = DispatchResult()
        for _ in 0..<(generator.next() % 8) {
          let key = keys[generator.next() % keys.count]
          if generator.next() % 2 == 0 {
            result.record(DispatchResult.Entry(key: key, queue: "scene", type: "create", phase: nil,
                                               ordinal: generator.next() % 50, outcome: Outcome(kind: .planned)),
                          action: DispatchResult.ActionRef(batch: "b", position: generator.next() % 40))
          }
          let kind = kinds[generator.next() % kinds.count]
          let effect = DispatchResult.EffectRef(key: "e\(key.hex.prefix(3))\(kind)\(generator.next() % 2)", kind: kind,
                                                action: key)
          if generator.next() % 3 == 0 { result.effectsQueued.insert(effect) } else { result.effectsRequested.insert(effect) }
        }
        tally.add(result)
        let queued = Set(result.effectsQueued.map { DispatchTally.EffectPair(action: $0.action.hex, kind: $0.kind) })
        for effect in result.effectsRequested {
          let pair = DispatchTally.EffectPair(action: effect.action.hex, kind: effect.kind)
          if !queued.contains(pair) { model[pair, default: []].insert(effect) }
        }
        for pair in queued { model[pair] = nil }
        if generator.next() % 4 == 0 {
          let settled = model.keys.filter { _ in generator.next() % 2 == 0 }
          tally.settle(queued: settled)
          for pair in settled { model[pair] = nil }
        }
        #expect(tally.pendingCount == model.values.reduce(0) { $0 + $1.count })
        for key in keys {
          for kind in kinds {
            let pair = DispatchTally.EffectPair(action: key.hex, kind: kind)
            #expect(tally.isPending(pair) == (model[pair] != nil))
          }
        }
        var held: [String] = []
        tally.forEachPendingEffect { key, kind, hex, readable in held.append("\(key) \(kind) \(hex) \(readable)") }
        let expected = model.values.flatMap { $0 }.map { "\($0.key) \($0.kind) \($0.action.hex) \($0.action.readable)" }
        #expect(held.sorted() == expected.sorted())
      }
    }
  }

  /// Conflicts, rejections and repeated keys: the tie-breaks of the per-key join and the
  /// per-action accounting come out the same.
  @Test func conflictsAndRejectionsReportTheSameWithoutEntries() async throws {
    var lines: [String] = []
    for i in 0..<20 { lines.append(#"{"type":"create_scene","scene_id":"s\#(i % 5)","title":"take \#(i)"}"#) }
    lines.append(#"{"type":"create_scene","title":"no id"}"#)
    lines.append(#"{"type":"nothing_known"}"#)
    for i in 0..<5 { lines.append(#"{"type":"create_scene","scene_id":"s\#(i)","title":"take \#(i)"}"#) }
    let answer = "[" + lines.joined(separator: ",") + "]"
    let input = TurnInput(phases: [.init(name: nil, source: "answer", bytes: Array(answer.utf8))])
    try await Self.check(input, turn: "t", dialect: .text)
  }

  /// A tally folded result by result holds what the tally of their merge holds (the join's
  /// laws make the order irrelevant): the same counts, key lists and conflicts.
  @Test func aFoldedTallyEqualsTheTallyOfTheMerge() async throws {
    var keys: [ActionKey] = []
    for i in 0..<6 {
      let namespace = i % 2 == 0 ? "scene" : "prop"
      let hex = String(repeating: String(i), count: 64)
      keys.append(ActionKey(hex: hex, namespace: namespace, readable: namespace + ":" + String(i), canonicalBytes: [UInt8(i)]))
    }
    var generator = SplitMix64Seed(seed: 7)
    for _ in 0..<200 {
      var results: [DispatchResult] = []
      for _ in 0..<(1 + generator.next() % 5) {
        var result = DispatchResult()
        for _ in 0..<(generator.next() % 6) {
          let key = keys[generator.next() % keys.count]
          let kind = Outcome.Kind.allCases[generator.next() % 6]
          let detail = generator.next() % 7
          let outcome = Outcome(kind: kind, result: detail % 2 == 0 ? nil : .number(JSONNumber(detail % 3)),
                                code: kind == .failed ? "c\(detail % 2)" : nil, retryable: detail % 3 == 0,
                                attempts: detail % 3)
          let entry = DispatchResult.Entry(key: key, queue: key.namespace, type: detail % 2 == 0 ? "create" : "update",
                                           phase: detail % 4 == 0 ? nil : "p\(detail % 2)", ordinal: detail % 5,
                                           outcome: outcome)
          // Batch references as the dispatcher writes them (`<SHA-256 hex>#<sequence>`) and of other text.
          let batch = detail % 2 == 0 ? "b\(detail % 3)" : SHA256.hash(Array("batch \(detail % 3)".utf8)).hex
          result.record(entry, action: DispatchResult.ActionRef(batch: detail % 2 == 0 ? batch : batch + "#\(generator.next() % 3)",
                                                                position: generator.next() % 3))
          result.batches.insert(batch)
          if kind == .conflict {
            result.conflicts.insert(DispatchResult.Conflict(key: key, type: "create", version: "v\(detail % 2)", phase: nil))
          }
        }
        results.append(result)
      }
      var folded = DispatchTally()
      for result in results { folded.add(result) }
      let merged = DispatchResult.merge(results)
      let whole = DispatchTally(merged)
      #expect(folded.counts == merged.counts)
      #expect(folded.actionCounts == merged.actionCounts)
      #expect(folded.batches == merged.batches && whole.batches == merged.batches)
      #expect(folded.queues == merged.queues && whole.queues == merged.queues)
      for queue in merged.queues {
        #expect(folded.keys(queue: queue) == merged.keys(queue: queue).map(\.readable))
      }
      #expect(folded.conflicts == merged.conflicts)
      #expect(IntegrityAudit.run(plan: [], tally: folded) == IntegrityAudit.run(plan: [], result: merged))
    }
  }
}

/// A small seeded generator of indices (SplitMix64).
struct SplitMix64Seed {
  var state: UInt64
  init(seed: UInt64) { state = seed }

  mutating func next() -> Int {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return Int(truncatingIfNeeded: (z ^ (z >> 31)) >> 1)
  }
}
