import Foundation
import Logging
import PostgresNIO
import SlateDispatch
import Synchronization
import Testing
@testable import SlatePostgres

/// The PostgreSQL server the tests use: `SLATE_TEST_POSTGRES_URL` (set by
/// `scripts/postgres.sh run`, which `make test` and `.ci/run` go through). Without it the
/// suites that need a server are skipped, each saying so in the test output.
enum TestServer {
  static let url: String? = {
    guard let url = ProcessInfo.processInfo.environment["SLATE_TEST_POSTGRES_URL"], !url.isEmpty else { return nil }
    return url
  }()

  static var available: Bool { url != nil }

  static let skipReason: Comment =
    "SLATE_TEST_POSTGRES_URL is not set, so no PostgreSQL server: skipped (run `scripts/postgres.sh run -- swift test` or `make test`)"

  /// The server's URL with a schema of its own, new and empty.
  static func freshURL() -> String {
    let base = url ?? "postgres://nobody@127.0.0.1:1/none"
    let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
    return base + (base.contains("?") ? "&" : "?") + "schema=" + schema
  }

  /// A connection of its own (not a ledger's), for what a ledger would never do: plant a
  /// row, terminate a backend, drop a schema.
  static func connect(_ url: String) async throws -> PostgresConnection {
    let location = try PostgresLocation(url: url)
    var configuration = try location.configuration()
    configuration.options.additionalStartupParameters = [("search_path", location.schema), ("application_name", "slate-test")]
    return try await PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.next(),
                                                configuration: configuration, id: 0,
                                                logger: Logger(label: "slate.test", factory: { _ in SwiftLogNoOpLogHandler() }))
  }

  /// Runs `body` with a fresh schema's URL, then drops the schema.
  static func withFreshSchema<R>(_ body: (String) async throws -> R) async throws -> R {
    let url = freshURL()
    do {
      let result = try await body(url)
      try await drop(url)
      return result
    } catch {
      try? await drop(url)
      throw error
    }
  }

  static func drop(_ url: String) async throws {
    let connection = try await connect(url)
    let schema = try PostgresLocation(url: url).schema
    _ = try await connection.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \(schema) CASCADE"),
                                   logger: connection.logger).get()
    try await connection.close()
  }
}

/// Writes through one ledger, reads through another on the same schema, as two processes
/// would: nothing a check sees can come from the writing instance.
struct SplitLedger: DispatchLedger {
  let writer: any DispatchLedger
  let reader: any DispatchLedger

  func read<R: Sendable>(_ body: @Sendable (any LedgerReader) throws(LedgerError) -> R) async throws(LedgerError) -> R {
    try await reader.read(body)
  }

  func write<R: Sendable>(_ body: @Sendable (any LedgerTransaction) throws(LedgerError) -> R) async throws(LedgerError)
    -> R
  {
    try await writer.write(body)
  }
}

/// A counter shared by concurrent bodies.
final class Counter: Sendable {
  private let count = Mutex(0)

  /// Adds one; returns the new count.
  @discardableResult
  func next() -> Int {
    count.withLock { count in
      count += 1
      return count
    }
  }

  var value: Int { count.withLock { $0 } }
}
