import CoreMetrics
import Logging
import Tracing

/// What the dispatcher reports, one method per thing that happens (each a line at the
/// place it happens; see ``Telemetry`` for the contract). Log metadata keys: `slate.turn`,
/// `slate.key` (the readable key), `slate.handler`, `slate.attempt`, `slate.code` …
extension Telemetry {
  // MARK: Actions

  /// Counts what one dispatch (a batch, or a recovery) did with each action:
  /// ``MetricName/actions`` by outcome, rejections included. O(the result's actions).
  func count(_ result: DispatchResult) {
    var counts = ActionCounts()
    for tally in result.actions.values { counts.add(tally.kind) }
    func add(_ kind: Outcome.Kind, _ n: Int) { if n > 0 { actionCounters[kind]?.increment(by: n) } }
    add(.applied, counts.applied)
    add(.duplicate, counts.duplicates)
    add(.conflict, counts.conflicts)
    add(.failed, counts.failed)
    add(.ambiguous, counts.ambiguous)
    add(.planned, counts.planned)
    if !result.rejections.isEmpty { rejectedCounter.increment(by: result.rejections.count) }
  }

  /// Logs the rejections a batch carried into the dispatcher.
  func rejected(_ rejections: some Collection<DispatchResult.RejectionRef>, turn: TurnID) {
    for rejection in rejections {
      logger.debug("action rejected by the schema", metadata: [
        "slate.turn": "\(turn.rawValue)", "slate.type": "\(rejection.type ?? "?")",
        "slate.codes": "\(rejection.codes.joined(separator: ","))",
      ])
    }
  }

  /// Sets an action span's outcome attributes and logs the outcome (conflicts, failures
  /// and ambiguity at `debug`, the rest at `trace`).
  func finished(_ input: ActionInput, turn: TurnID, outcome: Outcome?, span: (any Span)?) {
    guard let outcome else { return }
    if let span {
      span.attributes["slate.action.outcome"] = outcome.kind.rawValue
      if let code = outcome.code { span.attributes["slate.action.outcome_code"] = code }
      if outcome.kind == .failed || outcome.kind == .ambiguous {
        span.setStatus(SpanStatus(code: .error, message: outcome.code))
      }
    }
    let level: Logger.Level = outcome.kind == .conflict || outcome.kind == .failed || outcome.kind == .ambiguous
      ? .debug : .trace
    // The message and metadata are autoclosures: nothing is built unless the level is on.
    logger.log(level: level, "action \(outcome.kind.rawValue)", metadata: [
      "slate.turn": "\(turn.rawValue)", "slate.key": "\(input.key.readable)", "slate.type": "\(input.type)",
      "slate.outcome": "\(outcome.kind.rawValue)", "slate.code": "\(outcome.code ?? "")",
    ])
  }

  // MARK: Handler calls

  /// Calls `body` (one handler call) inside a `slate.handler_call` span (a child of the
  /// action's), timing it (``MetricName/handlerDuration``) and counting its result
  /// (``MetricName/handlerCalls``); errors pass through unchanged.
  func call(_ handler: String, _ call: HandlerCall, isolation: isolated (any Actor)? = #isolation,
            _ body: () async throws -> HandlerResult) async throws -> HandlerResult
  {
    let metrics = self.handler(handler)
    let started = ContinuousClock.now
    func done(_ result: CallResult, code: String?, span: (any Span)?) {
      metrics.duration.recordNanoseconds((ContinuousClock.now - started).nanoseconds)
      metrics.calls[result.rawValue]?.increment()
      span?.attributes["slate.call.result"] = result.rawValue
      if let code { span?.attributes["slate.call.code"] = code }
      logger.trace("handler call \(result.rawValue)", metadata: [
        "slate.turn": "\(call.turn.rawValue)", "slate.key": "\(call.key.readable)", "slate.handler": "\(handler)",
        "slate.attempt": "\(call.attempt)", "slate.code": "\(code ?? "")",
      ])
    }
    func run(_ span: (any Span)?) async throws -> HandlerResult {
      do {
        let answer = try await body()
        done(.success, code: nil, span: span)
        return answer
      } catch let failure as HandlerFailure {
        switch failure {
        case .transient: done(.transient, code: failure.code, span: span)
        case .permanent: done(.permanent, code: failure.code, span: span)
        case .ambiguous: done(.ambiguous, code: failure.code, span: span)
        }
        throw failure
      } catch let error as SimulatedCrash {
        done(.stopped, code: nil, span: span)
        throw error
      } catch let error as CancellationError {
        done(.stopped, code: nil, span: span)
        throw error
      } catch {
        done(.unclassified, code: "handler.unclassified", span: span)
        throw error
      }
    }
    guard traces else { return try await run(nil) }
    return try await tracer.withSpan("slate.handler_call", ofKind: .client) { span in
      span.attributes["slate.handler"] = handler
      span.attributes["slate.idempotency_key"] = call.key.hex
      span.attributes["slate.action.key"] = call.key.readable
      span.attributes["slate.action.type"] = call.type
      span.attributes["slate.attempt"] = call.attempt
      span.attributes["slate.fencing_token"] = call.fencingToken
      return try await run(span)
    }
  }

