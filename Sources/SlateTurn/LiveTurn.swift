import Logging
import SlateStream
import SlateDispatch
import SlateJSON
import SlateSchema

/// A turn dispatched while its provider streams arrive: each phase's bytes are read from
/// an `AsyncSequence` (``LiveBytes`` elements: `[UInt8]`, `ArraySlice<UInt8>`, `Data`, or a
/// host's adapter) through a ``TurnPipeline``, and each batch is dispatched through the
/// ``Dispatcher`` as soon as the batcher closes it (``BatchLimits``: `maxItems: 1`
/// dispatches every action as it closes).
///
/// Backpressure is the loop's: the next chunk is pulled only after the batches the current
/// one closed are dispatched.
///
/// The ledger knows each phase's stream state (``StreamState``): `stream.opened` before
/// the first byte is read, `stream.closed` with `complete`, `truncated`, `failed` or
/// `cancelled` after the phase's last batch is dispatched. A process that dies in between
/// leaves the stream open, and the turn is then never finalised `completed`
/// (``TurnAssessment/openStreams``) until the stream is read again: the bytes read are
/// kept in the ledger (``keptBytesLimit``, `LiveTurn+Bytes.swift`) and ``recover()``
/// re-reads them and applies the rest of what they carry, completing the turn when they
/// end the stream, else ending it `partially_completed` with `resume_from_phase:<stream>`
/// (or `failed`, retry from the start, when nothing landed).
///
/// Cancellation is its own ending: when the host's task is cancelled while a phase is read
/// (the sequence ends or throws `CancellationError`, the task is found cancelled after a
/// chunk, or a dispatch throws while the task is cancelled), the pipeline is not finished (no truncation diagnostic for bytes never asked
/// for), the stream is closed `cancelled` and the turn finalised `stopped` with a reason,
/// in an unstructured task so that the cancellation does not cut the ledger writes; then
/// ``run(_:phase:source:)`` throws `CancellationError`.
///
/// Use: ``begin(project:)``, ``plan(_:)`` when the turn has a plan action,
/// ``run(_:phase:source:)`` for each phase in order, then ``finish()``. ``TurnRunner`` and
/// `slate replay` are this loop over streams they hold or read in blocks. Not `Sendable`-shared: one task owns a live turn. Complexity: the
/// pipeline's per byte, plus one dispatch per batch and two ledger events per phase.
public struct LiveTurn: Sendable {
  public let turn: TurnID
  /// The pack, dispatcher and options, as a ``TurnRunner`` holds them (deltas off).
  public let configuration: TurnRunner
  public var pack: CompiledPack { configuration.pack }
  public var options: ActionStreamOptions { configuration.options }
  public var validation: ValidationOptions { configuration.validation }
  public var batchLimits: BatchLimits { configuration.batchLimits }
  public var dispatcher: Dispatcher { configuration.dispatcher }
  /// The phases read to the end so far, in order.
  public internal(set) var phases: [PhaseReport] = []
  /// What the dispatcher did with every batch so far.
  public internal(set) var result = DispatchResult()
  /// What the dispatcher did with every batch so far, folded compactly, when the runner
  /// does not keep entries (``TurnRunner/keepsEntries`` false; ``result`` then stays
  /// empty). Such a live turn is a runner's (``TurnRunner/run(plan:phases:turn:project:)``),
  /// never recovered (``recover()`` needs the entries).
  public internal(set) var tally: DispatchTally?
  /// The most raw bytes kept in the ledger per phase stream, for recovery (see
  /// ``KeptBytes``): past it the rest is not kept and recovery can only resume the phase.
  /// 0 keeps none.
  public var keptBytesLimit = LiveTurn.defaultKeptBytesLimit
  /// The bytes of the phase being read, until they are in the ledger.
  var keeping: KeptBytes?
  /// ``KeptBytes/flushBytes``, smaller in tests.
  var keptFlushBytes = KeptBytes.flushBytes
  /// The plan the pack rejected (``plan(_:)``), reported by ``finish()``.
  public internal(set) var planRejection: Rejection?
  /// Spans, time to first action, bytes parsed, diagnostics (see ``TurnTrace``).
  let trace: TurnTrace

  /// - Parameter logger: where this turn logs (`trace`/`debug`); nil: the dispatcher's
  ///   (``Dispatcher/telemetry``). Metrics and spans go where the dispatcher's go.
  public init(turn: TurnID, pack: CompiledPack, dispatcher: Dispatcher, options: ActionStreamOptions = .default,
              validation: ValidationOptions = .default, batchLimits: BatchLimits = .default, logger: Logger? = nil)
  {
    self.init(turn: turn, configuration: TurnRunner(pack: pack, dispatcher: dispatcher, options: options,
                                                    validation: validation, batchLimits: batchLimits, logger: logger))
  }

