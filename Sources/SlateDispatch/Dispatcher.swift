import CoreMetrics
import Logging
import SlateJSON
import SlateSchema
import Tracing

/// Dispatches action batches exactly once per idempotency key, through a ``DispatchLedger``.
///
/// For each action of a batch, in order (see `Dispatcher+Action.swift`):
/// 1. all of the batch's new keys are declared in **one transaction** before any call: the
///    action, its payload version and the effects it implies (`declared`);
/// 2. per action, one transaction looks the key up in the turn's scope: an applied key is
///    a **duplicate** and returns the recorded outcome; another payload for the key is a
///    **conflict** (reported, not applied) unless the action type is an upsert, which
///    declares the new version; otherwise the dispatcher takes a **lease** (a new fencing
///    token);
/// 3. it calls the handler with the key, retrying per the ``RetryPolicy`` (transient
///    failures with backoff and full jitter; ambiguous ones only when the handler is
///    idempotent by key), behind a ``CircuitBreaker`` per handler and within the turn's
///    ``DispatchBudget``;
/// 4. one transaction records the outcome with the handler's project-table rows and outbox
///    entries, under the lease's fencing token: a dispatcher whose lease was taken over
///    writes nothing and reads the newer holder's outcome instead.
///
/// Modes: ``Mode/live``; ``Mode/dryRun`` declares the intents (and the plan) and calls
/// nothing, every outcome `planned` (the no-effects mode); ``Mode/recover`` also resumes a
/// turn that ended (a failed, timed-out, stopped or partially completed turn goes back to
/// `running`), touching only what is unfinished: finished keys are duplicates. In live
/// mode, a batch dispatched into a turn that is not running applies nothing (finished keys
/// are duplicates, the others `dispatch.turn_not_running`). ``recover(turn:)`` resumes from
/// the ledger alone, in live or recover mode.
///
/// Leases: each dispatcher has its own holder name (``holder``); a lease lasts
/// ``RetryPolicy/leaseDuration`` (seconds by default) and is renewed while its handler call
/// runs, so a slow call keeps its action and only a dead dispatcher's lease expires; a
/// dispatcher that meets another's live lease waits, and says so
/// (``Configuration/onLeaseWait``), unless the holder was a process of this host that no
/// longer exists (``WorkerIdentity/isGone(_:)``): that lease is taken over at once.
///
/// Time: durable times (leases, turn progress) and budgets come from one injected
/// ``WallClock``; sleeps (backoff, lease polling) from an injected function, so tests run
/// without waiting (a test's sleep can move a ``ManualWallClock``). Randomness (jitter)
/// comes from a seeded generator.
public actor Dispatcher {
  public enum Mode: String, Sendable, CaseIterable {
    case live
    case dryRun = "dry_run"
    case recover
  }

  public struct Configuration: Sendable {
    /// The project of a turn the ledger does not know yet (see ``Dispatcher/begin(turn:project:scope:)``).
    public var project: ProjectID
    /// The key scope of such a turn.
    public var scope: DispatchScope.Kind
    /// This dispatcher's name on leases; nil (the default): a unique name per dispatcher
    /// (``WorkerIdentity/unique()``). Two dispatchers must never share one: a holder may
    /// take its own lease again at once.
    public var holder: String?
    /// Called (on the dispatcher's task) when the dispatcher starts waiting for an action
    /// another holder leases, once per holder and expiry: who holds it, until when. The CLI
    /// prints it on standard error.
    public var onLeaseWait: (@Sendable (LeaseWait) -> Void)?
    /// Whether a lease is renewed while its handler call runs (every quarter of the lease
    /// duration, in real time), so that only a lease that stopped being renewed (its
    /// dispatcher died or hangs outside the call) can be taken over.
    public var renewsLeases: Bool
    /// How often a lease is renewed while its call runs (real time); nil: a quarter of the
    /// lease duration.
    public var renewalInterval: Duration?
    /// The action type whose payload declares the turn's phases (the pack's plan action);
    /// without a handler for it, the dispatcher applies it itself. Nil: the handler table's
    /// ``HandlerTable/planType`` (nil there too: no plan action).
    public var planType: String?
    public var budget: DispatchBudget
    public var breakerThreshold: Int
    public var breakerCooldown: Duration
    /// Seeds the jitter.
    public var seed: UInt64

    public init(project: ProjectID = "default", scope: DispatchScope.Kind = .turn, holder: String? = nil,
                planType: String? = nil, budget: DispatchBudget = .default, breakerThreshold: Int = 5,
                breakerCooldown: Duration = .seconds(30), seed: UInt64 = 0x5EED,
                onLeaseWait: (@Sendable (LeaseWait) -> Void)? = nil, renewsLeases: Bool = true,
                renewalInterval: Duration? = nil)
    {
      self.renewalInterval = renewalInterval
      self.project = project
      self.scope = scope
      self.holder = holder
      self.onLeaseWait = onLeaseWait
      self.renewsLeases = renewsLeases
      self.planType = planType
      self.budget = budget
      self.breakerThreshold = breakerThreshold
      self.breakerCooldown = breakerCooldown
      self.seed = seed
    }
  }

  /// What one dispatcher has spent on one turn.
  struct Usage {
    var startedAt: Timestamp
    var actions = 0
    var calls = 0
  }

  public let ledger: any DispatchLedger
  public let handlers: HandlerTable
  public let policy: RetryPolicy
  public let mode: Mode
  public let configuration: Configuration
  /// This dispatcher's name on leases (``Configuration/holder``, or a unique one).
  public nonisolated let holder: String
  /// Where this dispatcher logs, counts and traces (see ``Telemetry``).
  public nonisolated let telemetry: Telemetry
  let clock: any WallClock
  let sleep: @Sendable (Duration) async throws -> Void
  var random: SplitMix64
  var breakers: [String: CircuitBreaker] = [:]
  var usage: [TurnID: Usage] = [:]
  /// Per turn, the rejections its event log holds as far as this dispatcher has read it
  /// (``recordRejections(_:turn:)``).
  var rejectionsSeen: [TurnID: RejectionsSeen] = [:]

  /// - Parameters:
  ///   - sleep: how to wait (backoff, lease polling); `Task.sleep` by default.
  ///   - logger, metrics, tracer: see ``Telemetry/init(logger:metrics:tracer:)`` (nil: silent,
  ///     the global metrics factory, the global tracer).
  public init(ledger: any DispatchLedger, handlers: HandlerTable, policy: RetryPolicy = .default, mode: Mode = .live,
              configuration: Configuration = Configuration(), clock: any WallClock = SystemWallClock(),
              sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
              logger: Logger? = nil, metrics: (any MetricsFactory)? = nil, tracer: (any Tracer)? = nil)
  {
    self.telemetry = Telemetry(logger: logger, metrics: metrics, tracer: tracer)
    self.ledger = ledger
    self.handlers = handlers
    self.policy = policy
    self.mode = mode
    self.configuration = configuration
    self.holder = configuration.holder ?? WorkerIdentity.unique()
    self.clock = clock
    self.sleep = sleep
    self.random = SplitMix64(seed: configuration.seed)
  }

  /// The plan action's type: the configuration's, else the handler table's.
  public nonisolated var planType: String? { configuration.planType ?? handlers.planType }

  /// The time on this dispatcher's clock (what its ledger records are stamped with).
  public nonisolated func now() -> Timestamp { clock.now() }

  /// The circuit breaker of a handler, as it stands.
  public func breaker(_ name: String) -> CircuitBreaker? { breakers[name] }

  /// Creates the turn in the ledger (status `running`, event `turn.started`), or returns it
  /// when it exists (whatever its project and scope). Idempotent.
  @discardableResult
  public func begin(turn: TurnID, project: ProjectID? = nil, scope: DispatchScope.Kind? = nil) async throws -> TurnRecord {
    let record = TurnRecord(id: turn, project: project ?? configuration.project, scopeKind: scope ?? configuration.scope,
                            createdAt: clock.now())
    return try await ledger.write { tx throws(LedgerError) in
      if let existing = try tx.turn(turn) { return existing }
      try tx.insertTurn(record)
      try tx.appendEvent(LedgerEvent(turn: turn, at: record.createdAt, kind: "turn.started",
                                     detail: ["project": .string(record.project.rawValue),
                                              "scope": .string(record.scopeKind.rawValue)]))
      return try tx.turn(turn)!
    }
  }

  /// Dispatches one batch into `turn` (begun with the configured project and scope when
  /// the ledger does not know it). Returns what happened to each action.
  ///
  /// `alongside` is written in the same transaction as the batch's intents (before any
  /// handler is called; in its own transaction when the turn is not running): a live turn
  /// keeps there the raw bytes the batch came from.
  ///
  /// Throws a ``LedgerError`` when the ledger fails, ``SimulatedCrash`` or
  /// `CancellationError` when the dispatch was stopped (nothing more is written: the
  /// actions in flight stay leased until their lease expires, and ``recover(turn:)`` or
  /// another dispatch finishes them).
  public func dispatch(_ batch: ActionBatch, turn: TurnID, alongside: LedgerWrites? = nil) async throws
    -> DispatchResult
  {
    var record = try await begin(turn: turn)
    if mode == .recover { record = try await reopenIfNeeded(record) }
    let now = clock.now()
    if usage[turn] == nil { usage[turn] = Usage(startedAt: now) }

    var result = DispatchResult()
    result.batches.insert(batch.id)
    result.phases.insert(batch.phase ?? "")
    if mode == .dryRun { result.notes.insert("dispatch.dry_run") }
    for rejection in batch.rejections {
      result.rejections.insert(DispatchResult.RejectionRef(
        type: rejection.type, phase: rejection.phase, index: rejection.index,
        codes: rejection.errors.map(\.code.rawValue), digest: SHA256.hash(rejection.bytes).hex))
    }
    try await recordRejections(batch.rejections, turn: turn)
    telemetry.rejected(result.rejections, turn: turn)
    let inputs = batch.actions.map(ActionInput.init)
    // Nothing is declared into a turn that is not running: it applies nothing more.
    let admitted: [Bool]
    if record.status == .running {
      admitted = try await declare(inputs, batch: batch, turn: record, alongside: alongside)
    } else {
      if let alongside { try await ledger.write { tx throws(LedgerError) in try alongside(tx) } }
      admitted = Array(repeating: true, count: inputs.count)
    }
    for (position, (input, admitted)) in zip(inputs, admitted).enumerated() {
      // The batch's id is its content's: two batches of identical content (one action
      // repeated, one action per batch) are two places in the stream, told apart by sequence.
      let ref = DispatchResult.ActionRef(batch: batch.id + "#" + String(batch.sequence), position: position)
      guard admitted else {
        result.notes.insert("dispatch.budget_actions")
        result.record(DispatchResult.Entry(
          key: input.key, queue: input.queue, type: input.type, phase: input.phase, ordinal: Int.max,
          outcome: .failed(code: "dispatch.budget_actions",
                           message: "the turn's budget of \(configuration.budget.maxActions) actions is spent",
                           retryable: false, attempts: 0)), action: ref)
        continue
      }
      try await traced(input, turn: record, action: ref, into: &result)
    }
    if record.status == .running { try await closePhase(batch, turn: turn) }
    telemetry.count(result)
    return result
  }

  /// A turn that ended goes back to `running` (not in dry-run mode); a completed turn stays
  /// completed (its actions can only be duplicates).
  func reopenIfNeeded(_ record: TurnRecord) async throws -> TurnRecord {
    guard record.status != .running, record.status != .completed, mode != .dryRun else { return record }
    let now = clock.now()
    return try await ledger.write { tx throws(LedgerError) in
      guard var current = try tx.turn(record.id) else { throw .notFound(what: "turn", key: record.id.rawValue) }
      guard current.status.canTransition(to: .running) else { return current }
      let from = current.status
      do {
        try current.transition(to: .running, at: now, reason: "turn.resumed")
      } catch {
        return current
      }
      let stored = try tx.updateTurn(current)
      try tx.appendEvent(LedgerEvent(turn: record.id, at: now, kind: "turn.transition",
                                     detail: ["from": .string(from.rawValue), "to": "running", "reason": "turn.resumed"]))
      return stored
    }
  }

  /// Marks the batch's phase `dispatched`.
  func closePhase(_ batch: ActionBatch, turn: TurnID) async throws {
    let now = clock.now()
    let name = batch.phase ?? ""
    try await ledger.write { tx throws(LedgerError) in
      guard var phase = try tx.phaseHead(turn: turn, name: name)?.phase else { return }
      phase.state = .dispatched
      phase.updatedAt = now
      try tx.putPhaseHead(phase)
    }
  }
}

/// What the dispatcher needs of an action: from an ``Action`` of a batch, or from a
/// ledger record when recovering.
struct ActionInput: Sendable {
  var type: String
  var payload: JSONValue
  var key: ActionKey
  var queue: String
  var effects: [String]
  var upsert: Bool
  var phase: String?
  var version: String

  init(_ action: Action) {
    type = action.type
    payload = action.payload
    key = ActionKey(action.key)
    queue = action.queue
    effects = action.effects
    upsert = action.upsert
    phase = action.phase
    version = ActionRecord.version(type: action.type, payload: payload)  // read once: a document builds on each read
  }

  init(_ record: ActionRecord) {
    type = record.type
    payload = record.payload
    key = record.key
    queue = record.queue
    effects = record.effects
    upsert = record.upsert
    phase = record.phase
    version = record.currentVersion
  }
}
