@testable import SlateDispatch
import SlateFilm
import SlateJSON
import SlateSchema
import SlateStream
import SlateTestSupport
import SlateTurn
import Testing

/// A tally whose per-key state does not fit its memory (``TallyMemory``: here pages of 128
/// bytes, two of them in memory, so that nearly every slot, index entry and readable key
/// lives in the temporary file and is read back with `pread`) reports what a run that keeps
/// every entry reports: the same summary bytes, findings, counts and key lists
/// (``BoundedReportTests/check(_:turn:dialect:mode:runs:memory:spills:)``), and its pages in
/// memory stay within the limit. A page lost or read back wrong changes a key, an outcome or
/// an order, and the reports differ.
@Suite struct TallySpillTests {
  static let tiny = TallyMemory(pageSize: 128, pages: 2)

  @Test(arguments: AccountingTests.corpusTurns)
  func everyCorpusTurnReportsTheSameSpilled(_ name: String) async throws {
    try await BoundedReportTests.check(try AccountingTests.corpusTurn(name), turn: TurnID(name), memory: Self.tiny,
                                       spills: true)
  }

  @Test(arguments: AccountingTests.corpusTurns)
  func everyCorpusTurnReportsTheSameSpilledDry(_ name: String) async throws {
    try await BoundedReportTests.check(try AccountingTests.corpusTurn(name), turn: TurnID(name), mode: .dryRun, runs: 1,
                                       memory: Self.tiny, spills: true)
  }

  /// 1,000 actions (conflicts and rejections among them) through 2 pages of 128 bytes, and
  /// through 4 pages of 4 KiB (most slots on pages read back whole).
  @Test(arguments: [TallyMemory(pageSize: 128, pages: 2), TallyMemory(pageSize: 4096, pages: 4)])
  func aGeneratedThousandActionTurnReportsTheSameSpilled(_ memory: TallyMemory) async throws {
    let stream = try #require(SyntheticCorpus.generate(dialect: .openaiChat, actions: 1000, form: .answer(.array)))
    let input = TurnInput(phases: [.init(name: nil, source: stream.path, bytes: stream.bytes)])
    try await BoundedReportTests.check(input, turn: "generated", dialect: .openaiChat, memory: memory, spills: true)
  }

