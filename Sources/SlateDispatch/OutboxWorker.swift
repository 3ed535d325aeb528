import Synchronization

/// Runs one outbox job: what a worker calls for each effect it claimed.
///
/// Delivery is at least once (see ``Outbox``): a job may be run again after a worker died
/// between running it and acknowledging it, so an implementation passes
/// ``EffectRecord/key`` on as the job's idempotency key (or checks it itself) so that a
/// second run has the effect of one. Throw ``HandlerFailure/permanent(code:message:)`` for
/// a job that can never succeed (it goes to the dead-letter state at once); any other error
/// is a failed attempt, retried with backoff within the attempt budget.
public protocol EffectHandler: Sendable {
  func run(_ effect: EffectRecord) async throws
}

/// Drains an outbox with one ``EffectHandler`` until stopped: claims a few entries, runs
/// them one at a time (renewing each claim while its job runs, and renewing it once before
/// the call so that a claim taken over while it waited is never run), acknowledges each.
///
/// ``stop()`` (from a signal handler, another task, anywhere) lets the job in flight finish
/// and be acknowledged, releases the claims not yet started, and makes ``run()`` return.
public final class OutboxWorker: Sendable {
  public struct Configuration: Sendable {
    /// The kinds this worker runs (any kind when empty).
    public var kinds: [String]
    /// Entries claimed at once (≥ 1).
    public var batch: Int
    /// How long to wait before looking again when nothing is claimable (real time).
    public var pollInterval: Duration
    /// Return when nothing is claimable instead of polling (a one-shot drain).
    public var untilEmpty: Bool

    public init(kinds: [String] = [], batch: Int = 4, pollInterval: Duration = .milliseconds(200),
                untilEmpty: Bool = false)
    {
      self.kinds = kinds
      self.batch = max(1, batch)
      self.pollInterval = max(.milliseconds(1), pollInterval)
      self.untilEmpty = untilEmpty
    }
  }

  /// What a run did, by entry.
  public struct Summary: Sendable, Hashable {
    /// Jobs run and acknowledged.
    public var completed = 0
    /// Failed attempts with a retry due.
    public var failed = 0
    /// Failed attempts that went to the dead-letter state.
    public var dead = 0
    /// Claims given back unrun when stopping.
    public var released = 0
    /// Claims found taken over (by a worker that saw this one's lease expire) before the
    /// call or at the acknowledgement.
    public var fenced = 0

    public init() {}
  }

  public let outbox: Outbox
  public let handler: any EffectHandler
  public let configuration: Configuration
  /// Called after each entry is settled (completed, failed, dead, released or fenced).
  public let onSettled: (@Sendable (EffectRecord, Settlement) -> Void)?
  private let stopping = Atomic<Bool>(false)

  /// How one claimed entry ended for this worker.
  public enum Settlement: String, Sendable, Hashable {
    case completed, failed, dead, released, fenced
  }

  public init(outbox: Outbox, handler: any EffectHandler, configuration: Configuration = Configuration(),
              onSettled: (@Sendable (EffectRecord, Settlement) -> Void)? = nil)
  {
    self.outbox = outbox
    self.handler = handler
    self.configuration = configuration
    self.onSettled = onSettled
  }

  /// Asks ``run()`` to stop after the job in flight. Safe from any thread.
  public func stop() { stopping.store(true, ordering: .sequentiallyConsistent) }

  public var isStopping: Bool { stopping.load(ordering: .sequentiallyConsistent) }

  /// Claims and runs entries until ``stop()`` (or, with ``Configuration/untilEmpty``, until
  /// nothing is claimable). Throws the ledger's errors (a storage failure ends the run;
  /// claims it held expire and are taken by other workers).
  public func run() async throws(LedgerError) -> Summary {
    var summary = Summary()
    while !isStopping {
      let claims = try await outbox.claim(kinds: configuration.kinds, limit: configuration.batch)
      if claims.isEmpty {
        if configuration.untilEmpty { break }
        try? await Task.sleep(for: configuration.pollInterval)
        continue
      }
      for (index, claim) in claims.enumerated() {
        if isStopping {
          for rest in claims[index...] { try await settle(rest, .released, &summary) }
          break
        }
        try await runOne(claim, &summary)
      }
    }
    return summary
  }

  /// Renews the claim, runs the job (renewing meanwhile), acknowledges the outcome.
  private func runOne(_ claim: EffectRecord, _ summary: inout Summary) async throws(LedgerError) {
    let (key, token) = (claim.key, claim.fencingToken)
    do {
      try await outbox.renew(key: key, token: token)
    } catch .fenced {
      return try await settle(claim, .fenced, &summary)
    }
    let renewal = renewing(key: key, token: token)
    var failure: (message: String, permanent: Bool)?
    do {
      try await handler.run(claim)
    } catch let error as HandlerFailure {
      if case .permanent = error { failure = (error.description, true) } else { failure = (error.description, false) }
    } catch {
      failure = ("handler.unclassified: \(error)", false)
    }
    renewal.cancel()
    _ = await renewal.value
    do {
      if let failure {
        let stored = try await outbox.fail(key: key, token: token, error: failure.message, permanent: failure.permanent)
        try await settle(stored, stored.status == .dead ? .dead : .failed, &summary)
      } else {
        try await settle(try await outbox.complete(key: key, token: token), .completed, &summary)
      }
    } catch .fenced {
      try await settle(claim, .fenced, &summary)
    }
  }

  /// Counts (and, for a release, writes) how an entry ended.
  private func settle(_ effect: EffectRecord, _ how: Settlement, _ summary: inout Summary) async throws(LedgerError) {
    var settled = effect
    switch how {
    case .completed: summary.completed += 1
    case .failed: summary.failed += 1
    case .dead: summary.dead += 1
    case .fenced: summary.fenced += 1
    case .released:
      do {
        settled = try await outbox.release(key: effect.key, token: effect.fencingToken)
        summary.released += 1
      } catch .fenced {
        summary.fenced += 1
        onSettled?(effect, .fenced)
        return
      }
    }
    onSettled?(settled, how)
  }

  /// A task renewing the claim every third of the lease (real time) until cancelled or
  /// taken over.
  private func renewing(key: String, token: Int64) -> Task<Void, Never> {
    let (outbox, every) = (self.outbox, max(.milliseconds(1), outbox.policy.leaseDuration / 3))
    return Task {
      while !Task.isCancelled {
        do {
          try await Task.sleep(for: every)
          try await outbox.renew(key: key, token: token)
        } catch {
          return
        }
      }
    }
  }
}
