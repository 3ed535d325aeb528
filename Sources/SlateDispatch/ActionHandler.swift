import SlateJSON

/// Applies one kind of action: supplied by the host, one per action type or per queue
/// (see ``HandlerTable``).
///
/// A handler is called with the action's idempotency key (``HandlerCall/key``) and should
/// pass it on to whatever it calls (an `Idempotency-Key` header, a unique column), so that
/// a second call with the same key has the effect of one. Writes that belong in the
/// ledger (project-table rows, outbox entries) are returned in ``HandlerResult`` rather
/// than written by the handler: the dispatcher commits them in the same transaction as the
/// outcome, under the lease's fencing token, so they happen exactly once even when a call
/// is repeated after a crash or a takeover.
public protocol ActionHandler: Sendable {
  /// Whether calling twice with the same key has the effect of calling once. Only then are
  /// ambiguous outcomes resolved by calling again.
  var idempotentByKey: Bool { get }

  /// Applies the action. Throw a ``HandlerFailure`` to say how it failed.
  func handle(_ call: HandlerCall) async throws -> HandlerResult
}

/// One call of a handler.
public struct HandlerCall: Sendable {
  public var turn: TurnID
  public var project: ProjectID
  public var scope: DispatchScope
  /// The action's key in its scope (``ActionKey/scoped(_:)``): the idempotency key to pass
  /// on. Its ``ActionKey/readable`` form is the queue key's (`ticket:T-1001`).
  public var key: ActionKey
  public var type: String
  public var queue: String
  public var phase: String?
  public var payload: JSONValue
  /// The effects the action declares (`image`, `video`, …).
  public var effects: [String]
  /// Whether the action type declares `x-slate-upsert` (an update of the key's entity).
  public var upsert: Bool
  /// 1 for the first call of this key in this dispatch, 2 for the first retry, ….
  public var attempt: Int
  /// The fencing token of the lease the call is made under.
  public var fencingToken: Int64
  /// True when an earlier call for this key ended ambiguous (the effect may exist).
  public var resolvingAmbiguity: Bool

  public init(turn: TurnID, project: ProjectID, scope: DispatchScope, key: ActionKey, type: String, queue: String,
              phase: String?, payload: JSONValue, effects: [String], upsert: Bool = false, attempt: Int,
              fencingToken: Int64, resolvingAmbiguity: Bool)
  {
    self.turn = turn
    self.project = project
    self.scope = scope
    self.key = key
    self.type = type
    self.queue = queue
    self.phase = phase
    self.payload = payload
    self.effects = effects
    self.upsert = upsert
    self.attempt = attempt
    self.fencingToken = fencingToken
    self.resolvingAmbiguity = resolvingAmbiguity
  }

  /// The idempotency key of this action's effect of `kind` (see
  /// ``EffectRecord/key(action:kind:discriminator:)``).
  public func effectKey(_ kind: String, discriminator: String = "") -> String {
    EffectRecord.key(action: key, kind: kind, discriminator: discriminator)
  }

  /// The row key, in this call's scope, of the entity `namespace` + `fields` (a queue and
  /// its normalised key-field values, e.g. `("ticket", ["T-1001"])`): what an
  /// ``HandlerResult/EntityWrite`` names to change another entity's row than the action's
  /// own (a `close_ticket` in queue `ticket_close` closing the ticket's row).
  public func entityKey(namespace: String, fields: [JSONValue]) -> ActionKey {
    ActionKey(namespace: namespace, fields: fields).scoped(scope)
  }
}

/// What a successful call returns: an answer, and the ledger writes that make it real.
public struct HandlerResult: Sendable, Hashable {
  /// A row to upsert into a project table (by the action's scoped key unless ``key`` is
  /// given: see ``DispatchScope`` for the scope model).
  public struct EntityWrite: Sendable, Hashable {
    public var table: String
    public var value: JSONValue
    /// The row key (hex) and readable form; nil: the action's key.
    public var key: String?
    public var readable: String?
    /// Whether ``value``'s members are merged into the stored row's (an update that names
    /// only the fields it changes) rather than replacing it. A merge into no row, or into
    /// a row or value that is not an object, replaces.
    public var merge: Bool

    public init(table: String, value: JSONValue, key: String? = nil, readable: String? = nil, merge: Bool = false) {
      self.table = table
      self.value = value
      self.key = key
      self.readable = readable
      self.merge = merge
    }

    /// A write of the row of `entity` (a scoped key from ``HandlerCall/entityKey(namespace:fields:)``
    /// or ``HandlerCall/key``).
    public init(table: String, entity: ActionKey, value: JSONValue, merge: Bool = false) {
      self.init(table: table, value: value, key: entity.hex, readable: entity.readable, merge: merge)
    }
  }

  /// A job to queue in the outbox. Its idempotency key is derived from the action's key,
  /// the kind and the discriminator, so a repeated call queues nothing new.
  public struct EffectWrite: Sendable, Hashable {
    public var kind: String
    public var payload: JSONValue
    public var discriminator: String

    public init(kind: String, payload: JSONValue, discriminator: String = "") {
      self.kind = kind
      self.payload = payload
      self.discriminator = discriminator
    }
  }

  /// What the outcome records (an id the host assigned, a status).
  public var result: JSONValue?
  public var entities: [EntityWrite]
  public var effects: [EffectWrite]

  public init(result: JSONValue? = nil, entities: [EntityWrite] = [], effects: [EffectWrite] = []) {
    self.result = result
    self.entities = entities
    self.effects = effects
  }
}

/// The host's handlers: by action type first, then by queue, then a fallback.
public struct HandlerTable: Sendable {
  public var byType: [String: any ActionHandler]
  public var byQueue: [String: any ActionHandler]
  public var fallback: (any ActionHandler)?
  /// The domain's plan action type: the action whose payload declares the turn's phases
  /// (`{"phases":[{"name","expected_count"?}…]}`, see ``PlannedPhase``). The dispatcher
  /// records those phases when it declares the action and, without a handler for the type,
  /// applies it itself; the plan does not count as landed work. Nil: the domain has no
  /// plan action. The table is where a domain is wired to the engine, so it names it
  /// (``Dispatcher/Configuration/planType`` overrides it).
  public var planType: String?

  public init(byType: [String: any ActionHandler] = [:], byQueue: [String: any ActionHandler] = [:],
              fallback: (any ActionHandler)? = nil, planType: String? = nil)
  {
    self.byType = byType
    self.byQueue = byQueue
    self.fallback = fallback
    self.planType = planType
  }

  /// The handler for an action and the name its circuit breaker goes by (`type:<t>`,
  /// `queue:<q>`, `fallback`); nil when none applies.
  public func handler(type: String, queue: String) -> (name: String, handler: any ActionHandler)? {
    if let handler = byType[type] { return ("type:" + type, handler) }
    if let handler = byQueue[queue] { return ("queue:" + queue, handler) }
    if let fallback { return ("fallback", fallback) }
    return nil
  }

  /// Every handler wrapped by `transform` (for example in a fault-injecting wrapper).
  public func map(_ transform: (any ActionHandler) -> any ActionHandler) -> HandlerTable {
    HandlerTable(byType: byType.mapValues(transform), byQueue: byQueue.mapValues(transform),
                 fallback: fallback.map(transform), planType: planType)
  }
}