  @Test func conflictsAndRejectionsReportTheSameSpilled() async throws {
    var lines: [String] = []
    for i in 0..<40 { lines.append(#"{"type":"create_scene","scene_id":"s\#(i % 7)","title":"take \#(i)"}"#) }
    lines.append(#"{"type":"create_scene","title":"no id"}"#)
    lines.append(#"{"type":"nothing_known"}"#)
    for i in 0..<9 { lines.append(#"{"type":"create_scene","scene_id":"s\#(i)","title":"take \#(i)"}"#) }
    let answer = "[" + lines.joined(separator: ",") + "]"
    let input = TurnInput(phases: [.init(name: nil, source: "answer", bytes: Array(answer.utf8))])
    try await BoundedReportTests.check(input, turn: "t", dialect: .text, memory: Self.tiny, spills: true)
  }

  /// Folded result by result through a tiny memory, a tally holds what one in memory holds:
  /// keys given as digests and as other text, outcomes longer than a page (on pages of
  /// their own), many ordinals tied (the order's key tie-break), and copies of a tally
  /// changed apart (a shared store copied before a change).
  @Test func aSpilledTallyEqualsOneInMemory() {
    var keys: [ActionKey] = []
    for i in 0..<300 {
      let namespace = ["scene", "prop", "set"][i % 3]
      let hex = i % 5 == 0 ? "text-key-\(i)" : String(repeating: String(i % 10), count: 60) + String(1000 + i)
      keys.append(ActionKey(hex: hex, namespace: namespace, readable: namespace + ":" + String(i),
                            canonicalBytes: [UInt8(i % 256)]))
    }
    var generator = SplitMix64Seed(seed: 11)
    var spilled = DispatchTally(memory: Self.tiny)
    var inMemory = DispatchTally()
    var snapshot: DispatchTally?
    var snapshotReference: DispatchTally?
    for round in 0..<40 {
      var result = DispatchResult()
      for _ in 0..<(5 + generator.next() % 20) {
        let key = keys[generator.next() % keys.count]
        let kind = Outcome.Kind.allCases[generator.next() % 6]
        let detail = generator.next() % 7
        let long = String(repeating: "long answer ", count: detail == 3 ? 40 : 0)
        let outcome = Outcome(kind: kind, result: detail % 2 == 0 ? .string(long + key.readable) : .number(JSONNumber(detail)),
                              code: kind == .failed ? "c\(detail % 2)" : nil, retryable: detail % 3 == 0,
                              attempts: detail % 3)
        let entry = DispatchResult.Entry(key: key, queue: key.namespace, type: detail % 2 == 0 ? "create" : "update",
                                         phase: detail % 4 == 0 ? nil : "p\(detail % 2)",
                                         ordinal: generator.next() % 50, outcome: outcome)
        result.record(entry, action: DispatchResult.ActionRef(batch: "b\(round)", position: generator.next() % 30))
      }
      spilled.add(result)
      inMemory.add(result)
      if round == 20 {
        snapshot = spilled
        snapshotReference = inMemory
      }
    }
    #expect(spilled.spill.spilled && spilled.spill.reads > 0, "\(spilled.spill)")
    #expect(spilled.residentBytes <= Self.tiny.bytes)
    for (a, b) in [(spilled, inMemory), (snapshot!, snapshotReference!)] {
      #expect(a.keyCount == b.keyCount)
      #expect(a.counts == b.counts)
      #expect(a.actionCounts == b.actionCounts)
      #expect(a.queues == b.queues)
      for queue in b.queues { #expect(a.keys(queue: queue) == b.keys(queue: queue), "\(queue)") }
      #expect(IntegrityAudit.run(plan: [], tally: a) == IntegrityAudit.run(plan: [], tally: b))
    }
    #expect(snapshot!.keyCount < spilled.keyCount || snapshot!.counts != spilled.counts)
  }

  /// Rejections folded through a tiny memory (their records in pages, most in the file): the
  /// same set, count and audit findings as the rejections themselves, in
  /// ``DispatchResult/RejectionRef``'s order (index, none last; then digest; ties of index
  /// and digest in the order they came), over SHA-256 and text digests, indices tied and
  /// missing, and rejections given again (kept once).
  @Test func rejectionsSpillAndKeepTheirOrder() {
    var generator = SplitMix64Seed(seed: 5)
    var tally = DispatchTally(memory: Self.tiny)
    var expected: [DispatchResult.RejectionRef] = []
    var seen = Set<DispatchResult.RejectionRef>()
    for round in 0..<60 {
      var result = DispatchResult()
      for _ in 0..<(generator.next() % 90) {
        let i = generator.next() % 2_500
        let digest = i % 5 == 0 ? "text-\(i % 400)" : SHA256.hash(Array("v\(i % 1_200)".utf8)).hex
        let ref = DispatchResult.RejectionRef(
          type: i % 7 == 0 ? nil : ["create_scene", "add_prop"][i % 2], phase: i % 3 == 0 ? nil : "p\(i % 4)",
          index: i % 11 == 0 ? nil : i % 700, codes: i % 2 == 0 ? ["schema.type"] : ["schema.required", "key.missing"],
          digest: digest)
        result.rejections.insert(ref)
        if seen.insert(ref).inserted { expected.append(ref) }
      }
      // Results given again from time to time (a replayed batch): kept once.
      tally.add(result)
      if round % 9 == 0 { tally.add(result) }
    }
    #expect(tally.spill.spilled && tally.spill.reads > 0, "\(tally.spill)")
    #expect(tally.residentBytes <= Self.tiny.bytes)
    #expect(tally.rejectionCount == seen.count)
    #expect(tally.actionCounts.rejected == seen.count)
    #expect(tally.rejections.symmetricDifference(seen).isEmpty)
    let order = expected.enumerated().sorted { a, b in
      let (x, y) = (a.element.index ?? .max, b.element.index ?? .max)
      if x != y { return x < y }
      if a.element.digest != b.element.digest { return a.element.digest < b.element.digest }
      return a.offset < b.offset
    }.map(\.element)
    let findings = IntegrityAudit.run(plan: [], tally: tally).filter { $0.code == .auditRejection }
    #expect(findings.count == order.count)
    for (finding, ref) in zip(findings, order) {
      var where_: [String] = []
      if let index = ref.index { where_.append("value \(index)") }
      if let phase = ref.phase { where_.append("phase \(phase)") }
      let message = "A \(ref.type ?? "value of unknown type") was rejected (\(ref.codes.joined(separator: ", ")))"
        + (where_.isEmpty ? "." : " at " + where_.joined(separator: ", ") + ".")
      #expect(finding.message == message)
      #expect(finding.phase == ref.phase)
    }
  }

  /// Pending effects folded through a tiny memory (records, heads and keys in pages, most
  /// in the file): the audit's "requested but not queued" findings come by their action's
  /// ordinal (none last), then effect key, with several effects per action, actions with
  /// no entry, and effects seen queued by later results (removed, the records rebuilt).
  @Test func pendingEffectsSpillAndKeepTheirOrder() {
    var generator = SplitMix64Seed(seed: 9)
    var tally = DispatchTally(memory: Self.tiny)
    let kinds = ["render", "notify", "index", "archive"]
    struct Expected { var ordinal: Int; var key: String; var kind: String; var readable: String; var n: Int }
    var pending: [String: Expected] = [:]  // by kind + key + hex
    var n = 0
    var actions: [ActionKey] = []
    for i in 0..<300 {
      actions.append(ActionKey(hex: SHA256.hash(Array("action \(i)".utf8)).hex, namespace: "scene", readable: "scene:\(i)",
                               canonicalBytes: []))
    }
    var ordinals: [String: Int] = [:]
    var serial = 0  // every effect key different: no two effects tie on ordinal and key
    for round in 0..<30 {
      var result = DispatchResult()
      for _ in 0..<(generator.next() % 40) {
        let action = actions[generator.next() % actions.count]
        if generator.next() % 5 != 0 {
          let ordinal = generator.next() % 60
          let entry = DispatchResult.Entry(key: action, queue: "scene", type: "create_scene", phase: nil, ordinal: ordinal,
                                           outcome: Outcome(kind: .planned, attempts: 0))
          result.record(entry, action: DispatchResult.ActionRef(batch: "b\(round)", position: generator.next() % 30))
          ordinals[action.hex] = min(ordinals[action.hex] ?? .max, ordinal)
        }
        for _ in 0..<(1 + generator.next() % 3) {
          let kind = kinds[generator.next() % kinds.count]
          serial += 1
          let key = "effect-\(serial)"
          result.effectsRequested.insert(DispatchResult.EffectRef(key: key, kind: kind, action: action))
        }
      }
      // Later results see some earlier effects queued.
      if round % 4 == 3 {
        for (_, effect) in pending where generator.next() % 3 == 0 {
          result.effectsQueued.insert(DispatchResult.EffectRef(key: effect.key, kind: effect.kind,
                                                               action: actions.first { $0.readable == effect.readable }!))
        }
      }
      let queued = Set(result.effectsQueued.map { "\($0.kind) \($0.action.hex)" })
      for effect in result.effectsRequested.sorted(by: { ($0.key, $0.kind, $0.action.hex) < ($1.key, $1.kind, $1.action.hex) })
      where !queued.contains("\(effect.kind) \(effect.action.hex)") {
        let id = effect.kind + " " + effect.key + " " + effect.action.hex
        if pending[id] == nil {
          pending[id] = Expected(ordinal: 0, key: effect.key, kind: effect.kind, readable: effect.action.readable, n: n)
          n += 1
        }
      }
      for pair in queued { for (id, _) in pending where id.hasPrefix(pair.split(separator: " ")[0] + " ") && id.hasSuffix(" " + pair.split(separator: " ")[1]) { pending[id] = nil } }
      tally.add(result)
    }
    #expect(tally.spill.spilled, "\(tally.spill)")
    #expect(tally.pendingCount == pending.count)
    let hexOf = Dictionary(uniqueKeysWithValues: actions.map { ($0.readable, $0.hex) })
    let expected = pending.values.map { effect -> Expected in
      var effect = effect
      effect.ordinal = ordinals[hexOf[effect.readable]!] ?? .max
      return effect
    }.sorted { a, b in
      if a.ordinal != b.ordinal { return a.ordinal < b.ordinal }
      return a.key != b.key ? a.key < b.key : a.n < b.n
    }
    let findings = IntegrityAudit.run(plan: [], tally: tally).filter { $0.code == .auditEffectNotQueued }
    #expect(findings.count == expected.count)
    for (finding, effect) in zip(findings, expected) {
      #expect(finding.message.hasPrefix("The \(effect.kind) effect") && finding.key == effect.readable,
              "\(finding.message) against \(effect.kind) \(effect.readable) \(effect.key)")
    }
  }

  /// Settling a tally whose pages a copy shares changes the tally only; settling with no
  /// pending pair leaves the pages shared (nothing to copy).
  @Test func settlingACopiedTallyLeavesTheCopyAsItWas() {
    var tally = DispatchTally(memory: Self.tiny)
    var result = DispatchResult()
    for i in 0..<50 {
      let action = ActionKey(hex: SHA256.hash(Array("a\(i)".utf8)).hex, namespace: "scene", readable: "scene:\(i)",
                             canonicalBytes: [])
      result.effectsRequested.insert(DispatchResult.EffectRef(key: "e\(i)", kind: "render", action: action))
    }
    tally.add(result)
    let copy = tally
    let pair = DispatchTally.EffectPair(action: SHA256.hash(Array("a7".utf8)).hex, kind: "render")
    tally.settle(queued: [DispatchTally.EffectPair(action: "not pending", kind: "render")])
    #expect(tally.keys === copy.keys, "nothing pending settled: the pages stay shared")
    tally.settle(queued: [pair])
    #expect(!tally.isPending(pair) && tally.pendingCount == 49)
    #expect(copy.isPending(pair) && copy.pendingCount == 50)
  }
}
