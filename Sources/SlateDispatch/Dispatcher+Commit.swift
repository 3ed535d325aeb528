import SlateJSON

extension Dispatcher {
  /// A task that renews `record`'s lease every ``Configuration/renewalInterval`` (a quarter
  /// of the lease duration by default; real time), at the dispatcher's clock's time,
  /// until it is cancelled or the lease is found taken over; ledger errors end it quietly
  /// (the commit's fencing decides).
  nonisolated func renewLease(_ record: ActionRecord, turn: TurnID) -> Task<Void, Never> {
    let (ledger, clock, holder, duration) = (self.ledger, self.clock, self.holder, policy.leaseDuration)
    let telemetry = self.telemetry
    let every = max(.milliseconds(1), configuration.renewalInterval ?? duration / 4)
    let (scope, key, token) = (record.scope, record.key.hex, record.fencingToken)
    return Task {
      while !Task.isCancelled {
        do {
          try await Task.sleep(for: every)
          let now = clock.now()
          try await ledger.write { tx throws(LedgerError) in
            try tx.renewLease(scope: scope, key: key, holder: holder, token: token, now: now, duration: duration)
            try tx.appendEvent(LedgerEvent(turn: turn, at: now, kind: "action.lease_renewed", key: key, detail: [
              "readable": .string(record.key.readable), "token": .number(JSONNumber(token)),
            ]))
          }
          telemetry.leaseRenewed(record, token: token)
        } catch {
          telemetry.renewalStopped(record, error: error)
          return
        }
      }
    }
  }

  enum Committed: Sendable {
    /// The lease was taken over: nothing was written.
    case fenced
    case done(Outcome, queued: [DispatchResult.EffectRef])
  }

  /// Records an action's outcome, and for a success the handler's project-table rows and
  /// outbox entries, in one transaction under the lease's fencing token. Rows and outbox
  /// keys derive from the action's scoped key (see ``DispatchScope``). Shielded from the
  /// caller's cancellation (written in an unstructured task, awaited): a handler call that
  /// returned is recorded even when the host's task was cancelled meanwhile, so recovery
  /// does not call the handler again.
  func commit(_ attempted: Attempted, record: ActionRecord, turn: TurnRecord) async throws -> Committed {
    let now = clock.now()
    let ledger = self.ledger
    return try await Task { try await ledger.write { tx throws(LedgerError) -> Committed in
      do throws(LedgerError) {
        try tx.recordOutcome(scope: record.scope, key: record.key.hex, token: record.fencingToken,
                             status: attempted.status, outcome: attempted.outcome, attempts: attempted.calls, now: now)
      } catch .fenced(_, let presented, let current) {
        try tx.appendEvent(LedgerEvent(turn: turn.id, at: now, kind: "action.fenced", key: record.key.hex, detail: [
          "readable": .string(record.key.readable), "presented": .number(JSONNumber(presented)),
          "current": .number(JSONNumber(current)),
        ]))
        return .fenced
      }
      var queued: [DispatchResult.EffectRef] = []
      let scoped = record.scopedKey
      if attempted.status == .applied, let writes = attempted.writes {
        for write in writes.entities {
          let key = write.key ?? scoped.hex
          var value = write.value
          if write.merge, case .object(let changes) = value,
            case .object(var stored)? = try tx.entity(project: turn.project, table: write.table, key: key)?.value
          {
            for name in changes.keys {
              stored.members.removeAll { $0.key.utf8.elementsEqual(name.utf8) }
              stored.append(key: name, value: changes[name]!)
            }
            value = .object(stored)
          }
          try tx.upsertEntity(EntityRecord(
            project: turn.project, table: write.table, key: key, readable: write.readable ?? record.key.readable,
            value: value, turn: turn.id, updatedAt: now))
        }
        for write in writes.effects {
          let key = EffectRecord.key(action: scoped, kind: write.kind, discriminator: write.discriminator)
          let inserted = try tx.enqueue(EffectRecord(key: key, kind: write.kind, turn: turn.id, project: turn.project,
                                                     action: record.key, payload: write.payload, createdAt: now))
          if inserted {
            try tx.appendEvent(LedgerEvent(turn: turn.id, at: now, kind: "effect.queued", key: record.key.hex, detail: [
              "effect": .string(key), "kind": .string(write.kind), "readable": .string(record.key.readable),
            ]))
          }
          queued.append(DispatchResult.EffectRef(key: key, kind: write.kind, action: record.key))
        }
      }
      try tx.appendEvent(LedgerEvent(turn: turn.id, at: now, kind: "action." + attempted.status.rawValue,
                                     key: record.key.hex, detail: [
                                       "readable": .string(record.key.readable), "outcome": attempted.outcome.json,
                                       "token": .number(JSONNumber(record.fencingToken)),
                                     ]))
      try tx.touchTurn(turn.id, now: now)
      return .done(attempted.outcome, queued: queued)
    } }.value
  }
}
