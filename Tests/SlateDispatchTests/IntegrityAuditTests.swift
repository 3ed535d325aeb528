import SlateFilm
import SlateDispatch
import SlateJSON
import SlateSchema
import Testing

/// The integrity audit: planned against landed, requested against queued, and every
/// outcome that needs a person's eye, in sentences.
@Suite struct IntegrityAuditTests {
  /// The incident: nine phases planned, one landed, video requested and never queued.
  @Test func ninePhasesPlannedOneLanded() async throws {
    let ledger = InMemoryLedger()
    let clock = TestClock()
    // Entities land; the media queues have a handler that forgets the outbox.
    var handlers = FilmHandler.table()
    handlers.byQueue["video"] = ForgetfulHandler()
    let dispatcher = makeDispatcher(ledger: ledger, handlers: handlers, clock: clock)
    let names = ["cast", "design", "scenes", "blocking", "lighting", "sound", "media", "edit", "grade"]
    let plan = try filmAction(#"{"type":"plan","phases":["# + names.map { #"{"name":"\#($0)","actions":["create_scene"]}"# }
      .joined(separator: ",") + "]}")
    let video = try filmAction(#"{"type":"generate_video","scene_id":"s3","prompt":"Slow push-in","duration_seconds":8}"#)
    var result = try await dispatcher.dispatch(ActionBatch(phase: "plan", items: [.action(plan)]), turn: "t1")
    var castAction = try filmAction(#"{"type":"add_character","name":"Mara Voss"}"#)
    castAction.phase = "cast"
    result.merge(try await dispatcher.dispatch(ActionBatch(phase: "cast", items: [.action(castAction)]), turn: "t1"))
    var media = video
    media.phase = "stray"
    result.merge(try await dispatcher.dispatch(ActionBatch(phase: "stray", items: [.action(media)]), turn: "t1"))
    let turn = try await read(ledger) { tx throws(LedgerError) in try tx.turn("t1")! }
    #expect(turn.plan.count == 9)

    let findings = IntegrityAudit.run(plan: turn.plan, result: result, planType: FilmHandler.planType)
    let phases = try #require(findings.first)
    #expect(phases.code == "audit.phases_not_landed" && phases.severity == .error)
    #expect(phases.message == "9 phases planned, 1 landed: cast landed; design, scenes, blocking, lighting, sound, "
      + "media, edit and grade did not.")
    let effect = try #require(findings.first { $0.code == "audit.effect_not_queued" })
    #expect(effect.severity == .error)
    #expect(effect.message == "The video effect was requested but not queued: video:s3 was applied but the effect "
      + "never reached the outbox.")
    #expect(findings.contains { $0.code == "audit.phase_unplanned" && $0.phase == "stray" })
    // Deterministic: the same inputs, in any merge order, give the same findings.
    #expect(IntegrityAudit.run(plan: turn.plan, result: result, planType: FilmHandler.planType) == findings)
    let effects = try await read(ledger) { tx throws(LedgerError) in try tx.effects(turn: "t1") }
    #expect(effects.isEmpty)
  }

  @Test func aShortPhaseAndTheOutboxOfTheLedger() throws {
    let key = ActionKey(hex: "aa", namespace: "scene", readable: "scene:s1", canonicalBytes: [])
    let video = ActionKey(hex: "bb", namespace: "video", readable: "video:s1", canonicalBytes: [])
    var result = DispatchResult()
    result.record(DispatchResult.Entry(key: key, queue: "scene", type: "create_scene", phase: "scenes", ordinal: 0,
                                       outcome: .applied()))
    result.record(DispatchResult.Entry(key: video, queue: "video", type: "generate_video", phase: "media", ordinal: 1,
                                       outcome: .applied()))
    let request = DispatchResult.EffectRef(key: EffectRecord.key(action: video, kind: "video"), kind: "video", action: video)
    result.effectsRequested.insert(request)
    let plan = [PlannedPhase(name: "scenes", expectedCount: 3), PlannedPhase(name: "media")]
    let findings = IntegrityAudit.run(plan: plan, result: result)
    #expect(findings.map(\.code) == ["audit.phases_landed", "audit.phase_short", "audit.effect_not_queued"])
    #expect(findings[1].message == "Phase scenes expected 3 actions; 1 landed.")
    // The ledger's outbox holds the job (queued by an earlier process): nothing missing.
    let queued = EffectRecord(key: request.key, kind: "video", turn: "t", project: "p", action: video, payload: nil,
                              createdAt: Timestamp(milliseconds: 0))
    #expect(!IntegrityAudit.run(plan: plan, result: result, queued: [queued]).contains { $0.code == "audit.effect_not_queued" })
  }

