import Logging
import ServiceLifecycle
import SlateDispatch

/// A dispatcher's background duty as a swift-service-lifecycle `Service`, for `slate`'s
/// long-running commands and for hosts that run the dispatcher in a `ServiceGroup` (with
/// `gracefulShutdownSignals: [.sigterm]`).
///
/// Every ``Configuration/interval`` it runs one **sweep** (``Sweep``; by default
/// ``Sweep/recoverStaleTurns(olderThan:project:)``: the running turns that made no
/// progress for a while are finalised stale, and those with unfinished actions are
/// recovered and finalised again, as `slate recover` does).
///
/// Graceful shutdown (SIGTERM through the group): a sweep in progress runs to its end, so
/// a handler call that went out is recorded and no lease is left held for nothing; no new
/// sweep starts; the wait between sweeps ends at once; then ``run()`` returns. Task
/// cancellation (the group's escalation, a second signal) stops at once: the dispatcher's
/// own cancellation rules apply (an action in flight stays leased until its lease expires,
/// and the next sweep or `slate recover` finishes it).
///
/// Lives in its own module, `SlateService`: swift-service-lifecycle brings
/// swift-async-algorithms and swift-collections, which the engine does not need.
public struct DispatchService: Service {
  /// One unit of background work: what a sweep does with the dispatcher.
  public struct Sweep: Sendable {
    public let name: String
    public let body: @Sendable (Dispatcher, Logger) async throws -> Void

    public init(name: String, _ body: @escaping @Sendable (Dispatcher, Logger) async throws -> Void) {
      self.name = name
      self.body = body
    }

    /// Stale-run finalisation, then recovery of what the ended turns left unfinished: each
    /// running turn (of `project`, or all) without progress for `threshold` is finalised
    /// (``Dispatcher/finalizeStale(olderThan:project:)``); each of those that is
    /// resumable is recovered (``Dispatcher/recover(turn:)``, which reopens it) and
    /// finalised again.
    public static func recoverStaleTurns(olderThan threshold: Duration, project: ProjectID? = nil) -> Sweep {
      Sweep(name: "recover-stale-turns") { dispatcher, logger in
        for ended in try await dispatcher.finalizeStale(olderThan: threshold, project: project) {
          // An operator decides (`none`); the outbox carries on (`continue_effects`).
          switch ended.recoverability {
          case .retryFromStart?, .resumeFromPhase?: break
          default: continue
          }
          logger.debug("recovering a stale turn", metadata: ["slate.turn": "\(ended.id.rawValue)"])
          _ = try await dispatcher.recover(turn: ended.id)
          try await dispatcher.finalize(turn: ended.id)
        }
      }
    }
  }

  public struct Configuration: Sendable {
    /// The pause between the end of one sweep and the start of the next.
    public var interval: Duration
    public var sweep: Sweep

    public init(interval: Duration = .seconds(5), sweep: Sweep = .recoverStaleTurns(olderThan: .seconds(60))) {
      self.interval = interval
      self.sweep = sweep
    }
  }

  public let dispatcher: Dispatcher
  public let configuration: Configuration
  let logger: Logger

  /// - Parameter logger: where the service logs (`debug`: sweeps, shutdown); nil: the
  ///   dispatcher's logger.
  public init(dispatcher: Dispatcher, configuration: Configuration = Configuration(), logger: Logger? = nil) {
    self.dispatcher = dispatcher
    self.configuration = configuration
    self.logger = logger ?? dispatcher.telemetry.logger
  }

  /// Sweeps until graceful shutdown (the current sweep finishes first) or cancellation.
  public func run() async throws {
    var sweeps = 0
    while !Task.isShuttingDownGracefully {
      try Task.checkCancellation()
      try await configuration.sweep.body(dispatcher, logger)
      sweeps += 1
      logger.trace("sweep done", metadata: ["slate.sweep": "\(configuration.sweep.name)", "slate.sweeps": "\(sweeps)"])
      // The pause ends early on graceful shutdown (the sleep is cancelled); a real
      // cancellation is seen at the top of the loop.
      try? await cancelWhenGracefulShutdown { try await Task.sleep(for: configuration.interval) }
    }
    logger.debug("dispatch service stopped gracefully", metadata: ["slate.sweeps": "\(sweeps)"])
  }
}
