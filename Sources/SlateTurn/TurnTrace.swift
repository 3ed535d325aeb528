import CoreMetrics
import Logging
import SlateDispatch
import SlateSchema
import SlateStream
import Synchronization
import Tracing

/// What a ``LiveTurn`` reports besides its ledger (see ``Telemetry``): a `slate.turn`
/// span from its first phase to ``LiveTurn/finish()``, a `slate.phase` span per phase
/// stream (the parent of the dispatcher's `slate.action` and `slate.handler_call` spans,
/// bound as the task-local context while its batches are dispatched), the raw bytes read
/// (``MetricName/bytesParsed``), the time from a phase's start to its first valid action
/// (``MetricName/timeToFirstAction``, also a `slate.first_action` span event), the stream's
/// diagnostics (provider errors among them) and rejections at `debug`, and the turn's final
/// status (``MetricName/turns``).
///
/// A reference shared by the copies of one live turn, behind a `Mutex`. A turn span that
/// was never finished (the turn threw, or was dropped) is ended when the last copy goes,
/// with `slate.turn.unfinished`.
final class TurnTrace: Sendable {
  let turn: TurnID
  let telemetry: Telemetry

  struct State {
    var turnSpan: (any Span)?
    var phaseSpan: (any Span)?
    var phaseStarted: ContinuousClock.Instant?
    var phaseName = ""
    var sawAction = false
  }

  let state = Mutex(State())

  init(turn: TurnID, telemetry: Telemetry) {
    self.turn = turn
    self.telemetry = telemetry
  }

  deinit {
    state.withLock { state in
      state.phaseSpan?.end()
      guard let span = state.turnSpan else { return }
      span.attributes["slate.turn.unfinished"] = true
      span.end()
    }
  }

  var logger: Logger { telemetry.logger }

  /// A phase stream starts: its span (a child of the turn's, which starts with the first
  /// phase as a child of the caller's task-local context) and its clock.
  func phaseStarted(_ name: String, source: String) {
    let (tracer, traces, turn) = (telemetry.tracer, telemetry.traces, self.turn)
    state.withLock { state in
      state.phaseStarted = .now
      state.phaseName = name
      state.sawAction = false
      state.phaseSpan?.end()
      state.phaseSpan = nil
      guard traces else { return }
      if state.turnSpan == nil {
        let span = tracer.startSpan("slate.turn", context: InstrumentationContext.current ?? .topLevel)
        span.attributes["slate.turn"] = turn.rawValue
        state.turnSpan = span
      }
      let span = tracer.startSpan("slate.phase", context: state.turnSpan!.context)
      span.attributes["slate.turn"] = turn.rawValue
      span.attributes["slate.phase"] = name
      span.attributes["slate.stream.source"] = source
      state.phaseSpan = span
    }
    logger.trace("phase stream opened", metadata: ["slate.turn": "\(turn.rawValue)", "slate.phase": "\(name)"])
  }

  /// Runs `body` (a dispatch) with the phase span's context as the task-local one, so the
  /// dispatcher's spans are its children.
  func bound<T>(isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> T) async rethrows -> T {
    guard let context = state.withLock({ $0.phaseSpan?.context }) else { return try await body() }
    return try await InstrumentationContext.$current.withValue(context) { try await body() }
  }

