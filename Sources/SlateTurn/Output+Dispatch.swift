import SlateDispatch
import SlateStream
import SlateJSON

// The dispatch layer's renderings (`slate replay`, `slate turns`, `slate turn show`, a
// replay bundle's result and audit): stable member names in snake_case, absent values
// omitted, lists in a deterministic order.

extension ActionKey {
  /// `{"readable","namespace","hex"}`.
  public var json: JSONValue {
    ["readable": .string(readable), "namespace": .string(namespace), "hex": .string(hex)]
  }
}

extension DispatchResult.Entry {
  public var json: JSONValue {
    var object = JSONObject([
      JSONMember(key: "key", value: .string(key.readable)), JSONMember(key: "hex", value: .string(key.hex)),
      JSONMember(key: "queue", value: .string(queue)), JSONMember(key: "type", value: .string(type)),
    ])
    if let phase { object.append(key: "phase", value: .string(phase)) }
    object.append(key: "ordinal", value: .int(ordinal))
    object.append(key: "outcome", value: outcome.json)
    return .object(object)
  }
}

extension DispatchResult.EffectRef {
  public var json: JSONValue {
    ["key": .string(key), "kind": .string(kind), "action": .string(action.readable)]
  }
}

extension DispatchResult {
  /// `{"counts","queues","entries","effects_requested","effects_queued","conflicts",
  /// "rejections","batches","phases","notes"}`.
  public var json: JSONValue {
    var counts = JSONObject()
    for kind in Outcome.Kind.allCases { counts.append(key: kind.rawValue, value: .int(self.counts[kind] ?? 0)) }
    var queues = JSONObject()
    for queue in self.queues { queues.append(key: queue, value: .array(keys(queue: queue).map { .string($0.readable) })) }
    let conflicts: [JSONValue] = self.conflicts.sorted().map { conflict in
      var object = JSONObject([JSONMember(key: "key", value: .string(conflict.key.readable)),
                               JSONMember(key: "type", value: .string(conflict.type)),
                               JSONMember(key: "version", value: .string(conflict.version))])
      if let phase = conflict.phase { object.append(key: "phase", value: .string(phase)) }
      return .object(object)
    }
    let rejections: [JSONValue] = self.rejections.sorted().map { rejection in
      var object = JSONObject()
      if let type = rejection.type { object.append(key: "type", value: .string(type)) }
      if let phase = rejection.phase { object.append(key: "phase", value: .string(phase)) }
      if let index = rejection.index { object.append(key: "index", value: .int(index)) }
      object.append(key: "codes", value: .array(rejection.codes.map(JSONValue.string)))
      object.append(key: "digest", value: .string(rejection.digest))
      return .object(object)
    }
    return .object(JSONObject([
      JSONMember(key: "counts", value: .object(counts)),
      JSONMember(key: "queues", value: .object(queues)),
      JSONMember(key: "entries", value: .array(orderedEntries.map(\.json))),
      JSONMember(key: "effects_requested", value: .array(effectsRequested.sorted().map(\.json))),
      JSONMember(key: "effects_queued", value: .array(effectsQueued.sorted().map(\.json))),
      JSONMember(key: "conflicts", value: .array(conflicts)),
      JSONMember(key: "rejections", value: .array(rejections)),
      JSONMember(key: "batches", value: .array(batches.sorted().map(JSONValue.string))),
      JSONMember(key: "phases", value: .array(phases.sorted().map(JSONValue.string))),
      JSONMember(key: "notes", value: .array(notes.sorted().map(JSONValue.string))),
    ]))
  }
}

extension PlannedPhase {
  public var json: JSONValue {
    var object = JSONObject([JSONMember(key: "name", value: .string(name)),
                             JSONMember(key: "actions", value: .array(actions.map(JSONValue.string)))])
    if let expectedCount { object.append(key: "expected_count", value: .int(expectedCount)) }
    return .object(object)
  }
}

