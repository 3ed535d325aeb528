import Logging
import SlateStream
import SlateDispatch
import SlateJSON
import SlateSchema

/// A turn as it arrived: its plan and its phase streams, in order.
public struct TurnInput: Sendable {
  public struct Phase: Sendable {
    /// The phase the stream's actions belong to; nil leaves each action type's declared
    /// phase (`x-slate-phase`).
    public var name: String?
    /// Where the bytes came from (a path), for reports.
    public var source: String
    public var bytes: [UInt8]

    public init(name: String?, source: String, bytes: [UInt8]) {
      self.name = name
      self.source = source
      self.bytes = bytes
    }
  }

  /// The plan action (with its discriminator member), dispatched before the phases so the
  /// ledger knows what was planned; nil when the turn has none (a plan may also come in a
  /// stream).
  public var plan: JSONValue?
  public var phases: [Phase]

  public init(plan: JSONValue? = nil, phases: [Phase]) {
    self.plan = plan
    self.phases = phases
  }
}

/// What one phase stream did.
public struct PhaseReport: Sendable {
  public var name: String?
  public var source: String
  public var summary: TurnSummary
  /// The stream's `slate actions --json` lines (starts, values or actions, rejections,
  /// diagnostics, then the summary).
  public var lines: [JSONLine]
  /// The ids of the batches the phase closed, in order.
  public var batches: [String]
}

/// What a turn run did: each phase stream, the merged dispatch result, the turn record,
/// the outbox, and the integrity audit.
public struct TurnReport: Sendable {
  public var turn: TurnRecord
  public var phases: [PhaseReport]
  public var result: DispatchResult
  public var effects: [EffectRecord]
  public var findings: [Finding]
  /// The plan was rejected by the pack (it is then not dispatched).
  public var planRejection: Rejection?
  /// The queues the pack declares (``CompiledPack/queues``): the summary lists each, even
  /// an empty one, beside any other queue the result holds.
  public var queues: [String]

  public init(turn: TurnRecord, phases: [PhaseReport], result: DispatchResult, effects: [EffectRecord], findings: [Finding],
              planRejection: Rejection? = nil, queues: [String] = [])
  {
    self.queues = queues
    self.turn = turn
    self.phases = phases
    self.result = result
    self.effects = effects
    self.findings = findings
    self.planRejection = planRejection
  }

  /// True when every stream was clean, the turn completed, and no action was a conflict,
  /// rejected, failed or ambiguous, and the audit found no error.
  public var isClean: Bool {
    let counts = actionCounts
    return phases.allSatisfy(\.summary.isClean) && planRejection == nil && turn.status == .completed
      && counts.conflicts == 0 && counts.rejected == 0 && counts.failed == 0 && counts.ambiguous == 0
      && !findings.contains { $0.severity == .error }
  }
}

/// Runs a turn end to end: each phase stream through a ``TurnPipeline`` (one schema pack);
/// then every batch the streams closed is declared (the turn's whole intent, durable before
/// any handler call), then dispatched in order through the ``Dispatcher``, the results
/// merged; then the turn is finalised and audited.
///
/// Finalisation: see ``TurnReport/conclude(turn:phases:result:planRejection:pack:dispatcher:)``
/// (shared with ``LiveTurn``).
///
/// Complexity: the pipeline's per byte, plus one dispatch per batch.
public struct TurnRunner: Sendable {
  public let pack: CompiledPack
  public let options: ActionStreamOptions
  public let validation: ValidationOptions
  public let batchLimits: BatchLimits
  public let dispatcher: Dispatcher
  /// Where the runner logs (its dispatcher's metrics and tracer): see ``Telemetry``.
  public let telemetry: Telemetry

  /// - Parameter logger: where the runner logs stream diagnostics (`debug`); nil: the
  ///   dispatcher's logger.
  public init(pack: CompiledPack, dispatcher: Dispatcher, options: ActionStreamOptions = .default,
              validation: ValidationOptions = .default, batchLimits: BatchLimits = .default, logger: Logger? = nil)
  {
    self.telemetry = dispatcher.telemetry.with(logger: logger)
    self.pack = pack
    self.dispatcher = dispatcher
    var options = options
    options.emitsDeltas = false
    self.options = options
    self.validation = validation
    self.batchLimits = batchLimits
  }

  /// Runs `input` as turn `turn` of `project` (the dispatcher's configured project when
  /// nil). `feed` cuts each stream into the chunks the pipeline reads (whole by default);
  /// `progress` hears of each batch dispatched (done, total).
  public func run(_ input: TurnInput, turn: TurnID, project: ProjectID? = nil,
                  progress: (_ done: Int, _ total: Int) -> Void = { _, _ in },
                  feed: (_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) -> Void) -> Void = { bytes, body in
                    bytes.withUnsafeBytes(body)
                  }) async throws -> TurnReport
  {
    try await dispatcher.begin(turn: turn, project: project)
    var merged = DispatchResult()
    var planRejection: Rejection?
    if let plan = input.plan {
      switch pack.classify(plan, metadata: ActionMetadata(bytes: plan.canonicalBytes), options: validation) {
      case .success(let action):
        merged.merge(try await dispatcher.dispatch(ActionBatch(phase: action.phase, items: [.action(action)]), turn: turn))
      case .failure(let rejection):
        planRejection = rejection
      }
    }
    var phases: [PhaseReport] = []
    var batchesByPhase: [[ActionBatch]] = []
    let trace = TurnTrace(turn: turn, telemetry: telemetry)
    for phase in input.phases {
      var pipeline = TurnPipeline(pack: pack, options: options, validation: validation, batchLimits: batchLimits,
                                  phase: phase.name)
      var items: [TurnItem] = []
      var lines: [JSONLine] = []
      var batches: [ActionBatch] = []
      func absorb() {
        for item in items {
          trace.saw(item)
          if let line = item.jsonLine(schema: true) { lines.append(line) }
          if case .batch(let batch) = item { batches.append(batch) }
        }
        items.removeAll(keepingCapacity: true)
      }
      feed(phase.bytes) { chunk in
        pipeline.feed(chunk, into: &items)
        absorb()
      }
      // Batches close by size while feeding and at the end; dispatch them in order.
      let summary = pipeline.finish(into: &items)
      absorb()
      lines.append(summary.jsonLine(schema: true))
      batchesByPhase.append(batches)
      phases.append(PhaseReport(name: phase.name, source: phase.source, summary: summary, lines: lines,
                                batches: batches.map(\.id)))
    }
    // The whole turn's intent is durable before the first handler call: a crash from here
    // on leaves everything `slate recover` needs in the ledger.
    try await dispatcher.declare(batchesByPhase.flatMap { $0 }, turn: turn)
    let total = batchesByPhase.reduce(0) { $0 + $1.count }
    for (done, batch) in batchesByPhase.joined().enumerated() {
      merged.merge(try await dispatcher.dispatch(batch, turn: turn))
      progress(done + 1, total)
    }
    return try await TurnReport.conclude(turn: turn, phases: phases, result: merged, planRejection: planRejection,
                                         pack: pack, dispatcher: dispatcher)
  }
}

extension TurnReport {
  /// Per action (``DispatchResult/actionCounts``), the plan's rejection included:
  /// `actions = applied + duplicates + conflicts + rejected + failed + ambiguous + planned`.
  public var actionCounts: ActionCounts {
    var counts = result.actionCounts
    if planRejection != nil { counts.rejected += 1 }
    return counts
  }
}
