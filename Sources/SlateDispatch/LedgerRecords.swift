import SlateJSON

/// A phase the turn's plan declared before any of it ran (the pack's plan action:
/// `{"phases":[{"name":…,"actions":[…],"expected_count":n}]}`).
public struct PlannedPhase: Hashable, Sendable {
  public var name: String
  /// The action types the phase will emit.
  public var actions: [String]
  /// How many actions the plan expects, when it says.
  public var expectedCount: Int?

  public init(name: String, actions: [String] = [], expectedCount: Int? = nil) {
    self.name = name
    self.actions = actions
    self.expectedCount = expectedCount
  }
}

/// One turn, as the ledger stores it. Unique key: ``id``.
///
/// Status changes go through ``TurnRecord/transition(to:at:reason:)`` (the state machine);
/// the ledger itself stores whatever it is given, guarded by ``revision``.
public struct TurnRecord: Hashable, Sendable {
  public var id: TurnID
  public var project: ProjectID
  /// Where the turn's idempotency keys are unique.
  public var scopeKind: DispatchScope.Kind
  public var status: TurnStatus
  public var createdAt: Timestamp
  /// The last time the turn made progress (an action declared or finished, a phase
  /// opened): what stale-run finalisation measures from.
  public var updatedAt: Timestamp
  /// When the turn left `running`.
  public var finishedAt: Timestamp?
  /// The phases the plan declared, in order; empty when the turn had no plan.
  public var plan: [PlannedPhase]
  /// Why the turn is in its status: a stable code (`turn.stale`, `turn.budget_time`, …).
  public var reason: String?
  /// Set when the turn leaves `running`.
  public var recoverability: Recoverability?
  /// Optimistic concurrency: the ledger increments it on every update and refuses an
  /// update that carries an older one (`ledger.stale_revision`). 0 for a new record.
  public var revision: Int

  public init(id: TurnID, project: ProjectID, scopeKind: DispatchScope.Kind = .turn, status: TurnStatus = .running,
              createdAt: Timestamp, updatedAt: Timestamp? = nil, finishedAt: Timestamp? = nil, plan: [PlannedPhase] = [],
              reason: String? = nil, recoverability: Recoverability? = nil, revision: Int = 0)
  {
    self.id = id
    self.project = project
    self.scopeKind = scopeKind
    self.status = status
    self.createdAt = createdAt
    self.updatedAt = updatedAt ?? createdAt
    self.finishedAt = finishedAt
    self.plan = plan
    self.reason = reason
    self.recoverability = recoverability
    self.revision = revision
  }

  /// The scope the turn's actions are declared in.
  public var scope: DispatchScope { DispatchScope(scopeKind, turn: id, project: project) }
}

/// One phase of a turn, as dispatched. Unique key: `(turn, name)`.
public struct PhaseRecord: Hashable, Sendable {
  public enum State: String, Sendable, CaseIterable {
    /// Declared by the plan; no batch of it has been dispatched.
    case planned
    /// A batch of it is being (or was being) dispatched.
    case dispatching
    /// Every batch dispatched so far has finished.
    case dispatched
  }

  public var turn: TurnID
  /// The phase name (`""` for actions without a phase).
  public var name: String
  /// Position among the turn's phases: the plan's order, then first arrival.
  public var ordinal: Int
  /// Whether the plan declared it.
  public var planned: Bool
  public var expectedCount: Int?
  public var state: State
  /// The ids of the batches dispatched for it, in dispatch order, each once.
  public var batches: [String]
  public var updatedAt: Timestamp

  public init(turn: TurnID, name: String, ordinal: Int, planned: Bool = false, expectedCount: Int? = nil,
              state: State = .planned, batches: [String] = [], updatedAt: Timestamp)
  {
    self.turn = turn
    self.name = name
    self.ordinal = ordinal
    self.planned = planned
    self.expectedCount = expectedCount
    self.state = state
    self.batches = batches
    self.updatedAt = updatedAt
  }
}

/// The life of an action record.
public enum ActionStatus: String, Sendable, CaseIterable, Hashable {
  /// The intent is durable (the action and the effects it implies); no call yet.
  case declared
  /// A dispatcher holds a lease and may have called the handler.
  case inProgress = "in_progress"
  /// The handler succeeded; ``ActionRecord/outcome`` is its answer.
  case applied
  /// The handler failed (``Outcome/retryable`` tells whether a later run may retry).
  case failed
  /// The call went out and no answer came.
  case ambiguous

  /// Finished for good: a run does not call the handler again for it.
  public var isFinal: Bool { self == .applied }
}

/// A dispatcher's claim on an action while it calls the handler.
public struct Lease: Hashable, Sendable {
  /// Who holds it (a dispatcher's id: host, process, task).
  public var holder: String
  /// The fencing token this lease was issued with (see ``ActionRecord/fencingToken``).
  public var token: Int64
  public var expiresAt: Timestamp

