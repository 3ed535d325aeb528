import ArgumentParser
import Slate
import SlateDispatch
import SlateJSON
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// `slate worker --ledger FILE --handler log|exec`: drains the outbox until stopped.
struct WorkerCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "worker",
    abstract: "Drain a ledger's outbox with a chosen effect handler until stopped (SIGTERM or SIGINT).",
    discussion: """
      Claims --batch effects at a time and runs them one by one, renewing each claim while its job runs. On \
      SIGTERM or SIGINT the job in flight finishes and is acknowledged, the claims not started are released, and \
      the worker exits 0. A worker that dies instead (SIGKILL) leaves its claims to expire after --lease; another \
      worker then runs them again with the same effect key (at least once: the key makes the repeat harmless).
      Handlers: log appends one JSON line per job to --log (the effect's key, kind, attempt, token and holder); \
      exec runs `sh -c COMMAND` per job with SLATE_EFFECT_KEY, SLATE_EFFECT_KIND, SLATE_EFFECT_TURN, \
      SLATE_EFFECT_PROJECT, SLATE_EFFECT_ATTEMPT and SLATE_EFFECT_PAYLOAD (canonical JSON) in its environment: \
      exit 0 is done, 100 a permanent failure (dead at once), anything else a failed attempt retried with backoff.
      Prints one line per settled effect (completed, failed, dead, released, fenced) and a summary on standard \
      error. Exit codes: 0 stopped (or, with --until-empty, nothing left to claim); 2 usage or I/O errors.
      """
  )

  @OptionGroup var ledger: LedgerOptions

  @Option(help: ArgumentHelp("log or exec.", valueName: "NAME"))
  var handler: String

  @Option(help: ArgumentHelp("log: the file the handler appends to (- for standard output).", valueName: "FILE"))
  var log: String = "-"

  @Option(help: ArgumentHelp("exec: the shell command to run per job.", valueName: "COMMAND"))
  var command: String?

  @Option(parsing: .unconditional, help: ArgumentHelp(
    "log: how long each job takes before it is written (0ms to 86400s), to rehearse stopping.", valueName: "DURATION"),
          transform: OptionValues.duration(OptionRanges.delay))
  var delay: Duration = .zero

  @Option(name: .customLong("kind"), help: ArgumentHelp("Only effects of this kind (repeatable; default: any).", valueName: "KIND"))
  var kinds: [String] = []

  @Option(parsing: .unconditional, help: ArgumentHelp("Effects claimed at once (1 to 10000).", valueName: "N"),
          transform: OptionValues.integer(OptionRanges.batch))
  var batch: Int = 4

  @Option(parsing: .unconditional, help: ArgumentHelp(
    "How long to wait before looking again when nothing is claimable (1ms to 3600s).", valueName: "DURATION"),
          transform: OptionValues.duration(OptionRanges.poll))
  var poll: Duration = .milliseconds(200)

  @Flag(name: .customLong("until-empty"), help: "Exit when nothing is claimable instead of waiting for more.")
  var untilEmpty = false

  @Option(help: "The name on the claims (default: host:pid:random).")
  var holder: String?

  @OptionGroup var policy: OutboxPolicyOptions

  @Flag(help: "One JSON object per settled effect, and a JSON summary.")
  var json = false

  func validate() throws {
    switch handler {
    case "log": break
    case "exec": if command == nil { throw ValidationError("--handler exec needs --command") }
    default: throw ValidationError("unknown handler '\(handler)'; use log or exec")
    }
  }

  func run() async throws {
    let effects: any EffectHandler = handler == "exec"
      ? ExecEffectHandler(command: command!) : try LogEffectHandler(path: log, delay: delay)
    let outbox = Outbox(ledger: try await ledger.open(), holder: holder ?? WorkerIdentity.unique(), policy: policy.policy)
    let json = self.json
    let worker = OutboxWorker(
      outbox: outbox, handler: effects,
      configuration: .init(kinds: kinds, batch: batch, pollInterval: poll, untilEmpty: untilEmpty)
    ) { effect, settled in
      if json {
        var line = JSONLine()
        line.add("settled", .string(settled.rawValue))
        line.add("effect", .string(effect.key))
        line.add("kind", .string(effect.kind))
        line.add("attempts", .number(JSONNumber(effect.attempts)))
        line.add("token", .number(JSONNumber(effect.fencingToken)))
        print(line.text)
      } else {
        print("\(settled.rawValue)\t\(effect.kind)\t\(effect.action.readable)\t\(effect.key)")
      }
    }
    StopSignals.install()
    let watcher = Task {
      while !Task.isCancelled {
        if StopSignals.received { return worker.stop() }
        try? await Task.sleep(for: .milliseconds(20))
      }
    }
    defer { watcher.cancel() }
    CLIIO.printError("slate: worker \(outbox.holder) draining \(ledger.ledger)"
      + (kinds.isEmpty ? "" : " (kinds \(kinds.joined(separator: ", ")))"))
    let summary = try await worker.run()
    let text = "completed \(summary.completed), failed \(summary.failed), dead \(summary.dead), "
      + "released \(summary.released), fenced \(summary.fenced)"
    if json {
      var line = JSONLine()
      for (key, value) in [("completed", summary.completed), ("failed", summary.failed), ("dead", summary.dead),
                           ("released", summary.released), ("fenced", summary.fenced)] { line.add(key, .number(JSONNumber(value))) }
      print(line.text)
    }
    CLIIO.printError("slate: worker \(outbox.holder) stopped: \(text)")
  }
}

