import ArgumentParser
import Slate
import SlateDispatch
import SlateJSON
import SlateSchema

#if canImport(Glibc)
  import Glibc
#endif

/// `slate replay PATH`: run a turn through the pipeline and the dispatcher, into a ledger.
struct ReplayCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "replay",
    abstract: "Run a turn (one stream, or a turn directory) through the pipeline and dispatch its actions exactly once.",
    discussion: """
      PATH is one provider stream, or a turn directory: plan.json (the turn's plan action) and the phase streams \
      (*.sse), dispatched in file-name order, each named by its file without a leading number (2-design.sse is \
      phase design). The film pack's reference handlers apply entities into the ledger's project tables (upsert by \
      key) and queue the effects they imply in its outbox. Replaying a turn into the same ledger applies nothing again: every \
      action is a duplicate.
      --dry-run declares the intended effects and calls nothing (the no-effects mode).
      With --json, one object: {"turn","status","actions","applied","duplicates","conflicts","rejected","failed",\
      "ambiguous","planned" (each action counted once: actions is the sum),"keys":{outcome: keys},\
      "queues":{QUEUE:[…] for every queue the pack declares},"effects":[…],\
      "audit":[…],"recoverability"}.
      --handler record (the default for packs other than film) writes each payload into its entity's row and \
      queues the effects the schema declares; --handler film is the film pack's reference handler.
      A stream read from standard input (-) needs --turn.
      PATH may be an http:// or https:// URL (see `slate serve`): one phase stream read as it arrives; the report \
      then adds the HTTP diagnostics (http.status, http.content_type, http.connect, http.reset; exit 1) and, per \
      handler call, the time since the request went out (--json: "http", "first_action_ms", "elapsed_ms"; text: \
      "handled KEY +N ms" lines).
      Exit codes: 0 the turn completed from clean streams; 1 a stream or the turn had problems (a truncated or \
      failed stream, a rejection, a conflict, a failed or ambiguous action, an error in the audit, a turn not \
      completed); 2 usage or I/O errors.
      """
  )

  @Argument(help: "A stream, a turn directory, or an http:// or https:// URL (one phase stream, read as it arrives).")
  var path: String

  @Option(help: "auto, openai-chat, openai-responses, anthropic, gemini, or text.")
  var dialect: String = "auto"

  @Option(help: "The schema pack.")
  var schema: String = "Corpus/schemas/film.json"

  @OptionGroup var ledger: LedgerOptions

  @Option(help: "The turn's id (default: the stream's or directory's name).")
  var turn: String?

  @Option(help: "The project the turn belongs to.")
  var project: String = "default"

  @Flag(help: "Declare intended effects; call no handler.")
  var dryRun = false

  @OptionGroup var dispatch: DispatchOptions

  @OptionGroup var chunking: ChunkingOptions

  @Flag(help: "One JSON summary object.")
  var json = false

  func validate() throws {
    if path == "-" && turn == nil {
      throw ValidationError("a stream read from standard input needs --turn ID")
    }
    guard DialectKind(rawValue: dialect) != nil else {
      throw ValidationError("unknown dialect '\(dialect)'; use one of \(DialectKind.allCases.map(\.rawValue).joined(separator: ", "))")
    }
  }

  @Option(help: ArgumentHelp("Write the turn's replay bundle to this folder.", valueName: "DIR"))
  var bundle: String?

  func run() async throws {
    if URLInput.isURL(path) { return try await URLInput.replay(self) }
    if CLIIO.listDirectory(path).contains("manifest.json") { return try await replayBundle() }
    // First: a missing stream is the error to report, not the pack. Each stream is opened
    // here and read in blocks as the turn runs.
    let streams = try TurnLoader.open(path)
    let packBytes = try CLIIO.readAll(schema)
    let pack = try CLIIO.compilePack(schema)
    let kind = DialectKind(rawValue: dialect)!
    // A bar over the bytes of the streams that are files (drawn only on a terminal).
    var progress = ProgressBar(total: streams.readers.reduce(0) { $0 + ($1.reader.fileSize ?? 0) })
    defer { progress.finish() }
    let chunking = chunking.chunking
    var phases: [PhaseStream<PhaseChunks>] = []
    var before = 0
    for stream in streams.readers {
      let size = stream.reader.fileSize
      let offset = before
      before += size ?? 0
      phases.append(PhaseStream(name: stream.name, source: stream.source, chunks: PhaseChunks(
        .reader(stream.reader), chunking: chunking, keeping: bundle == nil ? nil : PhaseChunks.Sink(),
        onBlock: size == nil ? nil : { read in progress.advance(to: offset + read, stream.source) })))
    }
    let report = try await run(plan: streams.plan, phases: phases, pack: pack, dialect: kind, mode: dryRun ? .dryRun : .live,
                               ledger: try await ledger.open(logger: dispatch.logger),
                               turn: turn ?? TurnLoader.name(of: path), keepsLines: bundle != nil,
                               keepsEntries: bundle != nil, keepsBatchIDs: bundle != nil)
    progress.finish()
    if json {
      // Written as it is made: with a tally, the report's key lists and effects are never whole in memory.
      try await report.writeSummaryJSON { bytes in bytes.withUnsafeBytes { OutputWriter.writeAll($0) } }
      [UInt8(0x0A)].withUnsafeBytes { OutputWriter.writeAll($0) }
    } else {
      TurnReportPrinter(report: report).print { Swift.print($0) }
    }
    if let bundle {
      let input = TurnInput(plan: streams.plan, phases: phases.map {
        TurnInput.Phase(name: $0.name, source: $0.source, bytes: $0.chunks.kept?.bytes ?? [])
      })
      let record = ReplayBundle(input: input, packBytes: packBytes, pack: pack, report: report, dialect: kind,
                                mode: dryRun ? "dry_run" : "live", slateVersion: SlateVersion.string)
      try BundleFiles.write(record, to: bundle)
      if !json { print("bundle: \(bundle) (\(record.files.count) files)") }
    }
    // A dry run applies nothing, so its turn is not finalised: only the streams count.
    let clean = dryRun ? report.phases.allSatisfy(\.summary.isClean) && report.planRejection == nil : report.isClean
    if !clean { throw ExitCode(1) }
  }

  /// Runs the turn through a ``TurnRunner`` (one ``LiveTurn``): the plan, then each phase
  /// stream as its chunks arrive, each batch dispatched as it closes.
  /// `keepsLines`: whether the phase reports keep every line (a bundle needs them);
  /// `keepsEntries`: whether the report keeps every key's entry and the outbox's
  /// (``TurnRunner/keepsEntries``; a bundle needs them); `keepsBatchIDs`: whether the phase
  /// reports keep their batch ids (``TurnRunner/keepsBatchIDs``; nothing printed reads them).
  /// `wrap` wraps the handlers (``URLInput`` times their calls).
  func run<Chunks>(plan: JSONValue?, phases: [PhaseStream<Chunks>], pack: CompiledPack, dialect: DialectKind,
                   mode: Dispatcher.Mode, ledger: any DispatchLedger, turn: String,
                   keepsLines: Bool = true, keepsEntries: Bool = true, keepsBatchIDs: Bool = true,
                   wrap: (HandlerTable) -> HandlerTable = { $0 }) async throws -> TurnReport
  {
    let dispatcher = Dispatcher(ledger: ledger, handlers: wrap(dispatch.handlers(film: pack.pack.name == "film")),
                                policy: dispatch.policy, mode: mode,
                                configuration: .init(project: ProjectID(project), budget: dispatch.budget,
                                                     onLeaseWait: DispatchOptions.announceWait),
                                logger: dispatch.logger)
    var runner = TurnRunner(pack: pack, dispatcher: dispatcher, options: dispatch.streamOptions(dialect: dialect))
    runner.keepsLines = keepsLines
    runner.keepsEntries = keepsEntries
    runner.keepsBatchIDs = keepsBatchIDs
    return try await runner.run(plan: plan, phases: phases, turn: TurnID(turn), project: ProjectID(project))
  }

  /// `slate replay BUNDLE`: the recorded inputs again, in dry run on a ledger in memory,
  /// compared with what the bundle recorded.
  func replayBundle() async throws {
    do {
      let recorded = try BundleReader.read(path)
      let manifest = try recorded.manifest()
      let input = try recorded.input()
      guard let packBytes = recorded.files["pack.json"] else { throw BundleError.missingFile("pack.json") }
      let pack: CompiledPack
      do { pack = try CompiledPack(bytes: packBytes) } catch { throw BundleError.unreadable("pack.json: \(error)") }
      let kind = manifest["dialect"]?.stringValue.flatMap(DialectKind.init(rawValue:)) ?? .auto
      let turn = manifest["turn"]?.stringValue ?? TurnLoader.name(of: path)
      let chunking = chunking.chunking
      let phases = input.phases.map {
        PhaseStream(name: $0.name, source: $0.source, chunks: PhaseChunks(.bytes($0.bytes), chunking: chunking))
      }
      let report = try await run(plan: input.plan, phases: phases, pack: pack, dialect: kind, mode: .dryRun,
                                 ledger: InMemoryLedger(), turn: turn)
      let rerun = ReplayBundle(input: input, packBytes: packBytes, pack: pack, report: report, dialect: kind,
                               mode: "dry_run", slateVersion: SlateVersion.string)
      let differences = try recorded.differences(from: rerun)
      if json {
        var line = JSONLine()
        line.add("bundle", .string(path))
        line.add("turn", .string(turn))
        line.add("recordedWith", manifest["slate"] ?? .null)
        line.add("differences", .array(differences.map {
          ["file": .string($0.file), "line": $0.line.map { .number(JSONNumber($0)) } ?? .null,
           "recorded": .string($0.recorded), "now": .string($0.now)]
        }))
        print(line.text)
      } else {
        print("bundle \(path): turn \(turn), recorded with slate \(manifest["slate"]?.stringValue ?? "?"), "
          + "pack \(manifest["pack"]?["name"]?.stringValue ?? "?") \(manifest["pack"]?["version"]?.stringValue ?? "?")")
        if differences.isEmpty { print("no difference: this build reads and plans the turn as recorded") }
        for difference in differences {
          print("differs: \(difference.file)\(difference.line.map { ":\($0)" } ?? "")")
          print("  recorded: \(TimelinePrinter.clip(difference.recorded, 200))")
          print("  now:      \(TimelinePrinter.clip(difference.now, 200))")
        }
      }
      if !differences.isEmpty { throw ExitCode(1) }
    } catch let error as BundleError {
      CLIIO.fail("\(path): \(error)")
    }
  }
}

