import SlateFilm
import SlateDispatch
import SlateJSON
import SlateSchema
import Testing

/// The dispatcher over the film pack's sample turn and hand-made turns.
@Suite struct DispatcherTests {
  @Test func theSampleTurnLandsOnceWithEveryEntityAndEffect() async throws {
    let ledger = InMemoryLedger()
    let clock = TestClock()
    let dispatcher = makeDispatcher(ledger: ledger, clock: clock)
    let batches = try sampleBatches()
    #expect(batches.map(\.phase) == ["plan", "cast", "design", "scenes", "media"])
    let result = try await dispatchAll(dispatcher, batches, turn: "t1")

    // 20 actions, 19 keys (create_scene s2 and update_scene s2 share scene:s2): all applied.
    #expect(result.entries.count == 19)
    #expect(result.counts == [.applied: 19])
    #expect(result.keys(queue: "scene").map(\.readable) == ["scene:s1", "scene:s2", "scene:s3"])
    #expect(result.keys(queue: "character").map(\.readable) == ["character:mara voss", "character:élodie brun",
                                                                 "character:the curator"])
    #expect(result.keys(queue: "set").map(\.readable) == ["set:vault level b", "set:harbour road"])
    #expect(result.keys(queue: "prop").map(\.readable) == ["prop:diamond drill", "prop:getaway van"])
    #expect(result.keys(queue: "poster").map(\.readable) == ["poster:p1"])
    #expect(result.effectsRequested.count == 8)
    #expect(result.effectsQueued == result.effectsRequested)

    let (scenes, all, effects, turn) = try await read(ledger) { tx throws(LedgerError) in
      (try tx.entities(project: "film", table: "scene"), try tx.entities(project: "film", table: nil),
       try tx.effects(turn: "t1"), try tx.turn("t1")!)
    }
    #expect(scenes.map(\.readable) == ["scene:s1", "scene:s2", "scene:s3"])
    // The update is an upsert: one row, revision 1, the created fields with the updated ones.
    #expect(scenes[1].revision == 1)
    #expect(scenes[1].value["duration_seconds"] == 260 && scenes[1].value["mood"] == "tense")
    #expect(scenes[1].value["title"] == "Into the vault" && scenes[1].value["order"] == 2)
    #expect(all.count == 11)  // 3 scenes, 3 characters, 2 sets, 2 props, 1 poster
    #expect(effects.map(\.kind).sorted() == ["frame", "frame", "image", "image", "poster", "reference", "reference", "video"])
    #expect(turn.plan.map(\.name) == ["cast", "design", "scenes", "media"])
    #expect(turn.plan[0].expectedCount == 3)

    let findings = IntegrityAudit.run(plan: turn.plan, result: result, planType: FilmHandler.planType)
    #expect(findings.map(\.code) == ["audit.phases_landed"])
    #expect(findings.first?.message == "4 phases planned, 4 landed.")

    let finished = try await dispatcher.finalize(turn: "t1")
    #expect(finished.status == .completed && finished.recoverability == Recoverability.none)
  }

  @Test func replayingTheSameTurnAppliesNothingAndReportsDuplicates() async throws {
    let ledger = InMemoryLedger()
    let clock = TestClock()
    let counter = CountingHandler()
    let dispatcher = makeDispatcher(ledger: ledger, handlers: .film(counter), clock: clock)
    let batches = try sampleBatches()
    let first = try await dispatchAll(dispatcher, batches, turn: "t1")
    let calls = counter.total
    #expect(calls == 19)  // 20 actions minus the plan, which the dispatcher applies itself
    let before = try await read(ledger) { tx throws(LedgerError) in
      (try tx.entities(project: "film", table: nil), try tx.effects(turn: "t1"), try tx.actions(turn: "t1"))
    }

    // A second dispatcher (another process) replays the same turn.
    let again = makeDispatcher(ledger: ledger, handlers: .film(counter), clock: clock,
                               configuration: .init(project: "film", holder: "second"))
    let second = try await dispatchAll(again, batches, turn: "t1")
    #expect(counter.total == calls, "the replay called no handler")
    #expect(second.entries.count == 19)
    #expect(second.counts == [.duplicate: 19])
    // The duplicates return the recorded outcomes and the queued effects.
    for entry in second.orderedEntries {
      #expect(entry.outcome.result == first.entries[entry.key.hex]?.outcome.result, "\(entry.key)")
    }
    #expect(second.effectsQueued == first.effectsQueued)
    let after = try await read(ledger) { tx throws(LedgerError) in
      (try tx.entities(project: "film", table: nil), try tx.effects(turn: "t1"), try tx.actions(turn: "t1"))
    }
    #expect(after.0 == before.0 && after.1 == before.1 && after.2 == before.2)
    // Merged, the applied outcomes win over the replay's duplicates.
    #expect(first.merging(second).counts == [.applied: 19])
    let findings = IntegrityAudit.run(plan: [], result: second)
    #expect(findings.map(\.code) == ["audit.duplicates"])
    #expect(findings[0].message.hasPrefix("19 actions were already applied and were not applied again: plan, "))
  }

  @Test func anotherPayloadForAKeyIsAConflictUnlessTheTypeIsAnUpsert() async throws {
    let ledger = InMemoryLedger()
    let clock = TestClock()
    let dispatcher = makeDispatcher(ledger: ledger, clock: clock)
    let create = try filmAction(#"{"type":"create_scene","scene_id":"s1","title":"The pitch"}"#)
    let other = try filmAction(#"{"type":"create_scene","scene_id":"S1","title":"Another pitch"}"#)
    let update = try filmAction(#"{"type":"update_scene","scene_id":"s1","title":"The pitch, again"}"#)
    let first = try await dispatcher.dispatch(ActionBatch(phase: "scenes", items: [.action(create), .action(other)]),
                                              turn: "t1")
    #expect(first.outcome(for: ActionKey(create.key))?.kind == .applied)
    #expect(first.conflicts.map(\.type) == ["create_scene"])
    let row = try await read(ledger) { tx throws(LedgerError) in try tx.entity(project: "film", table: "scene", key: ActionKey(create.key).scoped(.turn("t1")).hex)! }
    #expect(row.value["title"] == "The pitch" && row.revision == 0, "the conflicting payload was not applied")
    let conflict = IntegrityAudit.run(plan: [], result: first).filter { $0.code == "audit.conflict" }
    #expect(conflict.count == 1 && conflict[0].severity == .error)
    #expect(conflict[0].message == "create_scene for scene:s1 carried another payload than the one recorded and was "
      + "not applied (create_scene is not an upsert).")

    let second = try await dispatcher.dispatch(ActionBatch(phase: "scenes", items: [.action(update)]), turn: "t1")
    #expect(second.outcome(for: ActionKey(update.key))?.kind == .applied)
    let updated = try await read(ledger) { tx throws(LedgerError) in
      (try tx.entity(project: "film", table: "scene", key: ActionKey(create.key).scoped(.turn("t1")).hex)!, try tx.action(scope: .turn("t1"), key: create.key.hex)!)
    }
    #expect(updated.0.value["title"] == "The pitch, again" && updated.0.revision == 1)
    #expect(updated.1.versions.count == 2 && updated.1.payloadRevision == 1 && updated.1.type == "update_scene")
    // Replaying the create after the update is a duplicate (an older version), not a conflict.
    let replay = try await dispatcher.dispatch(ActionBatch(phase: "scenes", items: [.action(create)]), turn: "t1")
    #expect(replay.outcome(for: ActionKey(create.key))?.kind == .duplicate)
    #expect(replay.outcome(for: ActionKey(create.key))?.code == "dispatch.superseded")
    #expect(replay.conflicts.isEmpty)
  }

  @Test func theKeyScopeIsTheTurnByDefaultOrTheProject() async throws {
    let clock = TestClock()
    let batches = try sampleBatches()
    // Turn scope: a second turn applies the same keys again and queues its own effects.
    let ledger = InMemoryLedger()
    let dispatcher = makeDispatcher(ledger: ledger, clock: clock)
    _ = try await dispatchAll(dispatcher, batches, turn: "t1")
    let second = try await dispatchAll(dispatcher, batches, turn: "t2")
    #expect(second.counts == [.applied: 19])
    let effects = try await read(ledger) { tx throws(LedgerError) in (try tx.effects(turn: "t1").count, try tx.effects(turn: "t2").count) }
    #expect(effects == (8, 8), "effect keys derive from scoped keys: each turn queues its own jobs")

    // Project scope: the second turn's actions are duplicates of the first's.
    let shared = InMemoryLedger()
    let projectScoped = makeDispatcher(ledger: shared, clock: clock,
                                       configuration: .init(project: "film", scope: .project))
    _ = try await dispatchAll(projectScoped, batches, turn: "t1")
    let replay = try await dispatchAll(projectScoped, batches, turn: "t2")
    #expect(replay.counts == [.duplicate: 19])
    let t2 = try await read(shared) { tx throws(LedgerError) in try tx.actions(turn: "t2").count }
    #expect(t2 == 0, "the keys belong to the turn that declared them")
  }

  @Test func aDryRunDeclaresAndCallsNothingThenRecoveryApplies() async throws {
    let ledger = InMemoryLedger()
    let clock = TestClock()
    let counter = CountingHandler()
    let dry = makeDispatcher(ledger: ledger, handlers: .film(counter), clock: clock, mode: .dryRun)
    let result = try await dispatchAll(dry, try sampleBatches(), turn: "t1")
    #expect(counter.total == 0)
    #expect(result.counts == [.planned: 19])
    #expect(result.effectsRequested.count == 8 && result.effectsQueued.isEmpty)
    let declared = try await read(ledger) { tx throws(LedgerError) in
      (try tx.actions(turn: "t1").map(\.status), try tx.entities(project: "film", table: nil).count, try tx.turn("t1")!)
    }
    #expect(declared.0.count == 19 && declared.0.allSatisfy { $0 == .declared })
    #expect(declared.1 == 0)
    #expect(declared.2.plan.count == 4, "the plan is declared too")
    let findings = IntegrityAudit.run(plan: declared.2.plan, result: result, planType: FilmHandler.planType)
    #expect(findings.allSatisfy { $0.severity == .info })
    #expect(findings.contains { $0.message == "The video effect was requested but not queued for video:s3 (dry run)." })

    // Recovery from the ledger alone applies what was declared: every key, each at its
    // first version (an upsert's later version is declared when it is dispatched) …
    let live = makeDispatcher(ledger: ledger, handlers: .film(counter), clock: clock, mode: .recover)
    let recovered = try await live.recover(turn: "t1")
    #expect(counter.total == 18)
    #expect(recovered.counts == [.applied: 19])
    #expect(recovered.effectsQueued.count == 8)
    // … and replaying the batches in recover mode adds the update, nothing else.
    let replayed = try await dispatchAll(live, try sampleBatches(), turn: "t1")
    #expect(counter.total == 19)
    #expect(replayed.counts == [.duplicate: 18, .applied: 1])
    #expect(replayed.entries.values.first { $0.outcome.kind == .applied }?.type == "update_scene")
  }

  @Test func aCompletedTurnAcceptsOnlyDuplicates() async throws {
    let ledger = InMemoryLedger()
    let clock = TestClock()
    let dispatcher = makeDispatcher(ledger: ledger, clock: clock)
    let batches = try sampleBatches()
    _ = try await dispatchAll(dispatcher, batches, turn: "t1")
    #expect(try await dispatcher.finalize(turn: "t1").status == .completed)
    let replay = try await dispatchAll(dispatcher, batches, turn: "t1")
    #expect(replay.counts == [.duplicate: 19])
    let extra = try filmAction(#"{"type":"create_scene","scene_id":"s9","title":"Late"}"#)
    let late = try await dispatcher.dispatch(ActionBatch(phase: "scenes", items: [.action(extra)]), turn: "t1")
    #expect(late.outcome(for: ActionKey(extra.key))?.code == "dispatch.turn_not_running")
    #expect(late.outcome(for: ActionKey(extra.key))?.retryable == false)
    let (row, declared) = try await read(ledger) { tx throws(LedgerError) in
      (try tx.entity(project: "film", table: "scene", key: ActionKey(extra.key).scoped(.turn("t1")).hex), try tx.actions(turn: "t1").count)
    }
    #expect(row == nil && declared == 19)
  }

  @Test func rejectionsTravelToTheResultAndTheAudit() async throws {
    let clock = TestClock()
    let dispatcher = makeDispatcher(ledger: InMemoryLedger(), clock: clock)
    let bad = filmPack.classify(try json(#"{"type":"generate_video","scene_id":"s3","prompt":"x"}"#),
                                metadata: ActionMetadata(index: 7))
    guard case .failure(let rejection) = bad else {
      Issue.record("expected a rejection")
      return
    }
    let result = try await dispatcher.dispatch(ActionBatch(phase: "media", items: [.rejection(rejection)]), turn: "t1")
    #expect(result.rejections.count == 1 && result.entries.isEmpty)
    let finding = try #require(IntegrityAudit.run(plan: [], result: result).first)
    #expect(finding.code == "audit.rejection" && finding.severity == .warning)
    #expect(finding.message.hasPrefix("A generate_video was rejected (") && finding.message.hasSuffix(") at value 7, phase media."))
  }
}

/// Rejections reach the ledger: one `action.rejected` event each, with bytes, offset and
/// errors; a replayed batch records none again.
@Suite struct RejectionLedgerTests {
  @Test func rejectionsAreRecordedOnceWithTheirBytesOffsetsAndErrors() async throws {
    let ledger = InMemoryLedger()
    let dispatcher = makeDispatcher(ledger: ledger, clock: TestClock())
    let bad = #"{"type":"create_scene","title":"no id"}"#
    guard case .failure(let rejection) = filmPack.classify(try json(bad), metadata: ActionMetadata(
      index: 1, rawOffset: 42, bytes: Array(bad.utf8)))
    else { Issue.record("the fixture should be rejected"); return }
    let good = try filmAction(#"{"type":"create_scene","scene_id":"s1","title":"The pitch"}"#, index: 0)
    let batch = ActionBatch(phase: "scenes", items: [.action(good), .rejection(rejection)])
    let first = try await dispatcher.dispatch(batch, turn: "t1")
    #expect(first.actionCounts == ActionCounts(applied: 1, rejected: 1))
    _ = try await dispatcher.dispatch(batch, turn: "t1")
    let events = try await read(ledger) { tx throws(LedgerError) in
      try tx.events(turn: "t1", after: 0).filter { $0.kind == "action.rejected" }
    }
    #expect(events.count == 1, "recorded once")
    let detail = try #require(events.first?.detail)
    #expect(detail["index"] == 1 && detail["offset"] == 42 && detail["bytes"] == .string(bad))
    #expect(detail["errors"]?.arrayValue?.first?["code"]?.stringValue == rejection.errors.first?.code.rawValue)
  }
}