extension TurnRecord {
  /// `{"id","project","scope","status","created_at","updated_at","finished_at"?,"plan",
  /// "reason"?,"recoverability"?,"revision"}`; times in milliseconds since the epoch.
  public var json: JSONValue {
    var object = JSONObject([
      JSONMember(key: "id", value: .string(id.rawValue)), JSONMember(key: "project", value: .string(project.rawValue)),
      JSONMember(key: "scope", value: .string(scopeKind.rawValue)),
      JSONMember(key: "status", value: .string(status.rawValue)),
      JSONMember(key: "created_at", value: .int64(createdAt.milliseconds)),
      JSONMember(key: "updated_at", value: .int64(updatedAt.milliseconds)),
    ])
    if let finishedAt { object.append(key: "finished_at", value: .int64(finishedAt.milliseconds)) }
    object.append(key: "plan", value: .array(plan.map(\.json)))
    if let reason { object.append(key: "reason", value: .string(reason)) }
    if let recoverability { object.append(key: "recoverability", value: .string(recoverability.code)) }
    object.append(key: "revision", value: .int(revision))
    return .object(object)
  }
}

extension ActionRecord {
  /// The record as the CLI shows it (the payload included).
  public var json: JSONValue {
    var object = JSONObject([
      JSONMember(key: "key", value: key.json), JSONMember(key: "scope", value: .string(scope.key)),
      JSONMember(key: "turn", value: .string(turn.rawValue)),
    ])
    if let phase { object.append(key: "phase", value: .string(phase)) }
    if let batch { object.append(key: "batch", value: .string(batch)) }
    object.append(key: "ordinal", value: .int(ordinal))
    object.append(key: "type", value: .string(type))
    object.append(key: "queue", value: .string(queue))
    object.append(key: "payload", value: payload)
    object.append(key: "effects", value: .array(effects.map(JSONValue.string)))
    object.append(key: "upsert", value: .bool(upsert))
    object.append(key: "status", value: .string(status.rawValue))
    if let outcome { object.append(key: "outcome", value: outcome.json) }
    object.append(key: "attempts", value: .int(attempts))
    object.append(key: "fencing_token", value: .int64(fencingToken))
    if let lease {
      object.append(key: "lease", value: lease.json)
    }
    object.append(key: "payload_revision", value: .int(payloadRevision))
    object.append(key: "versions", value: .array(versions.map(JSONValue.string)))
    object.append(key: "declared_at", value: .int64(declaredAt.milliseconds))
    object.append(key: "updated_at", value: .int64(updatedAt.milliseconds))
    return .object(object)
  }
}

extension EffectRecord {
  public var json: JSONValue {
    var object = JSONObject([
      JSONMember(key: "key", value: .string(key)), JSONMember(key: "kind", value: .string(kind)),
      JSONMember(key: "turn", value: .string(turn.rawValue)), JSONMember(key: "project", value: .string(project.rawValue)),
      JSONMember(key: "action", value: .string(action.readable)), JSONMember(key: "payload", value: payload),
      JSONMember(key: "status", value: .string(status.rawValue)), JSONMember(key: "revision", value: .int(revision)),
      JSONMember(key: "created_at", value: .int64(createdAt.milliseconds)),
      JSONMember(key: "updated_at", value: .int64(updatedAt.milliseconds)), JSONMember(key: "attempts", value: .int(attempts)),
      JSONMember(key: "fencing_token", value: .int64(fencingToken)),
      JSONMember(key: "available_at", value: .int64(availableAt.milliseconds)),
    ])
    if let lease {
      object.append(key: "lease", value: lease.json)
    }
    if let lastError { object.append(key: "last_error", value: .string(lastError)) }
    return .object(object)
  }
}

extension Lease {
  /// `{"holder", "token", "expires_at"}`.
  public var json: JSONValue {
    ["holder": .string(holder), "token": .int64(token), "expires_at": .int64(expiresAt.milliseconds)]
  }
}

extension LedgerEvent {
  public var json: JSONValue {
    var object = JSONObject([
      JSONMember(key: "sequence", value: .int64(sequence)), JSONMember(key: "turn", value: .string(turn.rawValue)),
      JSONMember(key: "at", value: .int64(at.milliseconds)), JSONMember(key: "kind", value: .string(kind)),
    ])
    if let key { object.append(key: "key", value: .string(key)) }
    object.append(key: "detail", value: detail)
    return .object(object)
  }
}