  public init(holder: String, token: Int64, expiresAt: Timestamp) {
    self.holder = holder
    self.token = token
    self.expiresAt = expiresAt
  }
}

/// One action, by idempotency key. Unique key: `(scope, key.hex)`.
///
/// Fencing: ``fencingToken`` starts at 0 and increases by one each time a lease is issued
/// or taken over; a write that changes the record must present the current token
/// (``LedgerTransaction/updateAction(_:expectedToken:)``), so a dispatcher whose lease was
/// taken over (it paused, its lease expired, another took the action) cannot overwrite
/// what the newer holder wrote.
public struct ActionRecord: Hashable, Sendable {
  public var scope: DispatchScope
  public var key: ActionKey
  /// The turn that declared it (in project scope, the first turn that did).
  public var turn: TurnID
  public var phase: String?
  /// The batch that declared it.
  public var batch: String?
  /// Position among the turn's declared actions (0, 1, …).
  public var ordinal: Int
  public var type: String
  public var queue: String
  /// The payload of the last version declared (an upsert replaces it).
  public var payload: JSONValue
  /// The effects the action implies (`image`, `video`, …), declared before any call.
  public var effects: [String]
  /// Whether the action type declares `x-slate-upsert`.
  public var upsert: Bool
  public var status: ActionStatus
  /// The recorded outcome once the action left `declared` / `in_progress`.
  public var outcome: Outcome?
  /// Handler calls made for it across all runs.
  public var attempts: Int
  /// The last fencing token issued (0 = never leased).
  public var fencingToken: Int64
  /// The current lease, if any (cleared when the outcome is recorded).
  public var lease: Lease?
  /// How many times an upsert replaced the payload (0 for the first version).
  public var payloadRevision: Int
  /// The version digests (``ActionRecord/version(type:payload:)``) of every payload
  /// declared for the key, oldest first; the last is the current ``payload``'s. An action
  /// whose version is listed is a replay (a duplicate), not a conflict or an update.
  public var versions: [String]
  public var declaredAt: Timestamp
  public var updatedAt: Timestamp

  public init(scope: DispatchScope, key: ActionKey, turn: TurnID, phase: String? = nil, batch: String? = nil,
              ordinal: Int = 0, type: String, queue: String, payload: JSONValue, effects: [String] = [],
              upsert: Bool = false, status: ActionStatus = .declared, outcome: Outcome? = nil, attempts: Int = 0,
              fencingToken: Int64 = 0, lease: Lease? = nil, payloadRevision: Int = 0, versions: [String]? = nil,
              declaredAt: Timestamp, updatedAt: Timestamp? = nil)
  {
    self.scope = scope
    self.key = key
    self.turn = turn
    self.phase = phase
    self.batch = batch
    self.ordinal = ordinal
    self.type = type
    self.queue = queue
    self.payload = payload
    self.effects = effects
    self.upsert = upsert
    self.status = status
    self.outcome = outcome
    self.attempts = attempts
    self.fencingToken = fencingToken
    self.lease = lease
    self.payloadRevision = payloadRevision
    self.versions = versions ?? [ActionRecord.version(type: type, payload: payload)]
    self.declaredAt = declaredAt
    self.updatedAt = updatedAt ?? declaredAt
  }
}

/// The state of an outbox entry: the outbox consumer's side of the protocol (see
/// ``LedgerTransaction/claimEffects(kinds:limit:holder:now:lease:)``).
///
/// ```
/// pending ──claim──▶ claimed ──complete──▶ done
///    ▲                 │ │ └──fail (budget left)──▶ failed ──(availableAt passed)──claim──▶ claimed
///    └────release──────┘ └────fail (budget spent, or permanent)──▶ dead
/// claimed whose lease expired ──claim──▶ claimed (a new holder, a new fencing token)
/// dead or failed ──retry (an operator)──▶ pending
/// ```
public enum EffectStatus: String, Sendable, CaseIterable, Hashable {
  /// Queued: claimable once ``EffectRecord/availableAt`` has passed.
  case pending
  /// A worker holds it under ``EffectRecord/lease``; claimable again when the lease expires.
  case claimed
  /// Run and acknowledged: never claimed again.
  case done
  /// The last attempt failed and a retry is due at ``EffectRecord/availableAt`` (claimable
  /// then, like `pending`).
  case failed
  /// The dead-letter state: the attempt budget is spent or the failure was permanent. Never
  /// claimed again until an operator retries it.
  case dead

  /// Whether the effect still waits for a worker (pending, claimed, or failed with a retry due).
  public var isOutstanding: Bool { self == .pending || self == .claimed || self == .failed }
}

