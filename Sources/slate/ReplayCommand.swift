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
      key) and queue media jobs in its outbox. Replaying a turn into the same ledger applies nothing again: every \
      action is a duplicate.
      --dry-run declares the intended effects and calls nothing (the no-media mode).
      With --json, one object: {"turn","status","applied","duplicates","conflicts","failed","ambiguous","planned",\
      "rejected","queues":{"scene":[…],"character":[…],"set":[…],"prop":[…],"poster":[…]},"effects":[…],\
      "audit":[…],"recoverability"}.
      Exit codes: 0 the turn completed from clean streams; 1 a stream or the turn had problems (a truncated or \
      failed stream, a rejection, a turn not completed); 2 usage or I/O errors.
      """
  )

  @Argument(help: "A stream, or a turn directory.")
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
    guard DialectKind(rawValue: dialect) != nil else {
      throw ValidationError("unknown dialect '\(dialect)'; use one of \(DialectKind.allCases.map(\.rawValue).joined(separator: ", "))")
    }
  }

  func run() async throws {
    let pack = try CLIIO.compilePack(schema)
    let input = try TurnLoader.load(path)
    let dispatcher = Dispatcher(ledger: try ledger.open(), handlers: dispatch.handlers(), policy: dispatch.policy, mode: dryRun ? .dryRun : .live,
                                configuration: .init(project: ProjectID(project), holder: "slate-\(getpid())"))
    let runner = TurnRunner(pack: pack, dispatcher: dispatcher,
                            options: ActionStreamOptions(dialect: DialectKind(rawValue: dialect)!))
    let chunking = chunking.chunking
    let report = try await runner.run(input, turn: TurnID(turn ?? TurnLoader.name(of: path)), project: ProjectID(project)) {
      bytes, body in chunking.forEachChunk(of: bytes, body)
    }
    if json { print(report.summaryJSON.text) } else { TurnReportPrinter(report: report).print { Swift.print($0) } }
    // A dry run applies nothing, so its turn is not finalised: only the streams count.
    let clean = dryRun ? report.phases.allSatisfy(\.summary.isClean) && report.planRejection == nil : report.isClean
    if !clean { throw ExitCode(1) }
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

  static func load(_ path: String) throws -> TurnInput {
    let files = CLIIO.listDirectory(path)
    guard !files.isEmpty else {
      return TurnInput(phases: [TurnInput.Phase(name: nil, source: path, bytes: try CLIIO.readAll(path))])
    }
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
    let phases = try streams.map { TurnInput.Phase(name: phase(of: $0), source: "\(path)/\($0)", bytes: try CLIIO.readAll("\(path)/\($0)")) }
    return TurnInput(plan: plan, phases: phases)
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
    let counts = report.result.counts
    let turn = report.turn
    out("turn \(turn.id.rawValue): \(turn.status.rawValue)" + (turn.reason.map { " (\($0))" } ?? ""))
    out("applied \(counts[.applied] ?? 0), duplicates \(counts[.duplicate] ?? 0), conflicts \(counts[.conflict] ?? 0), "
      + "failed \(counts[.failed] ?? 0), ambiguous \(counts[.ambiguous] ?? 0), planned \(counts[.planned] ?? 0)")
    for queue in report.result.queues {
      let keys = report.result.keys(queue: queue).map { TurnReport.entityName($0) }
      out("  \(queue): " + keys.joined(separator: ", "))
    }
    out("outbox: \(report.effects.count) media job\(report.effects.count == 1 ? "" : "s")"
      + (report.effects.isEmpty ? "" : " (" + Dictionary(grouping: report.effects, by: \.kind).sorted { $0.key < $1.key }
        .map { "\($0.value.count) \($0.key)" }.joined(separator: ", ") + ")"))
    for finding in report.findings {
      out("audit \(finding.severity.rawValue): \(finding.message)")
    }
    out("recoverability: \(turn.recoverability?.code ?? "none")")
  }
}
