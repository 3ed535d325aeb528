import InMemoryLogging
import InMemoryTracing
import Logging
import MetricsTestKit
import SlateDispatch
import SlateJSON
import SlateSchema
import SlateStream
import SlateTestSupport
import Testing
import Tracing

@testable import SlateTurn

/// The observability check: one live turn with a retry (a transient failure, then success,
/// through a breaker that opens, half-opens and closes), a conflict and a rejection, with
/// swift-log's, swift-metrics' and swift-distributed-tracing's in-memory backends passed to
/// the dispatcher (no global bootstrap, so the suite's other tests are untouched).
@Suite struct TelemetryTests {
  /// T-1, T-2, T-1 with another title (a conflict: no upsert), an action without its
  /// title (a rejection), T-3 (its first call fails transiently).
  static let stream: [UInt8] = {
    let items = [
      #"{"type":"create_ticket","id":"T-1","title":"one"}"#,
      #"{"type":"create_ticket","id":"T-2","title":"two"}"#,
      #"{"type":"create_ticket","id":"T-1","title":"changed"}"#,
      #"{"type":"create_ticket","id":"T-x"}"#,
      #"{"type":"create_ticket","id":"T-3","title":"three"}"#,
    ]
    return SSEText.chatAnswer("[" + items.joined(separator: ",") + "]", deltaSize: 17)
  }()

  /// Applies a ticket; T-3's first call fails transiently (`test.flaky`).
  struct FlakyHandler: ActionHandler {
    var idempotentByKey: Bool { true }
    func handle(_ call: HandlerCall) async throws -> HandlerResult {
      if call.payload["id"]?.stringValue == "T-3" && call.attempt == 1 {
        throw HandlerFailure.transient(code: "test.flaky", message: "try again")
      }
      return HandlerResult(entities: [.init(table: call.queue, value: call.payload)])
    }
  }

  struct Captured {
    var logs: InMemoryLogHandler
    var metrics: TestMetrics
    var tracer: InMemoryTracer
    var report: TurnReport
  }

  static func run(chunk: Int) async throws -> Captured {
    let pack = try CompiledPack(bytes: Array(LiveTurnTests.pack.utf8))
    let logs = InMemoryLogHandler()
    var logger = Logger(label: "test", factory: { _ in logs })
    logger.logLevel = .trace
    let metrics = TestMetrics()
    let tracer = InMemoryTracer()
    // Threshold 1 and no cooldown: T-3's failure opens the breaker, the retry is its
    // half-open trial, the success closes it. A manual wall clock: the turn's time budget
    // and the retry's elapsed time do not depend on how loaded the machine is.
    let dispatcher = Dispatcher(
      ledger: InMemoryLedger(), handlers: HandlerTable(fallback: FlakyHandler()), policy: RetryPolicy(),
      configuration: .init(project: "helpdesk", breakerThreshold: 1, breakerCooldown: .zero),
      clock: ManualWallClock(), sleep: { _ in }, logger: logger, metrics: metrics, tracer: tracer)
    var live = LiveTurn(turn: "t1", pack: pack, dispatcher: dispatcher, options: ActionStreamOptions(dialect: .openaiChat),
                        batchLimits: BatchLimits(maxItems: 1))
    let chunks = stride(from: 0, to: stream.count, by: chunk).map { Array(stream[$0..<min($0 + chunk, stream.count)]) }
    try await live.run(AsyncStream { continuation in
      for piece in chunks { continuation.yield(piece) }
      continuation.finish()
    }, phase: "answer")
    return Captured(logs: logs, metrics: metrics, tracer: tracer, report: try await live.finish())
  }

  static func string(_ attributes: SpanAttributes, _ name: String) -> String? {
    if case .string(let value)? = attributes.get(name) { value } else { nil }
  }

  @Test(arguments: [1, 64, 100_000])
  func logsMetricsAndSpansOfATurnWithARetryAConflictAndARejection(chunk: Int) async throws {
    let captured = try await Self.run(chunk: chunk)
    let counts = captured.report.actionCounts
    #expect(counts.applied == 3 && counts.conflicts == 1 && counts.rejected == 1 && counts.actions == 5,
            "\(counts.sentence)")