  @Test func failuresAndAmbiguityInSentences() {
    var result = DispatchResult()
    func key(_ name: String) -> ActionKey { ActionKey(hex: name, namespace: "scene", readable: "scene:" + name, canonicalBytes: []) }
    result.record(DispatchResult.Entry(key: key("s1"), queue: "scene", type: "create_scene", phase: "scenes", ordinal: 0,
                                       outcome: .failed(code: "http.400", message: "bad title", retryable: false, attempts: 1)))
    result.record(DispatchResult.Entry(key: key("s2"), queue: "scene", type: "create_scene", phase: "scenes", ordinal: 1,
                                       outcome: .failed(code: "http.503", message: "busy", retryable: true, attempts: 5)))
    result.record(DispatchResult.Entry(key: key("s3"), queue: "scene", type: "create_scene", phase: "scenes", ordinal: 2,
                                       outcome: .ambiguous(code: "http.timeout", message: "no answer", retryable: true,
                                                           attempts: 2)))
    let findings = IntegrityAudit.run(plan: [], result: result)
    #expect(findings.map(\.severity) == [.error, .warning, .warning])
    #expect(findings.map(\.message) == [
      "create_scene for scene:s1 failed (http.400: bad title); it will not be retried.",
      "create_scene for scene:s2 failed (http.503: busy); a later run may retry it.",
      "scene:s3 may or may not have been applied: the call went out and no answer came (http.timeout: no answer); "
        + "a recovery will call again with the same key.",
    ])
    #expect(findings[0].json == ["code": "audit.failed", "severity": "error", "message": .string(findings[0].message),
                                 "key": "scene:s1", "phase": "scenes"])
  }

  /// Duplicates and planned keys: counted, in ordinal order, the first ten named.
  @Test func duplicatesAndPlannedAreCountedAndTheFirstTenNamed() {
    var result = DispatchResult()
    for n in 0..<25 {
      let key = ActionKey(hex: String(n), namespace: "scene", readable: "scene:s\(n)", canonicalBytes: [])
      let outcome = n < 12 ? Outcome.duplicate(of: .applied()) : n < 15 ? .planned : .applied()
      result.record(DispatchResult.Entry(key: key, queue: "scene", type: "create_scene", phase: n < 20 ? "scenes" : nil,
                                         ordinal: 24 - n, outcome: outcome))
    }
    let plan = [PlannedPhase(name: "scenes", actions: ["create_scene"], expectedCount: 30)]
    let findings = IntegrityAudit.run(plan: plan, result: result)
    #expect(findings.map(\.message) == [
      "1 phase planned, 1 landed.",
      "Phase scenes expected 30 actions; 17 landed.",
      "Phase (none) landed actions but was not in the plan.",
      "12 actions were already applied and were not applied again: scene:s11, scene:s10, scene:s9, scene:s8, "
        + "scene:s7, scene:s6, scene:s5, scene:s4, scene:s3, scene:s2 and 2 more.",
      "3 actions were declared and not called: scene:s14, scene:s13 and scene:s12.",
    ])
  }
}

/// Applies entities but never queues the effect it should.
struct ForgetfulHandler: ActionHandler {
  var idempotentByKey: Bool { true }

  func handle(_ call: HandlerCall) async throws -> HandlerResult {
    var result = try await FilmHandler().handle(call)
    result.effects = []
    return result
  }
}
