import SlateFilm
import ArgumentParser
import Slate
import SlateDispatch
import SlateJSON

#if canImport(Glibc)
  import Glibc
#endif

/// `slate turns --ledger FILE`: the turns a ledger holds; `--stale [--finalize]`: the
/// running turns that stopped making progress, and ending them.
struct TurnsCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "turns",
    abstract: "List the turns of a ledger: id, project, status, reason, recoverability.",
    discussion: """
      With --json, one turn record per line. --stale lists only running turns with no progress for --older-than; \
      with --finalize they are ended (partially_completed when actions landed, failed when none did, reason \
      turn.stale) and the ended turns are listed; a turn that moves meanwhile is left alone. \
      Exit codes: 0; 2 usage or I/O errors.
      """
  )

  @OptionGroup var ledger: LedgerOptions

  @Option(help: "Only this project's turns.")
  var project: String?

  @Flag(help: "Only running turns whose last progress is older than --older-than.")
  var stale = false

  @Option(name: .customLong("older-than"), parsing: .unconditional, help: ArgumentHelp(
    "With --stale: how long without progress makes a running turn stale (1ms to 86400s).", valueName: "DURATION"),
          transform: OptionValues.duration(OptionRanges.lease))
  var olderThan: Duration = .seconds(300)

  @Flag(help: "With --stale: end the stale turns (writes the ledger).")
  var finalize = false

  @Flag(help: "One JSON object per line.")
  var json = false

  func validate() throws {
    if finalize && !stale { throw ValidationError("--finalize needs --stale") }
  }

  func run() async throws {
    let project = project.map { ProjectID($0) }
    let turns: [TurnRecord]
    if finalize {
      let store = try await ledger.open()
      // The film table names the plan action, which does not count as a landed action.
      let dispatcher = Dispatcher(ledger: store, handlers: FilmHandler.table())
      turns = try await dispatcher.finalizeStale(olderThan: olderThan, project: project)
    } else {
      let store = try await ledger.openReadOnly()
      let (now, stale, threshold) = (SystemWallClock().now(), self.stale, olderThan)
      turns = try await store.read { tx throws(LedgerError) in
        try tx.turns(project: project).filter { turn in
          !stale || (turn.status == .running && now - turn.updatedAt >= threshold)
        }
      }
    }
    for turn in turns {
      if json {
        print(turn.json.canonicalString)
      } else {
        print("\(turn.id.rawValue)\t\(turn.project.rawValue)\t\(turn.status.rawValue)\t\(turn.recoverability?.code ?? "-")\t\(turn.reason ?? "")")
      }
    }
  }
}

/// `slate turn show ID --ledger FILE`.
struct TurnCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "turn",
    abstract: "Show one turn of a ledger.",
    subcommands: [TurnShowCommand.self]
  )
}

struct TurnShowCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "show",
    abstract: "Show a turn: its record, its actions with their outcomes, its outbox and its event log.",
    discussion: "The per-action counts are those the run that finalised the turn stored (actions = applied + duplicates + conflicts + rejected + failed + ambiguous + planned). With --json, one object {\"turn\",\"counts\" (null when none were stored),\"actions\",\"effects\",\"events\"}. Exit codes: 0; 1 no such turn; 2 usage or I/O errors."
  )

  @Argument(help: "The turn's id.")
  var id: String

  @OptionGroup var ledger: LedgerOptions

  @Flag(help: "One JSON object.")
  var json = false

  func run() async throws {
    let store = try await ledger.openReadOnly()
    let turn = TurnID(id)
    let found = try await store.read { tx throws(LedgerError) -> (TurnRecord, [ActionRecord], [EffectRecord], [LedgerEvent])? in
      guard let record = try tx.turn(turn) else { return nil }
      return (record, try tx.actions(turn: turn), try tx.effects(turn: turn), try tx.events(turn: turn, after: 0))
    }
    guard let (record, actions, effects, events) = found else {
      CLIIO.printError("slate: the ledger \(LedgerOptions.shown(ledger.ledger)) has no turn \(id)")
      throw ExitCode(1)
    }
    if json {
      var line = JSONLine()
      line.add("turn", record.json)
      line.add("counts", ActionCounts.recorded(in: events)?.json ?? .null)
      line.add("actions", .array(actions.map(\.json)))
      line.add("effects", .array(effects.map(\.json)))
      line.add("events", .array(events.map(\.json)))
      print(line.text)
      return
    }
    print("turn \(record.id.rawValue) (project \(record.project.rawValue)): \(record.status.rawValue)"
      + (record.reason.map { " — \($0)" } ?? ""))
    print("recoverability: \(record.recoverability?.code ?? "-")")
    if let counts = ActionCounts.recorded(in: events) { print(counts.sentence) }
    if !record.plan.isEmpty { print("plan: " + record.plan.map(\.name).joined(separator: " → ")) }
    for action in actions {
      let outcome = action.outcome.map { "\($0)" } ?? action.status.rawValue
      print("  \(action.ordinal)\t\(action.phase ?? "-")\t\(action.type)\t\(action.key.readable)\t\(outcome)")
    }
    let rejected = events.filter { $0.kind == "action.rejected" }
    if !rejected.isEmpty { print("rejected: \(rejected.count)") }
    for event in rejected {
      let detail = event.detail
      let codes = (detail["errors"]?.arrayValue ?? []).compactMap { $0["code"]?.stringValue }.joined(separator: ", ")
      print("  \(detail["index"]?.canonicalString ?? "-")\t\(detail["phase"]?.stringValue ?? "-")\t"
        + "\(detail["type"]?.stringValue ?? "-")\tbyte \(detail["offset"]?.canonicalString ?? "-")\t\(codes)")
    }
    print("outbox: \(effects.count)")
    for effect in effects { print("  \(effect.kind)\t\(effect.action.readable)\t\(effect.status.rawValue)\t\(effect.key)") }
    print("events: \(events.count)")
  }
}

