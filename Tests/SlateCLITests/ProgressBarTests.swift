import Foundation
import SlateTestSupport
import Testing

/// `slate corpus check` draws a progress bar on standard error on a terminal, and never
/// in a pipe (standard output is the same either way).
@Suite struct ProgressBarTests {
  @Test func aTerminalGetsABarAPipeDoesNot() throws {
    guard let binary = SlateCLI.binary else { return }
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else {
      print("skipping: no /usr/bin/script to give the command a terminal")
      return
    }
    // Under script(1) both standard output and standard error are the terminal.
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
    process.arguments = ["-qec", "\(binary.path) corpus check Corpus", "/dev/null"]
    process.currentDirectoryURL = SharedFixtures.projectRoot
    let output = Pipe()
    process.standardOutput = output
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let terminal = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    #expect(terminal.contains("[########################]"), "the bar reaches its end")

    guard let piped = try SlateCLI.run(["corpus", "check", "Corpus"]) else { return }
    #expect(piped.status == 0)
    #expect(!piped.errorOutput.contains("[#"), "no bar when standard error is a pipe")
    #expect(!piped.lines.joined().contains("[#"))
  }
}