  /// Looks at one item of the phase's pipeline: the first action (time to first action),
  /// diagnostics and rejections (logged at `debug`).
  func saw(_ item: TurnItem) {
    switch item {
    case .action(let action, _):
      let first = state.withLock { state -> (Duration, (any Span)?)? in
        guard !state.sawAction, let started = state.phaseStarted else { return nil }
        state.sawAction = true
        return (ContinuousClock.now - started, state.phaseSpan)
      }
      guard let (elapsed, span) = first else { return }
      telemetry.recordFirstAction(after: elapsed)
      span?.addEvent(SpanEvent(name: "slate.first_action", attributes: [
        "slate.action.type": .string(action.type), "slate.action.key": .string(action.key.readable),
      ]))
      logger.trace("first action", metadata: [
        "slate.turn": "\(turn.rawValue)", "slate.type": "\(action.type)", "slate.elapsed": "\(elapsed)",
      ])
    case .stream(let streamItem):
      guard let diagnostic = streamItem.diagnostic, diagnostic.severity != .info else { return }
      logger.debug("stream diagnostic", metadata: [
        "slate.turn": "\(turn.rawValue)", "slate.code": "\(diagnostic.code)",
        "slate.severity": "\(diagnostic.severity)", "slate.offset": "\(diagnostic.streamOffset)",
        "slate.message": "\(diagnostic.message)",
      ])
    case .rejected, .batch:
      return  // rejections: logged by the dispatcher when their batch arrives
    }
  }

  /// The phase stream ended (`status`: complete, truncated, failed, cancelled) after
  /// `bytes` raw bytes: counted, set on the span, the span ended.
  func phaseClosed(status: String, bytes: Int, actions: Int? = nil, rejected: Int? = nil) {
    telemetry.countParsed(bytes: bytes)
    let span = state.withLock { state -> (any Span)? in
      defer { state.phaseSpan = nil }
      return state.phaseSpan
    }
    if let span {
      span.attributes["slate.stream.status"] = status
      span.attributes["slate.stream.bytes"] = bytes
      if let actions { span.attributes["slate.phase.actions"] = actions }
      if let rejected { span.attributes["slate.phase.rejected"] = rejected }
      if status != "complete" { span.setStatus(SpanStatus(code: .error, message: "stream " + status)) }
      span.end()
    }
    logger.debug("phase stream closed", metadata: [
      "slate.turn": "\(turn.rawValue)", "slate.status": "\(status)", "slate.bytes": "\(bytes)",
    ])
  }

  /// The phase ended by an error (the span, when still open, ends with an error status).
  func phaseEnded() {
    guard let span = state.withLock({ state -> (any Span)? in
      defer { state.phaseSpan = nil }
      return state.phaseSpan
    }) else { return }
    span.setStatus(SpanStatus(code: .error, message: "the phase stream did not finish"))
    span.end()
  }

  /// The turn ended with `status` (the turn span ends; ``MetricName/turns``).
  func turnEnded(_ status: TurnStatus, reason: String?, counts: ActionCounts? = nil) {
    telemetry.countTurn(status: status)
    let span = state.withLock { state -> (any Span)? in
      defer { state.turnSpan = nil }
      return state.turnSpan
    }
    if let span {
      span.attributes["slate.turn.status"] = status.rawValue
      if let reason { span.attributes["slate.turn.reason"] = reason }
      if let counts {
        span.attributes["slate.actions.applied"] = counts.applied
        span.attributes["slate.actions.duplicates"] = counts.duplicates
        span.attributes["slate.actions.conflicts"] = counts.conflicts
        span.attributes["slate.actions.rejected"] = counts.rejected
        span.attributes["slate.actions.failed"] = counts.failed
        span.attributes["slate.actions.ambiguous"] = counts.ambiguous
      }
      if status != .completed { span.setStatus(SpanStatus(code: .error, message: status.rawValue)) }
      span.end()
    }
    logger.debug("turn ended", metadata: ["slate.turn": "\(turn.rawValue)", "slate.status": "\(status.rawValue)"])
  }

  /// The host cancelled the turn while a phase was read (``LiveTurn`` closed the stream
  /// `cancelled` and stopped the turn): the phase and the turn spans end.
  func cancelled(bytes: Int) {
    phaseClosed(status: "cancelled", bytes: bytes)
    turnEnded(.stopped, reason: "turn.cancelled")
  }

  /// ``LiveTurn/finish()``'s report: the turn ends with its status.
  func finished(_ report: TurnReport) -> TurnReport {
    turnEnded(report.turn.status, reason: report.turn.reason, counts: report.actionCounts)
    return report
  }
}
