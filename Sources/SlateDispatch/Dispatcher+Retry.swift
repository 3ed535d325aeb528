extension Dispatcher {
  /// What the calls for one action came to.
  struct Attempted: Sendable {
    var status: ActionStatus
    var outcome: Outcome
    /// The successful call's writes.
    var writes: HandlerResult?
    var calls: Int
  }

  /// Calls the handler until it succeeds, fails for good, or a budget ends:
  /// - transient failures: retried after a full-jitter backoff (``RetryPolicy``) while
  ///   attempts and the action's time remain (`failed`, retryable, when they run out);
  /// - permanent failures: `failed` at once, not retryable;
  /// - ambiguous failures (and errors that are not a ``HandlerFailure``): called again with
  ///   the same key only when the handler is idempotent by key; else `ambiguous`;
  /// - an open circuit, a spent call or time budget: no call; `failed` retryable (or
  ///   `ambiguous` when an earlier call of this dispatch ended ambiguous).
  /// ``SimulatedCrash`` and `CancellationError` propagate at once.
  func callWithRetries(_ handler: any ActionHandler, name: String, record: ActionRecord, turn: TurnRecord,
                       resolving: Bool) async throws -> Attempted
  {
    let started = clock.now()
    var calls = 0
    var ambiguous: HandlerFailure? = resolving && !handler.idempotentByKey
      ? .ambiguous(code: "dispatch.ambiguous", message: "an earlier call may have gone out") : nil
    var resolvingAmbiguity = resolving
    let budget = configuration.budget

    func stop(_ code: String, _ message: String) -> Attempted {
      if let ambiguous {
        return Attempted(status: .ambiguous, outcome: .ambiguous(
          code: ambiguous.code, message: ambiguous.message + "; then " + message,
          retryable: handler.idempotentByKey, attempts: calls), writes: nil, calls: calls)
      }
      return Attempted(status: .failed, outcome: .failed(code: code, message: message, retryable: true, attempts: calls),
                       writes: nil, calls: calls)
    }

    while true {
      if let spent = timeBudgetSpent(turn.id) { return stop(spent.code!, spent.message!) }
      if usage[turn.id, default: Usage(startedAt: started)].calls >= budget.maxHandlerCalls {
        return stop("dispatch.budget_calls", "the turn's budget of \(budget.maxHandlerCalls) handler calls is spent")
      }
      var breaker = breakers[name] ?? CircuitBreaker(failureThreshold: configuration.breakerThreshold,
                                                     cooldown: configuration.breakerCooldown)
      let before = breakers[name]?.state
      guard breaker.allow(at: clock.now()) else {
        breakers[name] = breaker
        return stop("dispatch.circuit_open", "the circuit of \(name) is open after repeated failures")
      }
      breakers[name] = breaker
      telemetry.breaker(name, from: before, to: breaker.state)
      defer { telemetry.breaker(name, from: breaker.state, to: breakers[name]?.state) }
      calls += 1
      usage[turn.id, default: Usage(startedAt: started)].calls += 1
      let call = HandlerCall(
        turn: turn.id, project: turn.project, scope: record.scope, key: record.scopedKey, type: record.type, queue: record.queue,
        phase: record.phase, payload: record.payload, effects: record.effects, upsert: record.upsert, attempt: calls,
        fencingToken: record.fencingToken, resolvingAmbiguity: resolvingAmbiguity)

      let failure: HandlerFailure
      do {
        let answer = try await telemetry.call(name, call) { try await handler.handle(call) }
        breakers[name]?.recordSuccess()
        return Attempted(status: .applied, outcome: .applied(answer.result, attempts: calls), writes: answer,
                         calls: calls)
      } catch let crash as SimulatedCrash {
        throw crash
      } catch let cancelled as CancellationError {
        throw cancelled
      } catch let classified as HandlerFailure {
        failure = classified
      } catch {
        failure = .ambiguous(code: "handler.unclassified", message: String(describing: error))
      }

      switch failure {
      case .permanent(let code, let message):
        // A definite answer: the handler is healthy, the request is not.
        breakers[name]?.recordSuccess()
        return Attempted(status: .failed, outcome: .failed(code: code, message: message, retryable: false,
                                                           attempts: calls), writes: nil, calls: calls)
      case .transient(let code, let message, let retryAfter):
        breakers[name]?.recordFailure(at: clock.now())
        guard let pause = retryDelay(after: calls, retryAfter: retryAfter, started: started) else {
          return stop(code, message + " (retries exhausted after \(calls) calls)")
        }
        telemetry.retrying(name, record: record, after: failure, attempt: calls, pause: pause)
        try await sleep(pause)
      case .ambiguous:
        breakers[name]?.recordFailure(at: clock.now())
        ambiguous = failure
        resolvingAmbiguity = true
        guard handler.idempotentByKey,
          let pause = retryDelay(after: calls, retryAfter: nil, started: started)
        else {
          return Attempted(status: .ambiguous, outcome: .ambiguous(
            code: failure.code, message: failure.message, retryable: handler.idempotentByKey, attempts: calls),
                           writes: nil, calls: calls)
        }
        telemetry.retrying(name, record: record, after: failure, attempt: calls, pause: pause)
        try await sleep(pause)
      }
    }
  }

  /// The pause before the next call, or nil when the attempts or the action's time budget
  /// do not allow one.
  func retryDelay(after calls: Int, retryAfter: Duration?, started: Timestamp) -> Duration? {
    guard calls < policy.maxAttempts else { return nil }
    let pause = policy.delay(retry: calls, retryAfter: retryAfter, random: &random)
    guard (clock.now() - started) + pause <= policy.maxElapsed else { return nil }
    return pause
  }
}
