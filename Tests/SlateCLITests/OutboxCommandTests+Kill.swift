import Foundation
import SlateJSON
import SlateTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

extension OutboxCommandTests {
  /// Four worker processes on one outbox; worker w0 is SIGKILLed after its k-th job (k
  /// from the seed), between or inside acknowledgements. The survivors take its claims over
  /// once their lease (20 s) expires and drain the rest: every effect ends done and ran at
  /// least once, and only a job w0 ran but never acknowledged may run twice (the
  /// at-least-once window the effect's key makes harmless): at most one, first run by w0.
  /// The lease is far longer than a job (20 ms) so that a survivor slowed by a loaded
  /// machine keeps its claims; the waits are bounded generously (a hang fails, slowness
  /// does not).
  @Test(arguments: [UInt64(1), 4])
  func aWorkerKilledMidDrainLosesNothing(seed: UInt64) throws {
    guard let ledger = try Self.ledger("kill-\(seed)", turns: 8), let binary = SlateCLI.binary else { return }
    let log = ledger + ".log"
    let killAfter = 1 + Int(seed % 5)
    let workers = try (0..<4).map { index in
      try WorkerProcess(binary: binary, arguments: ["worker", "--ledger", ledger, "--handler", "log", "--log", log,
                                                    "--delay", "20ms", "--batch", "2", "--lease", "20s", "--poll", "50ms",
                                                    "--holder", "w\(index)"])
    }
    func runs() -> [(key: String, holder: String)] {
      let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
      return text.split(separator: "\n").compactMap { line in
        guard let value = try? SimdjsonParser().parse(Array(line.utf8)), let key = value["effect"]?.stringValue,
              let holder = value["holder"]?.stringValue else { return nil }
        return (key, holder)
      }
    }
    var waited = 0
    while runs().filter({ $0.holder == "w0" }).count < killAfter && waited < 300_000 {
      usleep(2_000)
      waited += 2
    }
    #expect(kill(workers[0].pid, SIGKILL) == 0)
    let killed = workers[0].wait()
    #expect(killed.status == SIGKILL, "w0 died of SIGKILL")
    waited = 0
    while try Self.entries(ledger, status: "done").count < 40 && waited < 600_000 {
      usleep(200_000)
      waited += 200
    }
    for worker in workers.dropFirst() {
      kill(worker.pid, SIGTERM)
      let (status, _, errors) = worker.wait()
      #expect(status == 0, "\(errors)")
    }
    #expect(try Self.entries(ledger, status: "done").count == 40, "every effect done")
    let all = runs()
    let byKey = Dictionary(grouping: all, by: \.key)
    #expect(byKey.count == 40, "every effect ran: \(byKey.count)")
    let repeated = byKey.filter { $0.value.count > 1 }
    #expect(repeated.count <= 1 && repeated.values.allSatisfy { $0.count == 2 && $0[0].holder == "w0" },
            "only w0's unacknowledged job may run again: \(repeated)")
  }
}