/// Writes and reads replay bundles on disk.
enum BundleFiles {
  static func write(_ bundle: ReplayBundle, to directory: String) throws {
    for (path, bytes) in bundle.files.sorted(by: { $0.key < $1.key }) {
      let full = "\(directory)/\(path)"
      if let slash = full.lastIndex(of: "/") { try CLIIO.makeDirectories(String(full[..<slash])) }
      try CLIIO.writeAll(bytes, to: full)
    }
  }
}

/// Reads a turn from a stream file or a turn directory.
enum TurnLoader {
  /// The last path component without its extension: the default turn id.
  static func name(of path: String) -> String {
    let last = path.split(separator: "/").last.map(String.init) ?? path
    return last.hasSuffix(".sse") ? String(last.dropLast(4)) : last
  }

  /// The phase a stream file names: `2-design.sse` is `design`.
  static func phase(of file: String) -> String {
    let base = name(of: file)
    guard let dash = base.firstIndex(of: "-"), base[..<dash].allSatisfy(\.isNumber), !base[..<dash].isEmpty else { return base }
    return String(base[base.index(after: dash)...])
  }

  /// A turn's streams, opened to be read in blocks: its plan (read whole) and, per phase,
  /// its name, its path and its reader.
  struct Streams {
    var plan: JSONValue?
    var readers: [(name: String?, source: String, reader: BlockReader)]
  }

