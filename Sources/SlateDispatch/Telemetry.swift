import CoreMetrics
import Logging
import Synchronization
import Tracing

/// Where the dispatch and turn layers report what they do: a swift-log `Logger`, a
/// swift-metrics factory and a swift-distributed-tracing tracer. A ``Dispatcher`` holds one
/// (``Dispatcher/telemetry``); a ``LiveTurn`` uses its dispatcher's.
///
/// ## Design
///
/// The engine's rule is "simdjson and the standard library". The three packages used here
/// are the server ecosystem's *API* packages: each is a few protocols and small value
/// types with no dependency of its own and no backend (the host bootstraps or passes one:
/// swift-log's handlers, swift-prometheus or swift-otel for metrics and traces), made so
/// that libraries can speak them without choosing for the host. So they are allowed, in
/// the layers that have something to report and nowhere else:
/// - `SlateDispatch` (this type; retries, breaker changes, leases, recovery and
///   finalisation decisions, action outcomes, handler calls) and `SlateTurn` (turn and
///   phase spans, bytes parsed, time to first action, provider errors); `SlateSQLite` logs
///   its busy retries;
/// - never `SlateCore`, `SlateSSE`, `SlateJSON`, `SlateSchema`, `SlateStream`: the parsers
///   report through their items and diagnostics, which the turn layer turns into logs,
///   metrics and span events;
/// - `CoreMetrics`, not `Metrics` (which imports Foundation).
///
/// An observer protocol of our own with adapters in a separate module was the alternative;
/// it would add a vocabulary every host has to bridge, cannot carry the task-local trace
/// context into a handler (a handler's own HTTP spans become children of the handler-call
/// span here), and the issue asks for a `Logger` on every entry point.
///
/// ## Contract
///
/// - The library logs at `trace` and `debug` only, never prints. A nil logger (the default)
///   is silent: no global `LoggingSystem` is consulted.
/// - Metrics go to the given factory, else to `MetricsSystem.factory` at creation (a no-op
///   until the host bootstraps one). Names and dimensions: ``MetricName`` (and the README's
///   table). The handles are made once (per handler name for the handler metrics), so a
///   count costs one handler call.
/// - Spans go to the given tracer, else `InstrumentationSystem.tracer`; with the no-op
///   tracer no span is started at all (no task-local push per action).
///
/// Thread-safe (`Sendable`): the per-handler handles sit behind a `Mutex`.
public final class Telemetry: Sendable {
  public let logger: Logger
  public let metrics: any MetricsFactory
  public let tracer: any Tracer
  /// False for the no-op tracer: spans are skipped.
  public let traces: Bool

  let actionCounters: [Outcome.Kind: Counter]
  let rejectedCounter: Counter
  let leaseRenewals: Counter
  let leaseWaits: Counter
  let leaseFenced: Counter
  let bytesParsed: Counter
  let firstAction: CoreMetrics.Timer
  let perHandler = Mutex<[String: HandlerMetrics]>([:])
  let perStatus = Mutex<[String: Counter]>([:])
  let perResume = Mutex<[String: Counter]>([:])

  /// - Parameters:
  ///   - logger: where to log (`trace`/`debug`); nil: nowhere.
  ///   - metrics: the metrics backend; nil: `MetricsSystem.factory`.
  ///   - tracer: the tracer; nil: `InstrumentationSystem.tracer`.
  public init(logger: Logger? = nil, metrics: (any MetricsFactory)? = nil, tracer: (any Tracer)? = nil) {
    self.logger = logger ?? Telemetry.silentLogger
    let factory = metrics ?? MetricsSystem.factory
    self.metrics = factory
    let tracer = tracer ?? InstrumentationSystem.tracer
    self.tracer = tracer
    traces = !(tracer is NoOpTracer)
    var counters: [Outcome.Kind: Counter] = [:]
    for kind in Outcome.Kind.allCases {
      counters[kind] = Counter(label: MetricName.actions, dimensions: [("outcome", kind.rawValue)], factory: factory)
    }
    actionCounters = counters
    rejectedCounter = Counter(label: MetricName.actions, dimensions: [("outcome", "rejected")], factory: factory)
    leaseRenewals = Counter(label: MetricName.leaseRenewals, factory: factory)
    leaseWaits = Counter(label: MetricName.leaseWaits, factory: factory)
    leaseFenced = Counter(label: MetricName.leaseFenced, factory: factory)
    bytesParsed = Counter(label: MetricName.bytesParsed, factory: factory)
    firstAction = CoreMetrics.Timer(label: MetricName.timeToFirstAction, factory: factory)
  }

  /// Counts raw stream bytes read (``MetricName/bytesParsed``): for the turn layer.
  public func countParsed(bytes: Int) { bytesParsed.increment(by: bytes) }

  /// Records a phase's time to its first valid action (``MetricName/timeToFirstAction``).
  public func recordFirstAction(after elapsed: Duration) { firstAction.recordNanoseconds(elapsed.nanoseconds) }

  /// Counts a turn that ended with `status` (``MetricName/turns``).
  public func countTurn(status: TurnStatus) { counter(perStatus, MetricName.turns, "status", status.rawValue).increment() }

