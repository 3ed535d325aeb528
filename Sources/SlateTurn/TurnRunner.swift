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
  /// diagnostics, then the summary); only the summary when the runner does not keep them
  /// (``TurnRunner/keepsLines``).
  public var lines: [JSONLine]
  /// The ids of the batches the phase closed, in order; empty when the runner does not keep
  /// them (``TurnRunner/keepsBatchIDs``: ``summary`` still counts them).
  public var batches: [String]
}

/// What a turn run did: each phase stream, the merged dispatch result, the turn record,
/// the outbox, and the integrity audit.
public struct TurnReport: Sendable {
  public var turn: TurnRecord
  public var phases: [PhaseReport]
  public var result: DispatchResult
  public var effects: [EffectRecord]
  /// The integrity audit's findings, in order; a report of a folded turn (``tally``) makes
  /// the per-effect ones as they are read (``AuditFindings``).
  public var audit: AuditFindings
  /// ``audit``'s findings in one array (O(findings) memory: print or write ``audit`` instead).
  public var findings: [Finding] {
    get { audit.all }
    set { audit = AuditFindings(newValue) }
  }
  /// The turn's figures folded compactly (``DispatchTally``) when the runner does not keep
  /// every key's entry (``TurnRunner/keepsEntries`` false): then ``result`` is empty,
  /// ``effects`` too (the outbox is read again, a row at a time, when the report is
  /// printed: ``ledger``), and ``effectCounts`` counts the outbox per kind. Nil otherwise.
  public var tally: DispatchTally?
  /// The outbox entries of the turn per kind, when ``tally`` is set (else from ``effects``).
  public var effectCounts: [String: Int] = [:]
  /// The ledger the turn was dispatched into, when ``tally`` is set: where its outbox is read.
  public var ledger: (any DispatchLedger)?
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
    self.audit = AuditFindings(findings)
    self.planRejection = planRejection
  }

  /// True when every stream was clean, the turn completed, and no action was a conflict,
  /// rejected, failed or ambiguous, and the audit found no error.
  public var isClean: Bool {
    let counts = actionCounts
    return phases.allSatisfy(\.summary.isClean) && planRejection == nil && turn.status == .completed
      && counts.conflicts == 0 && counts.rejected == 0 && counts.failed == 0 && counts.ambiguous == 0
      && !audit.hasError
  }
}

/// One phase stream as a ``LiveTurn`` reads it: the phase its actions belong to (nil keeps
/// each action type's declared phase), where its bytes come from (a path, for reports), and
/// the bytes as they arrive (held in memory, read from a file in blocks, or a host's).
public struct PhaseStream<Chunks: AsyncSequence> where Chunks.Element: LiveBytes {
  public var name: String?
  public var source: String
  public var chunks: Chunks

  public init(name: String?, source: String, chunks: Chunks) {
    self.name = name
    self.source = source
    self.chunks = chunks
  }
}

/// A byte array as an `AsyncSequence` of slices of it (views, never copies): whole (one
/// chunk; none for an empty array), or in chunks of `size` bytes, the last one shorter.
public struct ByteChunks: AsyncSequence, Sendable {
  public typealias Element = ArraySlice<UInt8>
  public let bytes: [UInt8]
  /// The chunk size; nil: the whole array as one chunk.
  public let size: Int?

  public init(_ bytes: [UInt8], size: Int? = nil) {
    self.bytes = bytes
    self.size = size.map { Swift.max(1, $0) }
  }

  public struct AsyncIterator: AsyncIteratorProtocol {
    let bytes: [UInt8]
    let size: Int
    var start = 0

    public mutating func next() async -> ArraySlice<UInt8>? {
      guard start < bytes.count else { return nil }
      let end = bytes.count - start > size ? start + size : bytes.count
      defer { start = end }
      return bytes[start..<end]
    }
  }

  public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(bytes: bytes, size: size ?? Swift.max(1, bytes.count)) }
}

/// Runs a turn end to end through a ``LiveTurn``: the plan action first (when the turn has
/// one), then each phase stream in order, each batch dispatched as the pipeline closes it
/// (the ``LiveTurn`` contract: intents are declared per batch, just before the batch is
/// dispatched, and each stream's state is in the ledger); then the turn is finalised and
/// audited (see ``TurnReport/conclude(turn:phases:result:planRejection:pack:dispatcher:)``).
///
/// This type holds the configuration (pack, dispatcher, options; deltas off) that a
/// ``LiveTurn`` reads; `slate replay` runs on it with streams read from files in blocks.
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
  /// Whether each ``PhaseReport`` keeps its stream's JSON lines (``PhaseReport/lines``:
  /// every action's line with its payload, O(actions) of text). A ``ReplayBundle`` needs
  /// them; a run that reports only its turn, such as `slate replay` without `--bundle`,
  /// does not, and then holds O(1) per phase of them (the summary line alone). Default true.
  public var keepsLines = true
  /// Whether the report keeps every key's entry (``TurnReport/result``, a
  /// ``DispatchResult``: ~2 KB per key) and the outbox's entries (``TurnReport/effects``).
  /// False folds each batch's result into a ``DispatchTally`` (~110 bytes per key) and
  /// leaves the outbox in the ledger until the report is printed: what `slate replay`
  /// without `--bundle` does. Default true.
  public var keepsEntries = true
  /// Whether each ``PhaseReport`` keeps the ids of the batches its phase closed
  /// (``PhaseReport/batches``: ~130 bytes each, about 2 bytes per action at the default 64
  /// actions a batch, the one thing a report still grew by with ``keepsLines`` and
  /// ``keepsEntries`` false). False leaves them in the ledger (``LedgerReader/phases(turn:)``
  /// lists each phase's) and the report's memory flat in the turn's length: what `slate
  /// replay` without `--bundle` does. Default true.
  public var keepsBatchIDs = true
  /// Where a tally (``keepsEntries`` false) keeps its per-key state: at most
  /// ``TallyMemory/bytes`` of it in memory, the rest in an unlinked temporary file. Default
  /// ``TallyMemory/default`` (8 MiB).
  public var tallyMemory = TallyMemory.default

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
  /// nil), each stream fed whole, or in chunks of `chunkSize` bytes.
  public func run(_ input: TurnInput, turn: TurnID, project: ProjectID? = nil, chunkSize: Int? = nil) async throws
    -> TurnReport
  {
    try await run(plan: input.plan, phases: input.phases.map {
      PhaseStream(name: $0.name, source: $0.source, chunks: ByteChunks($0.bytes, size: chunkSize))
    }, turn: turn, project: project)
  }

  /// Runs the turn whose plan is `plan` (nil: none) and whose phase streams are `phases`,
  /// in order, as turn `turn` of `project`: one ``LiveTurn``.
  public func run<Chunks>(plan: JSONValue?, phases: [PhaseStream<Chunks>], turn: TurnID, project: ProjectID? = nil)
    async throws -> TurnReport
  {
    var live = LiveTurn(turn: turn, configuration: self)
    try await live.begin(project: project)
    if let plan { try await live.plan(plan) }
    for phase in phases {
      try await live.run(phase.chunks, phase: phase.name, source: phase.source)
    }
    return try await live.finish()
  }
}

extension TurnReport {
  /// Per action (``DispatchResult/actionCounts``), the plan's rejection included:
  /// `actions = applied + duplicates + conflicts + rejected + failed + ambiguous + planned`.
  public var actionCounts: ActionCounts {
    var counts = tally?.actionCounts ?? result.actionCounts
    if planRejection != nil { counts.rejected += 1 }
    return counts
  }
}
