import SlateFilm
import ArgumentParser
import Slate
import SlateDispatch
import SlateJSON

#if canImport(Glibc)
  import Glibc
#endif

/// `slate turns --ledger FILE`: the turns a ledger holds.
struct TurnsCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "turns",
    abstract: "List the turns of a ledger: id, project, status, reason, recoverability.",
    discussion: "With --json, one turn record per line. Exit codes: 0; 2 usage or I/O errors."
  )

  @OptionGroup var ledger: LedgerOptions

  @Option(help: "Only this project's turns.")
  var project: String?

  @Flag(help: "One JSON object per line.")
  var json = false

  func run() async throws {
    let store = try await ledger.openReadOnly()
    let project = project.map { ProjectID($0) }
    let turns = try await store.read { tx throws(LedgerError) in try tx.turns(project: project) }
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
    discussion: "With --json, one object {\"turn\",\"actions\",\"effects\",\"events\"}. Exit codes: 0; 1 no such turn; 2 usage or I/O errors."
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
      line.add("actions", .array(actions.map(\.json)))
      line.add("effects", .array(effects.map(\.json)))
      line.add("events", .array(events.map(\.json)))
      print(line.text)
      return
    }
    print("turn \(record.id.rawValue) (project \(record.project.rawValue)): \(record.status.rawValue)"
      + (record.reason.map { " — \($0)" } ?? ""))
    print("recoverability: \(record.recoverability?.code ?? "-")")
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
      dispatched again with the same keys. The output is `slate replay`'s (--json: the same summary object).
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

  func run() async throws {
    let store = try await ledger.open()
    let turn = TurnID(id)
    let queues = try await store.read { tx throws(LedgerError) in Set(try tx.actions(turn: turn).map(\.queue)) }
    let film = !queues.isEmpty && queues.isSubset(of: FilmHandler.queues)
    let dispatcher = Dispatcher(ledger: store, handlers: dispatch.handlers(film: film), policy: dispatch.policy, mode: .recover,
                                configuration: .init(onLeaseWait: DispatchOptions.announceWait))
    let result: DispatchResult
    do {
      result = try await dispatcher.recover(turn: turn)
    } catch DispatchError.unknownTurn {
      CLIIO.printError("slate: the ledger \(LedgerOptions.shown(ledger.ledger)) has no turn \(id)")
      throw ExitCode(1)
    }
    var record = try await dispatcher.assess(turn: turn).0
    if record.status == .running { record = try await dispatcher.finalize(turn: turn) }
    let effects = try await store.read { tx throws(LedgerError) in try tx.effects(turn: turn) }
    let report = TurnReport(turn: record, phases: [], result: result, effects: effects,
                            findings: IntegrityAudit.run(plan: record.plan, result: result, queued: effects,
                                                          planType: dispatcher.planType),
                            planRejection: nil)
    if json { print(report.summaryJSON.text) } else { TurnReportPrinter(report: report).print { Swift.print($0) } }
    if !report.isClean { throw ExitCode(1) }
  }
}
