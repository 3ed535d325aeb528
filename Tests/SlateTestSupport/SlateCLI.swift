import Foundation

/// Runs the `slate` binary as a process: the one beside the test bundle, else
/// `.build/debug/slate` (tests skip with a message when neither exists).
public enum SlateCLI {
  public static let binary: URL? = {
    let found = locate("slate")
    if found == nil { print("skipping: no slate binary beside the tests or in .build/debug") }
    return found
  }()

  /// Whether the `slate` found was built with the package trait `HTTP` (`slate serve`,
  /// URLs as input): a `slate` without it answers `serve` with exit 2 and the line naming
  /// the trait. `swift test` without the trait skips the tests that need it, saying so.
  public static let speaksHTTP: Bool = {
    guard let probe = try? run(["serve", "/nonexistent/slate-trait-probe"], timeout: 60) else { return false }
    return !(probe.status == 2 && probe.errorOutput.contains("built without HTTP"))
  }()

  /// The package's executable `name`: beside the test bundle, else in `.build/debug`.
  public static func locate(_ name: String) -> URL? {
    let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name)
    let debug = SharedFixtures.projectRoot.appendingPathComponent(".build/debug/" + name)
    return [beside, debug].first { FileManager.default.isExecutableFile(atPath: $0.path) }
  }

  /// What a run printed and how it exited.
  public struct Result: Sendable {
    /// The exit code, or the signal's number when ``signaled``.
    public var status: Int32
    public var lines: [String]
    public var errorOutput: String
    /// The process died of a signal (a crash, or the timeout's SIGTERM).
    public var signaled = false
    /// The process outlived the timeout and was terminated.
    public var timedOut = false
  }

  /// Runs `slate ARGUMENTS` (or `executable`) from the project root (or `directory`), with `stdin` as standard
  /// input when given, terminating it after `timeout` seconds (a hang is a failure the
  /// caller sees, not a test that never ends), with `environment` added to this process's.
  /// Nil when there is no binary.
  public static func run(_ arguments: [String], stdin: [UInt8]? = nil, timeout: Double = 120, directory: URL? = nil,
                         executable: URL? = nil, environment: [String: String] = [:]) throws -> Result?
  {
    guard let binary = executable ?? binary else { return nil }
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    if !environment.isEmpty {
      process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, added in added }
    }
    process.currentDirectoryURL = directory ?? SharedFixtures.projectRoot
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    let input = stdin.map { _ in Pipe() }
    if let input { process.standardInput = input }
    try process.run()
    // The timer holds the process weakly: a cancelled work item stays queued until its
    // deadline, and a strong capture kept the process, and with it its pipes' descriptors,
    // open that long after the run (thousands of descriptors across the suite, which
    // Foundation's own `Process.run` then reads past the end of a buffer listing).
    let timer = DispatchWorkItem { [weak process] in if let process, process.isRunning { process.terminate() } }
    DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: timer)
    defer { timer.cancel() }
    if let stdin, let input {
      // From another thread: the command writes its output while it reads its input, so a
      // big input written here first could fill both pipes and wait forever.
      let writer = input.fileHandleForWriting
      Thread.detachNewThread {
        writer.write(Data(stdin))
        try? writer.close()
      }
    }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    // Closed now rather than when the last reference goes.
    try? output.fileHandleForReading.close()
    try? errors.fileHandleForReading.close()
    let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    let signaled = process.terminationReason == .uncaughtSignal
    return Result(status: process.terminationStatus, lines: lines, errorOutput: String(decoding: errorData, as: UTF8.self),
                  signaled: signaled, timedOut: signaled && process.terminationStatus == SIGTERM)
  }
}
