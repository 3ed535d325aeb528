import Foundation
import SlateTestSupport
import Testing

/// The tests' `slate` runner (`SlateCLI.run`) gives back each run's pipe descriptors when
/// the run returns. It once kept every run's process, and its pipes, for the run's timeout
/// (120 s): the suite then held thousands of descriptors, and past ~1,360 Foundation's own
/// `Process.run` reads past the end of its `/proc/self/fd` listing and crashes the test
/// process (as it did in CI).
@Suite struct CLIRunnerDescriptorTests {
  /// The pipes this process has open now (nil where `/proc/self/fd` cannot be read).
  static func openPipes() -> Int? {
    guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return nil }
    return entries.reduce(0) { count, entry in
      let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + entry)) ?? ""
      return count + (target.hasPrefix("pipe:") ? 1 : 0)
    }
  }

  /// 60 runs, one after the other: a runner that kept each run's pipes would leave 120 or
  /// more open (two a run, measured with the runner that did); other suites running
  /// alongside hold a few at a time (a process's pipes while it runs), so the margin
  /// allowed is 60.
  @Test func runsGiveTheirPipesBack() throws {
    guard SlateCLI.binary != nil, let before = Self.openPipes() else { return }
    for k in 0..<60 {
      let run = try #require(try SlateCLI.run(["--version"], stdin: k.isMultiple(of: 2) ? Array("x".utf8) : nil))
      #expect(run.status == 0)
    }
    let after = try #require(Self.openPipes())
    #expect(after - before < 60, "pipes open before the runs: \(before), after: \(after)")
  }
}