/// SIGTERM and SIGINT set a flag (an atomic store: async-signal-safe) that the worker's
/// watcher task turns into ``OutboxWorker/stop()``.
enum StopSignals {
  private static let flag = Atomic<Bool>(false)

  static var received: Bool { flag.load(ordering: .sequentiallyConsistent) }

  static func install() {
    // A static is initialised on first use (swift_once), which is not async-signal-safe:
    // initialise it here, before any handler can run.
    _ = received
    for number in [SIGTERM, SIGINT] {
      signal(number) { _ in StopSignals.flag.store(true, ordering: .sequentiallyConsistent) }
    }
  }
}

/// `--handler log`: each job is one JSON line appended to a file (one `write` on an
/// `O_APPEND` descriptor, so lines from several workers never interleave).
final class LogEffectHandler: EffectHandler {
  private let fd: Int32
  private let delay: Duration

  init(path: String, delay: Duration) throws {
    fd = path == "-" ? 1 : open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
    if fd < 0 { CLIIO.fail("cannot open \(path): \(String(cString: strerror(errno)))") }
    self.delay = delay
  }

  func run(_ effect: EffectRecord) async throws {
    if delay > .zero { try await Task.sleep(for: delay) }
    var line = JSONLine()
    line.add("effect", .string(effect.key))
    line.add("kind", .string(effect.kind))
    line.add("turn", .string(effect.turn.rawValue))
    line.add("attempt", .number(JSONNumber(effect.attempts)))
    line.add("token", .number(JSONNumber(effect.fencingToken)))
    line.add("holder", .string(effect.lease?.holder ?? ""))
    let text = line.text + "\n"
    let written = text.utf8CString.withUnsafeBytes { write(fd, $0.baseAddress, $0.count - 1) }
    if written != text.utf8.count {
      throw HandlerFailure.transient(code: "log.write", message: String(cString: strerror(errno)))
    }
  }
}

/// `--handler exec`: `sh -c COMMAND` per job, the effect in its environment.
struct ExecEffectHandler: EffectHandler {
  let command: String

  func run(_ effect: EffectRecord) async throws {
    let environment = [
      "SLATE_EFFECT_KEY=\(effect.key)", "SLATE_EFFECT_KIND=\(effect.kind)", "SLATE_EFFECT_TURN=\(effect.turn.rawValue)",
      "SLATE_EFFECT_PROJECT=\(effect.project.rawValue)", "SLATE_EFFECT_ATTEMPT=\(effect.attempts)",
      "SLATE_EFFECT_PAYLOAD=\(effect.payload.canonicalString)",
    ]
    let status = try await ChildProcess.run(["/bin/sh", "-c", command], adding: environment)
    switch status {
    case 0: return
    case 100: throw HandlerFailure.permanent(code: "exec.exit_100", message: "the command failed for good")
    default: throw HandlerFailure.transient(code: "exec.exit_\(status)", message: "the command failed")
    }
  }
}

/// Spawning a process and waiting for it without blocking a thread.
enum ChildProcess {
  /// Runs `arguments` with this process's environment plus `adding` (`NAME=value`);
  /// returns its exit status (128 + the signal for one killed by a signal).
  static func run(_ arguments: [String], adding: [String]) async throws -> Int32 {
    var inherited: [String] = []
    var entry = environ
    while let pointer = entry.pointee {
      inherited.append(String(cString: pointer))
      entry += 1
    }
    let argv = arguments.map { strdup($0) } + [nil]
    let envp = (inherited + adding).map { strdup($0) } + [nil]
    defer { for pointer in argv + envp { free(pointer) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, arguments[0], nil, nil, argv, envp)
    guard spawned == 0 else {
      throw HandlerFailure.transient(code: "exec.spawn", message: String(cString: strerror(spawned)))
    }
    var status: Int32 = 0
    while true {
      let done = waitpid(pid, &status, WNOHANG)
      if done == pid { break }
      if done < 0 && errno != EINTR {
        throw HandlerFailure.ambiguous(code: "exec.wait", message: String(cString: strerror(errno)))
      }
      try? await Task.sleep(for: .milliseconds(5))
    }
    let signal = status & 0x7f
    return signal == 0 ? (status >> 8) & 0xff : 128 + signal
  }
}