  /// A failed call is made again after `pause`: logged and counted (``MetricName/retries``).
  func retrying(_ handler: String, record: ActionRecord, after failure: HandlerFailure, attempt: Int, pause: Duration) {
    let reason = if case .ambiguous = failure { "ambiguous" } else { "transient" }
    self.handler(handler).retries[reason]?.increment()
    logger.debug("retrying handler call", metadata: [
      "slate.turn": "\(record.turn.rawValue)", "slate.key": "\(record.key.readable)", "slate.handler": "\(handler)",
      "slate.attempt": "\(attempt)", "slate.code": "\(failure.code)", "slate.reason": "\(reason)",
      "slate.pause_ms": "\(pause.nanoseconds / 1_000_000)",
    ])
  }

  /// A handler's circuit breaker moved from `old` to `new` (nothing when they are alike):
  /// the gauge and the transition counter, and a `debug` line.
  func breaker(_ handler: String, from old: CircuitBreaker.State?, to new: CircuitBreaker.State?) {
    guard let new, (old?.metric.name ?? "closed") != new.metric.name else { return }
    let metrics = self.handler(handler)
    metrics.breakerState.record(new.metric.value)
    metrics.breakerChanges[new.metric.name]?.increment()
    logger.debug("circuit breaker \(new.metric.name)", metadata: [
      "slate.handler": "\(handler)", "slate.from": "\(old?.metric.name ?? "closed")", "slate.to": "\(new.metric.name)",
    ])
  }

  // MARK: Leases

  /// This dispatcher starts waiting for another holder's live lease.
  func leaseWait(_ wait: LeaseWait) {
    leaseWaits.increment()
    logger.debug("waiting for another holder's lease", metadata: [
      "slate.turn": "\(wait.turn.rawValue)", "slate.key": "\(wait.key)", "slate.holder": "\(wait.holder)",
      "slate.until_ms": "\(wait.until.milliseconds)",
    ])
  }

  /// This dispatcher leased an action whose earlier call may have gone out: a stopped
  /// dispatcher's lease taken over (`takeover`) or an ambiguous outcome being resolved
  /// (`ambiguous`).
  func resuming(_ record: ActionRecord, holder: String) {
    let reason = record.outcome?.kind == .ambiguous ? "ambiguous" : "takeover"
    counter(perResume, MetricName.leaseResumes, "reason", reason).increment()
    logger.debug(reason == "takeover" ? "lease taken over from a stopped dispatcher" : "resolving an ambiguous call",
                 metadata: [
                   "slate.turn": "\(record.turn.rawValue)", "slate.key": "\(record.key.readable)",
                   "slate.holder": "\(holder)", "slate.token": "\(record.fencingToken)",
                 ])
  }

  /// A lease was renewed while its call runs (`trace`).
  func leaseRenewed(_ record: ActionRecord, token: Int64) {
    leaseRenewals.increment()
    logger.trace("lease renewed", metadata: [
      "slate.turn": "\(record.turn.rawValue)", "slate.key": "\(record.key.readable)", "slate.token": "\(token)",
    ])
  }

