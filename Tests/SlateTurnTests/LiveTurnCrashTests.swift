import Foundation
import SlateCore
import SlateDispatch
import SlateJSON
import SlateSQLite
import SlateTestSupport
import Testing

/// The host process of `Tests/SlateTestHost` (a support pack, an async handler, 64-byte
/// chunks through an `AsyncSequence` into a `LiveTurn` over SQLite), SIGKILLed at every
/// handler call and at seeded byte offsets of the stream, then recovered by another
/// process (`LiveTurn.recover()`), then, when the kept bytes did not end the stream,
/// resumed: every action applied exactly once, every effect queued once; the recovered
/// turn `completed` exactly when the kept bytes were the whole stream, else
/// `partially_completed` with its resume point (`failed`, retry from the start, when
/// nothing had landed), never `completed` with actions missing.
@Suite(.serialized) struct LiveTurnCrashTests {
  static let host = SlateCLI.locate("slate-test-host")
  /// Every host process holds its leases for an hour: recovery takes the killed
  /// process's over at once because its holder's process is gone
  /// (``WorkerIdentity/isGone(_:)``); a recovery that waited it out would outlive
  /// ``timeout`` and fail as timed out, however loaded the machine.
  static let runLease = ["--lease-ms", "3600000"]
  /// How long a host process may run (it takes well under a second when the machine is
  /// idle): a hang, or a lease waited out, is a failure, never a slow machine.
  static let timeout: Double = 300

  struct Expected {
    var bytes: Int
    var keys: [String]
  }

  static func run(_ arguments: [String]) throws -> SlateCLI.Result {
    guard let host else {
      Issue.record("no slate-test-host beside the tests or in .build/debug: build the package first")
      throw CancellationError()
    }
    return try #require(try SlateCLI.run(arguments, timeout: timeout, executable: host))
  }

