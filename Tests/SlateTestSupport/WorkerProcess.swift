import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A process (`slate`, `slate-test-host`) running in the background from the project root,
/// its output collected in files.
public struct WorkerProcess {
  public let process: Process
  let output: URL
  let errors: URL
  public var pid: Int32 { process.processIdentifier }

  public init(binary: URL, arguments: [String]) throws {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("slate-worker-\(UUID().uuidString)")
    output = base.appendingPathExtension("out")
    errors = base.appendingPathExtension("err")
    for file in [output, errors] { _ = FileManager.default.createFile(atPath: file.path, contents: nil) }
    process = Process()
    process.executableURL = binary
    process.arguments = arguments
    process.currentDirectoryURL = SharedFixtures.projectRoot
    process.standardOutput = try FileHandle(forWritingTo: output)
    process.standardError = try FileHandle(forWritingTo: errors)
    try process.run()
  }

  /// Waits (at most 300 s, then SIGKILL) for the exit status, the output lines and the
  /// error output.
  public func wait() -> (status: Int32, output: [String], errors: String) {
    var waited = 0
    while process.isRunning && waited < 300_000 {
      usleep(10_000)
      waited += 10
    }
    if process.isRunning { kill(pid, SIGKILL) }
    process.waitUntilExit()
    let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
    let errorText = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
    try? FileManager.default.removeItem(at: output)
    try? FileManager.default.removeItem(at: errors)
    return (process.terminationStatus, text.split(separator: "\n").map { String($0) }, errorText)
  }
}
