import Foundation

/// Runs the `slate` binary as a process: the one beside the test bundle, else
/// `.build/debug/slate` (tests skip with a message when neither exists).
public enum SlateCLI {
  public static let binary: URL? = {
    let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("slate")
    let debug = SharedFixtures.projectRoot.appendingPathComponent(".build/debug/slate")
    let found = [beside, debug].first { FileManager.default.isExecutableFile(atPath: $0.path) }
    if found == nil { print("skipping: no slate binary beside the tests or in .build/debug") }
    return found
  }()

  /// What a run printed and how it exited.
  public struct Result: Sendable {
    public var status: Int32
    public var lines: [String]
    public var errorOutput: String
  }

  /// Runs `slate ARGUMENTS` from the project root, with `stdin` as standard input when
  /// given. Nil when there is no binary.
  public static func run(_ arguments: [String], stdin: [UInt8]? = nil) throws -> Result? {
    guard let binary else { return nil }
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    process.currentDirectoryURL = SharedFixtures.projectRoot
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    let input = Pipe()
    if stdin != nil { process.standardInput = input }
    try process.run()
    if let stdin {
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
    let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    return Result(status: process.terminationStatus, lines: lines, errorOutput: String(decoding: errorData, as: UTF8.self))
  }
}