  /// A live turn with a runner's pack, dispatcher, options and telemetry.
  init(turn: TurnID, configuration: TurnRunner) {
    self.turn = turn
    self.trace = TurnTrace(turn: turn, telemetry: configuration.telemetry)
    self.configuration = configuration
    if !configuration.keepsEntries { tally = DispatchTally(memory: configuration.tallyMemory) }
  }

  /// Joins one dispatch's result into ``result``, or into ``tally`` when it is kept.
  mutating func fold(_ dispatched: DispatchResult) {
    if tally != nil { tally!.add(dispatched) } else { result.merge(dispatched) }
  }

  /// Creates the turn in the ledger (or returns it when it exists): see
  /// ``Dispatcher/begin(turn:project:scope:)``.
  @discardableResult
  public func begin(project: ProjectID? = nil) async throws -> TurnRecord {
    try await dispatcher.begin(turn: turn, project: project)
  }

  /// Reads one phase stream from `bytes` to its end, dispatching each batch as it closes,
  /// and records its end state. `phase` names the phase its actions belong to (nil keeps
  /// each action type's declared phase); the stream is known in the ledger as `phase`, or
  /// `source` when nil. Throws `CancellationError` after a cancelled phase was recorded and
  /// the turn stopped (see the type's notes); any other error (the sequence's, the
  /// ledger's, a simulated crash) leaves the stream open for recovery.
  @discardableResult
  public mutating func run<S: AsyncSequence>(_ bytes: S, phase: String? = nil, source: String = "stream")
    async throws -> PhaseReport where S.Element: LiveBytes
  {
    let stream = phase ?? source
    trace.phaseStarted(stream, source: source)
    defer { trace.phaseEnded() }
    try await begin()
    try await open(stream: stream, phase: phase, source: source)
    var pipeline = TurnPipeline(pack: pack, options: options, validation: validation, batchLimits: batchLimits, phase: phase)
    var items: [TurnItem] = []
    var lines: [JSONLine] = []
    var batches: [String] = []
    var read = 0
    do {
      for try await chunk in bytes {
        read += chunk.withLiveBytes { buffer in
          pipeline.feed(buffer, into: &items)
          keeping?.append(buffer)
          return buffer.count
        }
        try await dispatch(&items, lines: &lines, batches: &batches)
        try await flushKept(past: keptFlushBytes)
        // A cancel that came during the dispatch: do not pull the next chunk.
        try Task.checkCancellation()
      }
      // An AsyncStream ends (nil) when its consumer is cancelled.
      try Task.checkCancellation()
    } catch where error is CancellationError || Task.isCancelled {
      // A ledger may report the cancel its own way (SQLite: `ledger.storage: CANCELLED`).
      try await stop(stream: stream, read: read)
      trace.cancelled(bytes: read)
      throw CancellationError()
    }
    let summary = pipeline.finish(into: &items)
    try await dispatch(&items, lines: &lines, batches: &batches)
    lines.append(summary.jsonLine(schema: true))
    // Closed only after its last batch is dispatched: a crash before this leaves it open.
    var detail: [String: JSONValue] = ["status": .string(summary.stream.status.name), "bytes": .number(JSONNumber(read))]
    if summary.stream.status != .complete { detail["reason"] = .string(summary.stream.status.description) }
    try await close(stream: stream, detail)
    trace.phaseClosed(status: summary.stream.status.name, bytes: read, actions: summary.actions, rejected: summary.rejected)
    let report = PhaseReport(name: phase, source: source, summary: summary, lines: lines, batches: batches)
    phases.append(report)
    return report
  }

  /// Ends the turn once every phase was read: finalised as ``TurnRunner`` does (see
  /// ``TurnReport/conclude(turn:phases:result:planRejection:pack:dispatcher:)``), then
  /// audited.
  public func finish() async throws -> TurnReport {
    if let tally {
      return trace.finished(try await TurnReport.conclude(turn: turn, phases: phases, tally: tally,
                                                          planRejection: planRejection, pack: pack, dispatcher: dispatcher))
    }
    return trace.finished(try await TurnReport.conclude(turn: turn, phases: phases, result: result,
                                                        planRejection: planRejection, pack: pack, dispatcher: dispatcher))
  }

  /// Keeps the lines of `items` and dispatches the batches among them, in order.
  mutating func dispatch(_ items: inout [TurnItem], lines: inout [JSONLine], batches: inout [String]) async throws {
    var ready: [ActionBatch] = []
    for item in items {
      trace.saw(item)
      if configuration.keepsLines, let line = item.jsonLine(schema: true) { lines.append(line) }
      if case .batch(let batch) = item { ready.append(batch) }
    }
    items.removeAll(keepingCapacity: true)
    for batch in ready {
      let kept = takeKept()
      fold(try await trace.bound { try await dispatcher.dispatch(batch, turn: turn, alongside: kept) })
      if configuration.keepsBatchIDs { batches.append(batch.id) }
    }
  }
}