/// One side effect queued in the transactional outbox (an effect a handler queued). Unique key: ``key``
/// (across the whole ledger).
///
/// The key is derived from the action's key and the effect kind (see
/// ``EffectRecord/key(action:kind:)``), so a re-run of the same action queues nothing
/// new: the insert meets `ledger.duplicate_key`. The key is also what the effect's own
/// handler deduplicates by: a worker that ran a job and died before acknowledging it leaves
/// the claim to expire, and the next worker runs the job again with the same key.
///
/// The claim fields (``attempts``, ``fencingToken``, ``lease``, ``availableAt``,
/// ``lastError``) are written only by the outbox operations of ``LedgerTransaction``
/// (`claimEffects`, `completeEffect`, `failEffect`, `releaseEffect`, `retryEffect`); a ledger
/// stores them as given.
public struct EffectRecord: Hashable, Sendable {
  /// The effect's own idempotency key (lower-case hex SHA-256).
  public var key: String
  /// `image`, `video`, `reference`, `poster`, `frame`, or a pack's own.
  public var kind: String
  public var turn: TurnID
  public var project: ProjectID
  /// The action that queued it.
  public var action: ActionKey
  /// What the job needs (prompt, size, …).
  public var payload: JSONValue
  public var status: EffectStatus
  /// Optimistic concurrency for status changes, as ``TurnRecord/revision``.
  public var revision: Int
  public var createdAt: Timestamp
  public var updatedAt: Timestamp
  /// Claims issued since it was queued (or last retried by an operator): the attempt
  /// count the retry budget is checked against. A released claim does not count.
  public var attempts: Int
  /// 0 when queued, +1 for each claim: the token the claim's holder presents to complete,
  /// fail or release it (as ``ActionRecord/fencingToken``).
  public var fencingToken: Int64
  /// The current claim (status `claimed`), or nil.
  public var lease: Lease?
  /// The earliest time it may be claimed: its creation, or the retry time after a failure.
  public var availableAt: Timestamp
  /// The last failure a worker reported (`code: message`), or nil.
  public var lastError: String?

  public init(key: String, kind: String, turn: TurnID, project: ProjectID, action: ActionKey, payload: JSONValue,
              status: EffectStatus = .pending, revision: Int = 0, createdAt: Timestamp, updatedAt: Timestamp? = nil,
              attempts: Int = 0, fencingToken: Int64 = 0, lease: Lease? = nil, availableAt: Timestamp? = nil,
              lastError: String? = nil)
  {
    self.key = key
    self.kind = kind
    self.turn = turn
    self.project = project
    self.action = action
    self.payload = payload
    self.status = status
    self.revision = revision
    self.createdAt = createdAt
    self.updatedAt = updatedAt ?? createdAt
    self.attempts = attempts
    self.fencingToken = fencingToken
    self.lease = lease
    self.availableAt = availableAt ?? createdAt
    self.lastError = lastError
  }

  /// Whether a claim at `now` may take it: pending or failed with ``availableAt`` passed, or
  /// claimed under a lease that has expired (`expiresAt <= now`).
  public func isClaimable(at now: Timestamp) -> Bool {
    switch status {
    case .pending, .failed: availableAt <= now
    case .claimed: (lease?.expiresAt ?? now) <= now
    case .done, .dead: false
    }
  }
}

/// One row of a project table (`scene`, `character`, `set`, `prop`, `poster`, …), written
/// by a handler. Unique key: `(project, table, key)`.
public struct EntityRecord: Hashable, Sendable {
  public var project: ProjectID
  /// The table: the action's queue.
  public var table: String
  /// The action key's hex digest.
  public var key: String
  /// The action key's readable form (`scene:s12`).
  public var readable: String
  public var value: JSONValue
  /// 0 when inserted; +1 on each upsert that changed ``value``.
  public var revision: Int
  /// The turn that wrote the current value.
  public var turn: TurnID
  public var updatedAt: Timestamp

  public init(project: ProjectID, table: String, key: String, readable: String, value: JSONValue, revision: Int = 0,
              turn: TurnID, updatedAt: Timestamp)
  {
    self.project = project
    self.table = table
    self.key = key
    self.readable = readable
    self.value = value
    self.revision = revision
    self.turn = turn
    self.updatedAt = updatedAt
  }
}

/// One entry of the append-only event log.
public struct LedgerEvent: Hashable, Sendable {
  /// Assigned by the ledger on append: strictly increasing in commit order, never reused
  /// (0 in a record not yet appended).
  public var sequence: Int64
  public var turn: TurnID
  public var at: Timestamp
  /// A stable code: `turn.started`, `turn.transition`, `phase.opened`, `action.declared`,
  /// `action.leased`, `action.applied`, `action.failed`, `action.ambiguous`,
  /// `action.duplicate`, `action.conflict`, `action.upserted`, `effect.queued`, ….
  public var kind: String
  /// The action key's hex digest when the event is about one action.
  public var key: String?
  /// Free-form details (readable key, outcome, token …).
  public var detail: JSONValue

  public init(sequence: Int64 = 0, turn: TurnID, at: Timestamp, kind: String, key: String? = nil,
              detail: JSONValue = .object(JSONObject()))
  {
    self.sequence = sequence
    self.turn = turn
    self.at = at
    self.kind = kind
    self.key = key
    self.detail = detail
  }
}