    // Logs: trace and debug only; the retry, the breaker, the conflict, the rejection.
    let entries = captured.logs.entries
    #expect(!entries.isEmpty)
    #expect(entries.allSatisfy { $0.level <= .debug }, "\(entries.filter { $0.level > .debug })")
    let retry = try #require(entries.first { $0.message.description == "retrying handler call" })
    #expect(retry.level == .debug)
    #expect(retry.metadata["slate.key"]?.description.contains("T-3") == true)
    #expect(retry.metadata["slate.code"] == "test.flaky" && retry.metadata["slate.reason"] == "transient")
    #expect(retry.metadata["slate.attempt"] == "1" && retry.metadata["slate.handler"] == "fallback")
    #expect(entries.filter { $0.message.description.hasPrefix("circuit breaker") }.map(\.message.description)
      == ["circuit breaker open", "circuit breaker half_open", "circuit breaker closed"])
    let conflict = try #require(entries.first { $0.message.description == "action conflict" })
    #expect(conflict.metadata["slate.key"]?.description.contains("T-1") == true)
    #expect(conflict.metadata["slate.code"] == "dispatch.conflict")
    let rejected = entries.filter { $0.message.description == "action rejected by the schema" }
    #expect(rejected.count == 1 && rejected.first?.metadata["slate.codes"]?.description.contains("schema.required") == true)
    #expect(entries.contains { $0.message.description == "phase stream closed" && $0.metadata["slate.status"] == "complete" })
    #expect(entries.contains { $0.message.description == "turn ended" })

    // Metrics: actions by outcome, handler calls, latency, retries, breaker, bytes, time to
    // first action, the turn.
    let metrics = captured.metrics
    func actions(_ outcome: String) -> Int64 {
      metrics.counterTotal(label: MetricName.actions, dimensions: [("outcome", outcome)])
    }
    #expect(actions("applied") == 3 && actions("conflict") == 1 && actions("rejected") == 1)
    #expect(actions("duplicate") == 0 && actions("failed") == 0 && actions("ambiguous") == 0 && actions("planned") == 0)
    let handler = ("handler", "fallback")
    #expect(metrics.counterTotal(label: MetricName.handlerCalls, dimensions: [handler, ("result", "success")]) == 3)
    #expect(metrics.counterTotal(label: MetricName.handlerCalls, dimensions: [handler, ("result", "transient")]) == 1)
    #expect(try metrics.expectTimer(MetricName.handlerDuration, [handler]).values.count == 4)
    #expect(metrics.counterTotal(label: MetricName.retries, dimensions: [handler, ("reason", "transient")]) == 1)
    #expect(metrics.counterTotal(label: MetricName.retries, dimensions: [handler, ("reason", "ambiguous")]) == 0)
    #expect(try metrics.expectGauge(MetricName.breakerState, [handler]).values == [2, 1, 0])
    for state in ["open", "half_open", "closed"] {
      #expect(metrics.counterTotal(label: MetricName.breakerTransitions, dimensions: [handler, ("to", state)]) == 1)
    }
    #expect(metrics.counterTotal(label: MetricName.bytesParsed) == Int64(Self.stream.count))
    let firstAction = try metrics.expectTimer(MetricName.timeToFirstAction).values
    #expect(firstAction.count == 1 && firstAction.allSatisfy { $0 >= 0 })
    let status = captured.report.turn.status.rawValue
    #expect(metrics.counterTotal(label: MetricName.turns, dimensions: [("status", status)]) == 1)

    // Spans: turn > phase > action > handler call, with the key and the outcome.
    let spans = captured.tracer.finishedSpans
    #expect(captured.tracer.activeSpans.isEmpty)
    let turn = try #require(spans.first { $0.operationName == "slate.turn" })
    #expect(spans.filter { $0.operationName == "slate.turn" }.count == 1)
    #expect(Self.string(turn.attributes, "slate.turn.status") == status)
    #expect(turn.attributes.get("slate.actions.conflicts") == .int64(1))
    #expect(turn.attributes.get("slate.actions.rejected") == .int64(1))
    let phase = try #require(spans.first { $0.operationName == "slate.phase" })
    #expect(phase.parentSpanID == turn.spanID)
    #expect(Self.string(phase.attributes, "slate.stream.status") == "complete")
    #expect(phase.attributes.get("slate.stream.bytes") == .int64(Int64(Self.stream.count)))
    #expect(phase.events.map(\.name) == ["slate.first_action"])
    let actionSpans = spans.filter { $0.operationName == "slate.action" }
    #expect(actionSpans.count == 4, "the rejection never becomes an action")
    #expect(actionSpans.allSatisfy { $0.parentSpanID == phase.spanID && $0.traceID == turn.traceID })
    #expect(actionSpans.allSatisfy { Self.string($0.attributes, "slate.idempotency_key")?.count == 64 })
    #expect(actionSpans.map { Self.string($0.attributes, "slate.action.outcome") ?? "?" }
      == ["applied", "applied", "conflict", "applied"])
    let conflictSpan = actionSpans[2]
    #expect(Self.string(conflictSpan.attributes, "slate.action.outcome_code") == "dispatch.conflict")
    #expect(Self.string(conflictSpan.attributes, "slate.action.key")?.contains("T-1") == true)
    let calls = spans.filter { $0.operationName == "slate.handler_call" }
    #expect(calls.count == 4)
    #expect(calls.map { Self.string($0.attributes, "slate.call.result") ?? "?" }
      == ["success", "success", "transient", "success"])
    let t3 = actionSpans[3]
    let t3Calls = calls.filter { $0.parentSpanID == t3.spanID }
    #expect(t3Calls.count == 2)
    #expect(t3Calls.map { $0.attributes.get("slate.attempt") } == [.int64(1), .int64(2)])
    #expect(t3Calls.allSatisfy { $0.attributes.get("slate.idempotency_key") == t3.attributes.get("slate.idempotency_key") })
    #expect(Self.string(t3Calls[0].attributes, "slate.call.code") == "test.flaky")
  }

  /// Without a logger, metrics factory or tracer the dispatcher is silent and starts no span
  /// (the global tracer is the no-op one in tests).
  @Test func aDispatcherWithoutBackendsTracesNothing() {
    let dispatcher = Dispatcher(ledger: InMemoryLedger(), handlers: HandlerTable(fallback: FlakyHandler()))
    #expect(!dispatcher.telemetry.traces)
    #expect(dispatcher.telemetry.logger.logLevel == .critical)
  }
}