  static func json(_ result: SlateCLI.Result) throws -> JSONValue {
    try SimdjsonParser().parse(try #require(result.lines.last, "no output; stderr: \(result.errorOutput)"))
  }

  /// The kill points: every handler call when each action is dispatched as it closes, a
  /// few when the whole stream is one batch, seeded byte offsets, and streams cut short.
  static func killPoints(_ expected: Expected) -> [[String]] {
    var points: [[String]] = []
    for call in 1...expected.keys.count { points.append(["--max-items", "1", "--kill-at-call", "\(call)"]) }
    for call in [1, 6, expected.keys.count] { points.append(["--max-items", "64", "--kill-at-call", "\(call)"]) }
    var random = SplitMix64(seed: 0x14)
    for _ in 0..<6 {
      points.append(["--max-items", "1", "--kill-at-byte", "\(Int(random.next() % UInt64(expected.bytes)))"])
    }
    points.append(["--max-items", "1", "--cut-at", "\(expected.bytes / 2)", "--kill-at-call", "2"])
    points.append(["--max-items", "64", "--cut-at", "\(expected.bytes * 3 / 4)", "--kill-at-call", "1"])
    return points
  }

  @Test func killedAtEveryHandlerCallAndAtSeededOffsetsThenRecovered() async throws {
    let shape = try Self.json(try Self.run(["expect"]))
    let expected = Expected(bytes: Int(try #require(shape["bytes"]?.numberValue?.int64Value)),
                            keys: (shape["keys"]?.arrayValue ?? []).compactMap(\.stringValue))
    #expect(expected.keys.count == 10 && Set(expected.keys).count == 10)
    for point in Self.killPoints(expected) {
      try await check(point, expected: expected)
    }
  }

  /// `slate recover --schema` reads a dead host's kept bytes again, with the CLI's record
  /// handler: the host died in the 3rd call of its one batch (the whole stream kept), so
  /// the rest is applied once and the turn completes.
  @Test func theCLIRecoversAKilledHostsOpenStream() async throws {
    guard let slate = SlateCLI.binary else { return }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slate-crash-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let ledger = directory.appendingPathComponent("ledger.sqlite").path
    let pack = directory.appendingPathComponent("support.json")
    try Data(try Self.run(["pack"]).lines.joined(separator: "\n").utf8).write(to: pack)
    let killed = try Self.run(["run", ledger, directory.appendingPathComponent("calls.log").path, "--max-items", "64",
                               "--kill-at-call", "3"])
    #expect(killed.signaled && killed.status == SIGKILL)
    #expect(try await appliedKeys(ledger).count == 2)

    let recovered = try #require(try SlateCLI.run(["recover", "t1", "--ledger", ledger, "--schema", pack.path,
                                                   "--dialect", "openai-chat", "--json"], executable: slate))
    #expect(recovered.status == 0, "\(recovered.errorOutput)")
    let summary = try Self.json(recovered)
    #expect(summary["status"] == "completed", "\(summary.canonicalString)")
    let after = try await appliedKeys(ledger)
    #expect(after.count == 10 && Set(after).count == 10, "\(after)")
    let effects = try await effectKeys(ledger)
    #expect(effects.count == 10 && Set(effects).count == 10)
  }

  func check(_ point: [String], expected: Expected) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slate-crash-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let ledger = directory.appendingPathComponent("ledger.sqlite").path
    let log = directory.appendingPathComponent("calls.log").path
    let label = point.joined(separator: " ")
    let options = Array(point.prefix(2))

    let killed = try Self.run(["run", ledger, log] + point + Self.runLease)
    #expect(killed.signaled && killed.status == SIGKILL, "\(label): not killed (\(killed.status)): \(killed.errorOutput)")
    let keptWhole = try await keptBytes(ledger) == expected.bytes && !point.contains("--cut-at")

    let recovery = try Self.run(["recover", ledger, log] + options + Self.runLease)
    #expect(!recovery.timedOut, "\(label): recovery waited out the dead process's lease (an hour)")
    let recovered = try Self.json(recovery)
    let status = recovered["status"]?.stringValue
    let applied = try await appliedKeys(ledger)
    if keptWhole {
      #expect(status == "completed", "\(label): the kept bytes were the whole stream: \(recovered.canonicalString)")
    } else if applied.isEmpty {
      #expect(status == "failed" && recovered["recoverability"] == "retry_from_start", "\(label): \(recovered.canonicalString)")
    } else {
      #expect(status == "partially_completed" && recovered["recoverability"] == "resume_from_phase:answer",
              "\(label): \(recovered.canonicalString)")
      #expect(recovered["reason"]?.stringValue?.hasPrefix("stream.truncated: phase answer") == true, "\(label)")
    }
    if status == "completed" {
      #expect(applied.sorted() == expected.keys.sorted(), "\(label): completed with actions missing: \(applied)")
    } else {
      let resumed = try Self.json(try Self.run(["resume", ledger, log] + options + Self.runLease))
      #expect(resumed["status"] == "completed", "\(label): resumed: \(resumed.canonicalString)")
    }

    // Exactly once: every action applied once, every effect queued once; the handler
    // called once per key, but for the call the kill cut short (its outcome was lost with
    // the process: called again with the same key).
    let final = try await appliedKeys(ledger)
    #expect(final.sorted() == expected.keys.sorted(), "\(label): applied \(final)")
    let effects = try await effectKeys(ledger)
    #expect(effects.count == expected.keys.count && Set(effects).count == effects.count, "\(label): effects \(effects)")
    let calls = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map(String.init)
    var counts: [String: Int] = [:]
    for call in calls { counts[call, default: 0] += 1 }
    #expect(Set(calls) == Set(expected.keys), "\(label): called \(calls)")
    let cutShort = point.contains("--kill-at-call") ? killedCall(point, calls: calls) : nil
    for (key, count) in counts where count > 1 {
      #expect(key == cutShort && count == 2, "\(label): \(key) called \(count) times")
    }
  }

  /// The key of the call the kill cut short: the log's line number `--kill-at-call`.
  func killedCall(_ point: [String], calls: [String]) -> String? {
    guard let index = point.firstIndex(of: "--kill-at-call"), let call = Int(point[index + 1]), call <= calls.count
    else { return nil }
    return calls[call - 1]
  }

  func keptBytes(_ path: String) async throws -> Int {
    try await SQLiteLedger(path: path).read { tx throws(LedgerError) in
      StreamChunkRecord.contiguousBytes(try tx.streamChunks(turn: "t1", stream: "answer")).count
    }
  }

  func appliedKeys(_ path: String) async throws -> [String] {
    try await SQLiteLedger(path: path).read { tx throws(LedgerError) in
      try tx.actions(turn: "t1").filter { $0.status == .applied }.map(\.key.readable)
    }
  }

  func effectKeys(_ path: String) async throws -> [String] {
    try await SQLiteLedger(path: path).read { tx throws(LedgerError) in try tx.effects(turn: "t1").map(\.key) }
  }
}