/// `slate recover ID --ledger FILE`: resume a turn from the ledger.
struct RecoverCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "recover",
    abstract: "Resume a turn from its ledger: carry out only what is unfinished, then finalise and audit it.",
    discussion: """
      Finished actions are reported as duplicates; declared, failed-but-retryable and expired in-progress ones are \
      dispatched again with the same keys. With --schema, a phase stream the dead process left open is read again from the bytes \
      the ledger kept: the rest of what they carry is applied once, and the turn completes when they end the \
      stream, or ends partially_completed, resume_from_phase, when they stop short. Without it, such a turn ends \
      partially_completed. The output is `slate replay`'s (--json: the same summary object).
      --handler: as for replay (default: film when every queue of the turn is the film pack's, else record).
      Exit codes: 0 the turn completed cleanly; 1 it did not, or it has conflicts, failed or ambiguous actions or \
      errors in its audit (or there is no such turn); 2 usage or I/O errors.
      """
  )

  @Argument(help: "The turn's id.")
  var id: String

  @OptionGroup var ledger: LedgerOptions

  @OptionGroup var dispatch: DispatchOptions

  @Flag(help: "One JSON summary object.")
  var json = false

  @Option(help: ArgumentHelp("The schema pack the turn was read with: a phase stream left open is read again from the bytes the ledger kept, and the rest of what they carry applied.", valueName: "FILE"))
  var schema: String?

  @Option(help: "The dialect the turn's streams were read with (with --schema): auto, openai-chat, openai-responses, anthropic, gemini, or text.")
  var dialect: String = "auto"

  func validate() throws {
    guard DialectKind(rawValue: dialect) != nil else {
      throw ValidationError("unknown dialect '\(dialect)'; use one of \(DialectKind.allCases.map(\.rawValue).joined(separator: ", "))")
    }
  }

  func run() async throws {
    let store = try await ledger.open(logger: dispatch.logger)
    let turn = TurnID(id)
    let pack = try schema.map { try CLIIO.compilePack($0) }
    let queues = try await store.read { tx throws(LedgerError) in Set(try tx.actions(turn: turn).map(\.queue)) }
    let film = pack.map { $0.pack.name == "film" } ?? (!queues.isEmpty && queues.isSubset(of: FilmHandler.queues))
    let dispatcher = Dispatcher(ledger: store, handlers: dispatch.handlers(film: film), policy: dispatch.policy, mode: .recover,
                                configuration: .init(budget: dispatch.budget, onLeaseWait: DispatchOptions.announceWait),
                                logger: dispatch.logger)
    let report: TurnReport
    do {
      if let pack {
        var live = LiveTurn(turn: turn, pack: pack, dispatcher: dispatcher,
                            options: ActionStreamOptions(dialect: DialectKind(rawValue: dialect)!))
        report = try await live.recover()
      } else {
        report = try await recoverFromActions(turn, dispatcher: dispatcher, store: store)
      }
    } catch DispatchError.unknownTurn {
      CLIIO.printError("slate: the ledger \(LedgerOptions.shown(ledger.ledger)) has no turn \(id)")
      throw ExitCode(1)
    }
    if json { print(report.summaryJSON.text) } else { TurnReportPrinter(report: report).print { Swift.print($0) } }
    if !report.isClean { throw ExitCode(1) }
  }

  /// Without a pack: finishes the actions the ledger knows and finalises the turn (a stream
  /// left open keeps it from completing; says so on standard error).
  func recoverFromActions(_ turn: TurnID, dispatcher: Dispatcher, store: any DispatchLedger) async throws -> TurnReport {
    let result = try await dispatcher.recover(turn: turn)
    var (record, assessment) = try await dispatcher.assess(turn: turn)
    if record.status == .running { record = try await dispatcher.finalize(turn: turn, counts: result.actionCounts) }
    for stream in assessment.openStreams {
      CLIIO.printError("slate: the stream of phase \(stream) was not read to its end; give --schema (and --dialect) to "
        + "read the bytes the ledger kept of it again")
    }
    let effects = try await store.read { tx throws(LedgerError) in try tx.effects(turn: turn) }
    return TurnReport(turn: record, phases: [], result: result, effects: effects,
                      findings: IntegrityAudit.run(plan: record.plan, result: result, queued: effects,
                                                   planType: dispatcher.planType),
                      planRejection: nil)
  }
}