  /// Lease renewal stopped on an error other than cancellation (the commit's fencing decides).
  func renewalStopped(_ record: ActionRecord, error: any Error) {
    guard !(error is CancellationError) else { return }
    logger.debug("lease renewal stopped", metadata: [
      "slate.turn": "\(record.turn.rawValue)", "slate.key": "\(record.key.readable)", "slate.error": "\(error)",
    ])
  }

  /// An outcome was not written: the lease was taken over during the call.
  func fenced(_ record: ActionRecord) {
    leaseFenced.increment()
    logger.debug("lease taken over during the call: outcome not written, reading the newer holder's", metadata: [
      "slate.turn": "\(record.turn.rawValue)", "slate.key": "\(record.key.readable)",
      "slate.token": "\(record.fencingToken)",
    ])
  }

  // MARK: Recovery and finalisation

  /// ``Dispatcher/recover(turn:)`` decided to resume `turn`.
  func recovering(_ turn: TurnRecord, reopened: TurnRecord, actions: Int) {
    logger.debug("recovering turn", metadata: [
      "slate.turn": "\(turn.id.rawValue)", "slate.from": "\(turn.status.rawValue)",
      "slate.to": "\(reopened.status.rawValue)", "slate.actions": "\(actions)",
    ])
  }

  /// A turn was ended (``Dispatcher/finalize(turn:as:reason:)`` or stale finalisation).
  func finalized(_ turn: TurnRecord) {
    logger.debug("turn finalised", metadata: [
      "slate.turn": "\(turn.id.rawValue)", "slate.status": "\(turn.status.rawValue)",
      "slate.reason": "\(turn.reason ?? "")", "slate.recoverability": "\(turn.recoverability?.code ?? "none")",
    ])
  }

  /// A stale turn moved meanwhile (another process): left alone.
  func staleTurnMoved(_ turn: TurnRecord) {
    logger.debug("stale turn moved meanwhile: left alone", metadata: ["slate.turn": "\(turn.id.rawValue)"])
  }
}

extension Duration {
  /// Whole nanoseconds (saturating).
  var nanoseconds: Int64 {
    let (seconds, attoseconds) = components
    let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
    return overflow ? (seconds < 0 ? .min : .max) : product &+ attoseconds / 1_000_000_000
  }
}

extension Dispatcher {
  /// ``process(_:turn:action:into:)`` inside a `slate.action` span (when tracing) with the
  /// idempotency key, type, queue and phase, then the outcome; logs the outcome.
  func traced(_ input: ActionInput, turn: TurnRecord, action ref: DispatchResult.ActionRef,
              into result: inout DispatchResult) async throws
  {
    guard telemetry.traces else {
      try await process(input, turn: turn, action: ref, into: &result)
      telemetry.finished(input, turn: turn.id, outcome: Self.outcome(of: ref, key: input.key, in: result), span: nil)
      return
    }
    try await telemetry.tracer.withSpan("slate.action") { span in
      span.attributes["slate.turn"] = turn.id.rawValue
      span.attributes["slate.idempotency_key"] = input.key.scoped(turn.scope).hex
      span.attributes["slate.action.key"] = input.key.readable
      span.attributes["slate.action.type"] = input.type
      span.attributes["slate.action.queue"] = input.queue
      if let phase = input.phase { span.attributes["slate.phase"] = phase }
      try await process(input, turn: turn, action: ref, into: &result)
      telemetry.finished(input, turn: turn.id, outcome: Self.outcome(of: ref, key: input.key, in: result), span: span)
    }
  }

  /// The outcome of one action (its place `ref`): its kind from the per-action accounting,
  /// the code from the key's entry when that entry is of the same kind (a duplicate in the
  /// same batch as its original reports `duplicate`, not the key's `applied`).
  static func outcome(of ref: DispatchResult.ActionRef, key: ActionKey, in result: DispatchResult) -> Outcome? {
    guard let kind = result.actions[ref]?.kind else { return nil }
    if let entry = result.outcome(for: key), entry.kind == kind { return entry }
    return Outcome(kind: kind)
  }
}
