import Foundation
import SlateJSON
import SlateTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The commands that take `--ledger` on a PostgreSQL ledger (`postgres://…`, each test in a
/// schema of its own on the server `SLATE_TEST_POSTGRES_URL` names): the same turn gives
/// the same ledger as on SQLite, also when one process is killed in the middle and another
/// recovers the turn.
@Suite(.serialized, .enabled(if: PostgresTestServerURL.value != nil,
                             "SLATE_TEST_POSTGRES_URL is not set, so no PostgreSQL server: skipped (run `scripts/postgres.sh run -- swift test` or `make test`)"))
struct PostgresLedgerCommandTests {
  static var server: String? { PostgresTestServerURL.value }
  /// The pack `replay` reads the stream with by default: `recover --schema` reads the rest
  /// of a stream the killed process left open again from the bytes the ledger kept.
  static let pack = "Corpus/schemas/film.json"

  /// The server's URL with a new schema.
  static func freshURL(_ name: String) -> String {
    let base = server ?? ""
    let suffix = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
    return base + (base.contains("?") ? "&" : "?") + "schema=cli_\(name)_\(suffix)"
  }

  /// A turn's actions (type, readable key, status, outcome kind), its outbox keys and its
  /// event kinds with their keys: what two ledgers of one turn must agree on (times and
  /// sequences aside).
  static func contents(_ ledger: String, turn: String) throws -> [String]? {
    guard let shown = try SlateCLI.run(["turn", "show", turn, "--ledger", ledger, "--json"]) else { return nil }
    #expect(shown.status == 0, "turn show: \(shown.errorOutput)")
    let object = try SimdjsonParser().parse(try #require(shown.lines.first))
    var out = ["status " + (object["turn"]?["status"]?.stringValue ?? "?")]
    for action in object["actions"]?.arrayValue ?? [] {
      out.append(["action", action["type"]?.stringValue, action["key"]?["readable"]?.stringValue ?? action["key"]?.canonicalString,
                  action["status"]?.stringValue, action["outcome"]?["kind"]?.stringValue].map { $0 ?? "-" }.joined(separator: " "))
    }
    for effect in object["effects"]?.arrayValue ?? [] { out.append("effect " + (effect["key"]?.stringValue ?? "?")) }
    let events = (object["events"]?.arrayValue ?? []).map { "event \($0["kind"]?.stringValue ?? "?") \($0["key"]?.stringValue ?? "-")" }
    return out + events.sorted()
  }

  @Test func replayGivesTheSameLedgerAsSQLite() throws {
    let sqlite = try ReplayCommandTests.ledgerPath("pg-compare")
    guard let onSQLite = try SlateCLI.run(["replay", "Corpus/turns/heist", "--ledger", sqlite, "--json"]) else { return }
    let url = Self.freshURL("replay")
    let onPostgres = try #require(try SlateCLI.run(["replay", "Corpus/turns/heist", "--ledger", url, "--json"]))
    #expect(onPostgres.status == 0, "\(onPostgres.errorOutput)")
    let (one, two) = (try ReplayCommandTests.summary(onSQLite), try ReplayCommandTests.summary(onPostgres))
    for field in ["status", "applied", "duplicates", "queues", "effects", "recoverability"] {
      #expect(one[field] == two[field], "\(field): SQLite \(one[field]?.canonicalString ?? "-"), PostgreSQL \(two[field]?.canonicalString ?? "-")")
    }
    #expect(try Self.contents(sqlite, turn: "heist") == Self.contents(url, turn: "heist"))
    let again = try #require(try SlateCLI.run(["replay", "Corpus/turns/heist", "--ledger", url, "--json"]))
    let three = try ReplayCommandTests.summary(again)
    #expect(three["applied"] == 0 && three["duplicates"] == 31, "the second run applies nothing")
    let turns = try #require(try SlateCLI.run(["turns", "--ledger", url]))
    #expect(turns.lines.count == 1 && turns.lines[0].hasPrefix("heist\tdefault\tcompleted"), "\(turns.lines)")
  }

  @Test func ledgerFromEnvironment() throws {
    let url = Self.freshURL("env")
    guard let replay = try SlateCLI.run(["replay", "Corpus/openai-chat/clean.sse", "--turn", "t-env"],
                                        environment: ["SLATE_LEDGER": url]) else { return }
    #expect(replay.status == 0, "\(replay.errorOutput)")
    let turns = try #require(try SlateCLI.run(["turns", "--ledger", url]))
    #expect(turns.lines.first?.hasPrefix("t-env\t") == true, "SLATE_LEDGER named the ledger: \(turns.lines)")
  }

  @Test func readOnlyCommandsCreateNothing() throws {
    let url = Self.freshURL("empty")
    guard let listed = try SlateCLI.run(["turns", "--ledger", url]) else { return }
    #expect(listed.status == 2 && listed.errorOutput.contains("SLATE_NOT_A_LEDGER"), "\(listed.errorOutput)")
    #expect(!listed.errorOutput.contains("password"))
  }

  /// A turn started by one process, killed (SIGKILL, the drill's `crash-after=N`) after its
  /// N-th handler call, and recovered by another process ends as on SQLite: every action
  /// applied once, every effect queued once, and the same as the same crash and recovery
  /// on a SQLite ledger (the recovery's summary: status, counts, queues, effects,
  /// recoverability; the ledger's actions, outbox and event kinds).
  @Test(arguments: [1, 4, 9])
  func killedThenRecoveredByAnotherProcess(_ n: Int) throws {
    let stream = "Corpus/openai-chat/clean.sse"
    let cleanPath = try ReplayCommandTests.ledgerPath("pg-crash-clean-\(n)")
    guard try SlateCLI.run(["replay", stream, "--ledger", cleanPath, "--turn", "clean"]) != nil else { return }
    let clean = try #require(try ReplayCommandTests.ledger(cleanPath, turn: "clean"))
    let sqlite = try ReplayCommandTests.ledgerPath("pg-crash-sqlite-\(n)")
    let url = Self.freshURL("crash\(n)")
    var summaries: [JSONValue] = []
    for ledger in [sqlite, url] {
      let crashed = try #require(try SlateCLI.run(["replay", stream, "--ledger", ledger, "--turn", "clean", "--fault",
                                                   "crash-after=\(n)", "--lease", "0.05"]))
      #expect(crashed.status == SIGKILL, "crash-after=\(n) kills the process (status \(crashed.status)): \(crashed.errorOutput)")
      let recovered = try #require(try SlateCLI.run(["recover", "clean", "--ledger", ledger, "--schema", Self.pack, "--lease", "0.05",
                                                     "--json"]))
      #expect(recovered.status == 0, "recover after crash-after=\(n): \(recovered.lines.last ?? "") \(recovered.errorOutput)")
      summaries.append(try ReplayCommandTests.summary(recovered))
    }
    ReplayCommandTests.expectExactlyOnce(try #require(try ReplayCommandTests.ledger(url, turn: "clean")), like: clean,
                                         "PostgreSQL, crash-after=\(n)")
    for field in ["status", "applied", "duplicates", "queues", "effects", "recoverability"] {
      #expect(summaries[0][field] == summaries[1][field],
              "crash-after=\(n), \(field): SQLite \(summaries[0][field]?.canonicalString ?? "-"), PostgreSQL \(summaries[1][field]?.canonicalString ?? "-")")
    }
    #expect(try Self.contents(url, turn: "clean") == Self.contents(sqlite, turn: "clean"),
            "the same actions, outbox and events as the same crash and recovery on SQLite")
    #expect(try Self.contents(url, turn: "clean")?.filter { !$0.hasPrefix("event") }
      == Self.contents(cleanPath, turn: "clean")?.filter { !$0.hasPrefix("event") }, "the same actions and outbox as a clean run's")
  }

  /// A worker killed while it holds a lease of ten minutes: another process recovers the
  /// turn without waiting it out (the database knows the holder is gone), exactly once.
  @Test func deadWorkersLeaseIsNotWaitedOut() throws {
    let stream = "Corpus/openai-chat/clean.sse"
    let cleanPath = try ReplayCommandTests.ledgerPath("pg-dead-clean")
    guard try SlateCLI.run(["replay", stream, "--ledger", cleanPath, "--turn", "clean"]) != nil else { return }
    let clean = try #require(try ReplayCommandTests.ledger(cleanPath, turn: "clean"))
    let url = Self.freshURL("dead")
    let crashed = try #require(try SlateCLI.run(["replay", stream, "--ledger", url, "--turn", "clean", "--fault",
                                                 "crash-after=3", "--lease", "600"]))
    #expect(crashed.status == SIGKILL, "\(crashed.errorOutput)")
    let recovered = try #require(try SlateCLI.run(["recover", "clean", "--ledger", url, "--schema", Self.pack, "--lease", "600", "--json"],
                                                  timeout: 300))
    #expect(recovered.status == 0 && !recovered.timedOut, "\(recovered.errorOutput)")
    #expect(!recovered.errorOutput.contains("waiting for"), "no lease waited out: \(recovered.errorOutput)")
    ReplayCommandTests.expectExactlyOnce(try #require(try ReplayCommandTests.ledger(url, turn: "clean")), like: clean,
                                         "PostgreSQL, a dead worker's lease")
  }
}

/// The server the PostgreSQL tests use (`SLATE_TEST_POSTGRES_URL`, set by `scripts/postgres.sh run`).
enum PostgresTestServerURL {
  static let value: String? = ProcessInfo.processInfo.environment["SLATE_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
}