  /// Opens the stream `path`, or the plan and the phase streams of the turn directory
  /// `path` (exit 2 when one cannot be opened).
  static func open(_ path: String) throws -> Streams {
    let files = CLIIO.listDirectory(path)
    guard !files.isEmpty else { return Streams(plan: nil, readers: [(nil, path, BlockReader(path))]) }
    var plan: JSONValue?
    if files.contains("plan.json") {
      let bytes = try CLIIO.readAll("\(path)/plan.json")
      do {
        plan = try SimdjsonParser().parse(bytes)
      } catch {
        CLIIO.fail("\(path)/plan.json: \(error.code.rawValue) at byte \(error.offset): \(error.message)")
      }
    }
    let streams = files.filter { $0.hasSuffix(".sse") }.sorted()
    if streams.isEmpty { CLIIO.fail("\(path) holds no .sse phase streams") }
    return Streams(plan: plan, readers: streams.map { (phase(of: $0), "\(path)/\($0)", BlockReader("\(path)/\($0)")) })
  }
}

/// Prints a turn report for people: each phase stream, the turn's status, what landed by
/// queue, the outbox, the audit's sentences, and how to recover.
struct TurnReportPrinter {
  let report: TurnReport

  func print(_ out: (String) -> Void) {
    for phase in report.phases {
      let stream = phase.summary.stream
      out("phase \(phase.name ?? "-") (\(phase.source)): \(stream.dialect), \(phase.summary.actions) actions, "
        + "\(phase.summary.rejected) rejected, stream \(stream.status)")
    }
    if let rejection = report.planRejection {
      out("plan rejected: " + rejection.errors.map { "\($0.code.rawValue) at \($0.instancePath): \($0.message)" }.joined(separator: "; "))
    }
    let figures = report.figures
    let counts = figures.counts
    let turn = report.turn
    out("turn \(turn.id.rawValue): \(turn.status.rawValue)" + (turn.reason.map { " (\($0))" } ?? ""))
    out(report.actionCounts.sentence)
    out("keys: applied \(counts[.applied] ?? 0), duplicate \(counts[.duplicate] ?? 0), conflict \(counts[.conflict] ?? 0), "
      + "failed \(counts[.failed] ?? 0), ambiguous \(counts[.ambiguous] ?? 0), planned \(counts[.planned] ?? 0)")
    for queue in figures.queues {
      var line = "  \(queue): "
      var first = true
      figures.forEachKey(queue: queue) { readable, namespace in
        if !first { line += ", " }
        first = false
        line += TurnReport.entityName(readable: readable, namespace: namespace)
      }
      out(line)
    }
    let outbox = report.outboxCounts
    let effects = outbox.values.reduce(0, +)
    out("outbox: \(effects) effect\(effects == 1 ? "" : "s")"
      + (effects == 0 ? "" : " (" + outbox.sorted { $0.key < $1.key }
        .map { "\($0.value) \($0.key)" }.joined(separator: ", ") + ")"))
    for finding in report.audit {
      out("audit \(finding.severity.rawValue): \(finding.message)")
    }
    out("recoverability: \(turn.recoverability?.code ?? "none")")
  }
}
