import ArgumentParser
import SlateDispatch
import SlateJSON

/// The `slate` command: debugging tools for LLM provider streams.
///
/// Exit codes: 0 clean; 1 the input (stream, document or turn) had problems; 2 usage or I/O.
struct SlateCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "slate",
    abstract: "Parse, inspect and replay LLM provider streams.",
    discussion: """
      Exit codes: 0 clean; 1 the input had problems (a parse error, an error diagnostic);
      2 usage or I/O errors.
      """,
    version: SlateVersion.string,
    subcommands: [
      JSONCommand.self, EventsCommand.self, ActionsCommand.self, InspectCommand.self, ValidateCommand.self,
      ReplayCommand.self, TurnsCommand.self, TurnCommand.self, RecoverCommand.self, OutboxCommand.self, WorkerCommand.self, CorpusCommand.self,
      PackCommand.self, ServeCommand.self,
    ]
  )
}

enum SlateVersion {
  static let string = "0.1.0"
}

/// The entry point: ArgumentParser's own handling, except that usage errors exit with 2
/// (ArgumentParser's default is 64) so that scripts see one documented set of codes.
@main
enum SlateMain {
  static func main() async {
    MallocArenas.limit()
    do {
      var command = try SlateCommand.parseAsRoot()
      if var asynchronous = command as? any AsyncParsableCommand {
        try await asynchronous.run()
      } else {
        try command.run()
      }
    } catch let exit as ExitCode {
      SlateCommand.exit(withError: exit)
    } catch let error as LedgerError {
      // A ledger that cannot be read or written (SQLITE_CORRUPT, SQLITE_IOERR, SQLITE_FULL,
      // SQLITE_READONLY, an unreadable row …) is an I/O error.
      CLIIO.printError("slate: the ledger failed: \(error)")
      SlateCommand.exit(withError: ExitCode(CLIIO.usageOrIO))
    } catch {
      let code = SlateCommand.exitCode(for: error)
      if code == .success || code == .failure {
        SlateCommand.exit(withError: error)  // help, version, or a command's own failure
      }
      CLIIO.printError(SlateCommand.fullMessage(for: error))
      SlateCommand.exit(withError: ExitCode(CLIIO.usageOrIO))
    }
  }
}
