import LedgerConformance
import SlateDispatch
import SlateJSON
import Testing

/// The conformance checks catch a ledger that breaks the contract, and the records' stored
/// forms round-trip.
@Suite struct LedgerContractTests {
  @Test func aLedgerWithoutFencingFailsTheFencingCheck() async {
    let failures = await LedgerConformance.runAll { SloppyLedger(ignoreFencing: true) }
    // The dispatcher-level checks (`dispatch.*`) may fail too, depending on timing.
    #expect(failures.map(\.check).filter { !$0.hasPrefix("dispatch.") } == ["action.fencing"], "\(failures)")
  }

  @Test func aLedgerWithoutUniqueActionKeysFailsTheUniquenessChecks() async {
    let failures = await LedgerConformance.runAll { SloppyLedger(ignoreUniqueActions: true) }
    #expect(Set(failures.map(\.check).filter { !$0.hasPrefix("dispatch.") })
              == ["transaction.catch_duplicate", "action.unique_per_scope", "action.race"],
            "\(failures)")
  }

  @Test func aLedgerThatDropsTheClaimColumnsFailsTheOutboxChecks() async {
    let failures = await LedgerConformance.runAll { SloppyLedger(forgetsClaims: true) }
    #expect(Set(failures.map(\.check).filter { !$0.hasPrefix("dispatch.") })
              == ["outbox.claim", "outbox.fencing", "outbox.retry", "outbox.race"], "\(failures)")
  }

  @Test func outcomesRoundTripThroughTheirStoredForm() throws {
    let outcomes: [Outcome] = [
      .applied(["id": 3], attempts: 2), .planned, .conflict(message: "other payload"),
      .failed(code: "http.503", message: "busy", retryable: true, attempts: 5),
      .ambiguous(code: "http.timeout", message: "no answer", retryable: false, attempts: 1),
      .duplicate(of: .applied(["id": 3])),
    ]
    for outcome in outcomes { #expect(try Outcome(json: outcome.json) == outcome) }
    #expect(throws: LedgerError.corrupt(what: "outcome", message: #"no known "kind" in {"kind":"maybe"}"#)) {
      try Outcome(json: ["kind": "maybe"])
    }
  }

  @Test func scopesTimestampsAndKeys() {
    #expect(DispatchScope(key: DispatchScope.turn("t:1").key) == .turn("t:1"))
    #expect(DispatchScope(key: DispatchScope.project("p").key) == .project("p"))
    #expect(DispatchScope(key: "team:x") == nil)
    #expect(Duration.seconds(1.5).milliseconds == 1500)
    #expect(Timestamp(milliseconds: .max) + .seconds(1) == Timestamp(milliseconds: .max))
    #expect(Timestamp(milliseconds: 5000) - Timestamp(milliseconds: 2000) == .seconds(3))
    let a = ActionKey(hex: "aa", namespace: "scene", readable: "scene:s1", canonicalBytes: [])
    #expect(EffectRecord.key(action: a, kind: "image") != EffectRecord.key(action: a, kind: "video"))
    #expect(EffectRecord.key(action: a, kind: "image") != EffectRecord.key(action: a, kind: "image", discriminator: "2"))
    #expect(EffectRecord.key(action: a, kind: "image").count == 64)
  }
}

/// An in-memory ledger with deliberate contract breaches, to prove the checks can fail.
actor SloppyLedger: DispatchLedger {
  let inner = InMemoryLedger()
  let ignoreFencing: Bool
  let ignoreUniqueActions: Bool
  /// Stores effects without their claim (no lease, token or attempts): a ledger that never
  /// added the claim columns.
  let forgetsClaims: Bool

  init(ignoreFencing: Bool = false, ignoreUniqueActions: Bool = false, forgetsClaims: Bool = false) {
    self.ignoreFencing = ignoreFencing
    self.ignoreUniqueActions = ignoreUniqueActions
    self.forgetsClaims = forgetsClaims
  }

  func read<R: Sendable>(_ body: @Sendable (any LedgerReader) throws(LedgerError) -> R) async throws(LedgerError) -> R {
    try await inner.read(body)
  }

  func write<R: Sendable>(_ body: @Sendable (any LedgerTransaction) throws(LedgerError) -> R)
    async throws(LedgerError) -> R
  {
    let (fencing, unique, claims) = (ignoreFencing, ignoreUniqueActions, forgetsClaims)
    return try await inner.write { tx throws(LedgerError) in
      try body(SloppyTransaction(inner: tx, ignoreFencing: fencing, ignoreUniqueActions: unique, forgetsClaims: claims))
    }
  }
}