  /// The same metrics and tracer, another logger (an entry point given its own).
  public func with(logger: Logger?) -> Telemetry {
    guard let logger else { return self }
    return Telemetry(logger: logger, metrics: metrics, tracer: tracer)
  }

  /// A logger that drops everything (what a nil logger means).
  public static let silentLogger = Logger(label: "slate", factory: { _ in SwiftLogNoOpLogHandler() })

  /// The metric handles of one handler name, made on first use.
  struct HandlerMetrics: @unchecked Sendable {
    var calls: [String: Counter]
    var duration: CoreMetrics.Timer
    var retries: [String: Counter]
    var breakerState: Gauge
    var breakerChanges: [String: Counter]

    init(_ name: String, factory: any MetricsFactory) {
      let handler = ("handler", name)
      func counters(_ label: String, _ dimension: String, _ values: [String]) -> [String: Counter] {
        Dictionary(uniqueKeysWithValues: values.map { value in
          (value, Counter(label: label, dimensions: [handler, (dimension, value)], factory: factory))
        })
      }
      calls = counters(MetricName.handlerCalls, "result", CallResult.allCases.map(\.rawValue))
      duration = CoreMetrics.Timer(label: MetricName.handlerDuration, dimensions: [handler], factory: factory)
      retries = counters(MetricName.retries, "reason", ["transient", "ambiguous"])
      breakerState = Gauge(label: MetricName.breakerState, dimensions: [handler], factory: factory)
      breakerChanges = counters(MetricName.breakerTransitions, "to", ["closed", "open", "half_open"])
    }
  }

  func handler(_ name: String) -> HandlerMetrics {
    perHandler.withLock { table in
      if let found = table[name] { return found }
      let made = HandlerMetrics(name, factory: metrics)
      table[name] = made
      return made
    }
  }

  /// A counter with one dimension whose values are open (turn statuses, resume reasons),
  /// made on first use.
  func counter(_ table: borrowing Mutex<[String: Counter]>, _ label: String, _ dimension: String, _ value: String)
    -> Counter
  {
    table.withLock { counters in
      if let found = counters[value] { return found }
      let made = Counter(label: label, dimensions: [(dimension, value)], factory: metrics)
      counters[value] = made
      return made
    }
  }

  /// How one handler call ended, for ``MetricName/handlerCalls`` and the call's span.
  public enum CallResult: String, Sendable, CaseIterable {
    case success, transient, permanent, ambiguous
    /// An error that is not a ``HandlerFailure`` (treated as ambiguous).
    case unclassified
    /// ``SimulatedCrash`` or `CancellationError`: the dispatch stopped during the call.
    case stopped
  }
}

/// The metric labels Slate reports (Prometheus-style names; timers record nanoseconds, the
/// exporters convert). The README's metrics table documents each with its dimensions.
public enum MetricName {
  /// Counter; `outcome`: applied, duplicate, conflict, rejected, failed, ambiguous, planned.
  /// Every action that reaches a dispatch, once per dispatch (so a replay's duplicates
  /// count again, as duplicates).
  public static let actions = "slate_actions_total"
  /// Counter; `handler`, `result` (``Telemetry/CallResult``).
  public static let handlerCalls = "slate_handler_calls_total"
  /// Timer (ns); `handler`: each handler call's latency.
  public static let handlerDuration = "slate_handler_duration_seconds"
  /// Counter; `handler`, `reason` (transient, ambiguous): calls made again after a pause.
  public static let retries = "slate_retries_total"
  /// Gauge; `handler`: the circuit breaker's state after each change (0 closed, 1 half-open,
  /// 2 open).
  public static let breakerState = "slate_breaker_state"
  /// Counter; `handler`, `to` (closed, open, half_open): breaker state changes.
  public static let breakerTransitions = "slate_breaker_transitions_total"
  /// Counter; `reason` (takeover, ambiguous): leases taken on an action whose earlier call
  /// may have gone out (a stopped dispatcher's expired lease, or an ambiguous outcome).
  public static let leaseResumes = "slate_lease_resumes_total"
  /// Counter: lease renewals while a handler call runs.
  public static let leaseRenewals = "slate_lease_renewals_total"
  /// Counter: waits for another holder's live lease (once per holder and expiry).
  public static let leaseWaits = "slate_lease_waits_total"
  /// Counter: outcomes not written because the lease was taken over meanwhile.
  public static let leaseFenced = "slate_lease_fenced_total"
  /// Counter: raw stream bytes a live turn read.
  public static let bytesParsed = "slate_bytes_parsed_total"
  /// Timer (ns): from the start of a live turn's phase to its first valid action.
  public static let timeToFirstAction = "slate_time_to_first_action_seconds"
  /// Counter; `status`: turns a live turn finished (its final status).
  public static let turns = "slate_turns_total"
}

extension CircuitBreaker.State {
  /// The `to` dimension's value and the gauge's number (0 closed, 1 half-open, 2 open).
  var metric: (name: String, value: Int) {
    switch self {
    case .closed: ("closed", 0)
    case .halfOpen: ("half_open", 1)
    case .open: ("open", 2)
    }
  }
}