final class SloppyTransaction: LedgerTransaction {
  let inner: any LedgerTransaction
  let ignoreFencing: Bool
  let ignoreUniqueActions: Bool
  let forgetsClaims: Bool

  init(inner: any LedgerTransaction, ignoreFencing: Bool, ignoreUniqueActions: Bool, forgetsClaims: Bool) {
    self.inner = inner
    self.ignoreFencing = ignoreFencing
    self.ignoreUniqueActions = ignoreUniqueActions
    self.forgetsClaims = forgetsClaims
  }

  func turn(_ id: TurnID) throws(LedgerError) -> TurnRecord? { try inner.turn(id) }
  func turns(project: ProjectID?) throws(LedgerError) -> [TurnRecord] { try inner.turns(project: project) }
  func phases(turn: TurnID) throws(LedgerError) -> [PhaseRecord] { try inner.phases(turn: turn) }
  func action(scope: DispatchScope, key: String) throws(LedgerError) -> ActionRecord? {
    try inner.action(scope: scope, key: key)
  }
  func actions(turn: TurnID) throws(LedgerError) -> [ActionRecord] { try inner.actions(turn: turn) }
  func effect(key: String) throws(LedgerError) -> EffectRecord? { try inner.effect(key: key) }
  func effects(turn: TurnID) throws(LedgerError) -> [EffectRecord] { try inner.effects(turn: turn) }
  func effects(status: EffectStatus, limit: Int) throws(LedgerError) -> [EffectRecord] {
    try inner.effects(status: status, limit: limit)
  }
  func entity(project: ProjectID, table: String, key: String) throws(LedgerError) -> EntityRecord? {
    try inner.entity(project: project, table: table, key: key)
  }
  func entities(project: ProjectID, table: String?) throws(LedgerError) -> [EntityRecord] {
    try inner.entities(project: project, table: table)
  }
  func events(turn: TurnID, after: Int64) throws(LedgerError) -> [LedgerEvent] { try inner.events(turn: turn, after: after) }
  func insertTurn(_ record: TurnRecord) throws(LedgerError) { try inner.insertTurn(record) }
  func updateTurn(_ record: TurnRecord) throws(LedgerError) -> TurnRecord { try inner.updateTurn(record) }
  func putPhase(_ record: PhaseRecord) throws(LedgerError) { try inner.putPhase(record) }

  func insertAction(_ record: ActionRecord) throws(LedgerError) {
    if ignoreUniqueActions, let stored = try inner.action(scope: record.scope, key: record.key.hex) {
      // Overwrites the stored record instead of refusing the duplicate.
      try inner.updateAction(record, expectedToken: stored.fencingToken)
      return
    }
    try inner.insertAction(record)
  }

  func updateAction(_ record: ActionRecord, expectedToken: Int64) throws(LedgerError) {
    if ignoreFencing, let stored = try inner.action(scope: record.scope, key: record.key.hex) {
      var forced = record
      forced.fencingToken = max(record.fencingToken, stored.fencingToken)
      try inner.updateAction(forced, expectedToken: stored.fencingToken)
      return
    }
    try inner.updateAction(record, expectedToken: expectedToken)
  }

  func insertEffect(_ record: EffectRecord) throws(LedgerError) { try inner.insertEffect(record) }
  func updateEffect(_ record: EffectRecord) throws(LedgerError) -> EffectRecord {
    guard forgetsClaims else { return try inner.updateEffect(record) }
    var forgotten = record
    (forgotten.lease, forgotten.fencingToken, forgotten.attempts) = (nil, 0, 0)
    return try inner.updateEffect(forgotten)
  }
  func claimableEffects(kinds: [String], now: Timestamp, limit: Int) throws(LedgerError) -> [EffectRecord] {
    try inner.claimableEffects(kinds: kinds, now: now, limit: limit)
  }
  func putEntity(_ record: EntityRecord) throws(LedgerError) { try inner.putEntity(record) }
  func appendEvent(_ event: LedgerEvent) throws(LedgerError) -> Int64 { try inner.appendEvent(event) }
  func streamChunks(turn: TurnID, stream: String) throws(LedgerError) -> [StreamChunkRecord] {
    try inner.streamChunks(turn: turn, stream: stream)
  }
  func putStreamChunk(_ record: StreamChunkRecord) throws(LedgerError) { try inner.putStreamChunk(record) }
  func deleteStreamChunks(turn: TurnID, stream: String) throws(LedgerError) {
    try inner.deleteStreamChunks(turn: turn, stream: stream)
  }
}
