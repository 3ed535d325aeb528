import Foundation
import SlateDispatch
import SlatePostgres
import Testing

/// Connection settings from a URL (no server needed).
@Suite struct PostgresLocationTests {
  @Test func fullURL() throws {
    let location = try PostgresLocation(url: "postgres://worker:s%40cret@db.example:6543/slate?schema=team_a&pool=8",
                                        environment: [:])
    #expect(location.host == "db.example" && location.port == 6543 && location.user == "worker")
    #expect(location.password == "s@cret" && location.database == "slate" && location.schema == "team_a")
    #expect(location.poolSize == 8 && location.applicationName == "slate")
    #expect(try PostgresLocation(url: "postgres://me@127.0.0.1/db?application_name=worker%201", environment: [:])
      .applicationName == "worker 1")
    #expect(location.tls == .prefer, "TLS is preferred off this machine")
    #expect(location.description == "postgres://worker@db.example:6543/slate?schema=team_a", "no password in the description")
  }

  @Test func defaultsOnLoopback() throws {
    let location = try PostgresLocation(url: "postgresql://me@127.0.0.1/db", environment: [:])
    #expect(location.port == 5432 && location.schema == "slate" && location.password == nil && location.poolSize == nil)
    #expect(location.tls == .disable, "TLS is off on loopback")
    #expect(try PostgresLocation(url: "postgres://me@localhost/db", environment: [:]).tls == .disable)
    #expect(try PostgresLocation(url: "postgres://me@localhost/db?sslmode=require", environment: [:]).tls == .require)
  }

  @Test func passwordFromEnvironmentThenFile() throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("slate-pg-password-\(UUID().uuidString)")
    try "from-file\n".write(to: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: file) }
    let url = "postgres://me@127.0.0.1:5432/db?password_file=\(file.path)"
    #expect(try PostgresLocation(url: url, environment: [:]).password == "from-file", "the file, less its newline")
    #expect(try PostgresLocation(url: url, environment: ["PGPASSWORD": "from-env"]).password == "from-env",
            "PGPASSWORD before the file")
    #expect(try PostgresLocation(url: "postgres://me:in-url@127.0.0.1/db", environment: ["PGPASSWORD": "x"]).password
      == "in-url", "the URL's own first")
    let plain = "postgres://me@127.0.0.1/db"
    #expect(try PostgresLocation(url: plain, environment: ["SLATE_POSTGRES_PASSWORD_FILE": file.path]).password == "from-file")
    #expect(throws: LedgerError.self) {
      try PostgresLocation(url: plain, environment: ["SLATE_POSTGRES_PASSWORD_FILE": "/nonexistent/slate-password"])
    }
  }

  @Test(arguments: [
    "sqlite:///x", "postgres://127.0.0.1/db", "postgres://me@/db", "postgres://me@127.0.0.1", "postgres://me@127.0.0.1/",
    "postgres://me@127.0.0.1/db?pool=0", "postgres://me@127.0.0.1/db?pool=many", "postgres://me@127.0.0.1/db?sslmode=verify",
    "postgres://me@127.0.0.1/db?schema=Bad-Name", "postgres://me@127.0.0.1/db?colour=red", "postgres://me@127.0.0.1/db?schema=",
    "postgres://me@127.0.0.1/db?application_name=caf%C3%A9",
  ])
  func badURLs(_ url: String) {
    do {
      _ = try PostgresLocation(url: url, environment: [:])
      Issue.record("\(url) was accepted")
    } catch {
      #expect((error as? LedgerError)?.code == "ledger.storage" && "\(error)".contains("PG_URL"), "\(url): \(error)")
    }
  }

  @Test func recognisesURLs() {
    #expect(PostgresLocation.isURL("postgres://a@b/c") && PostgresLocation.isURL("postgresql://a@b/c"))
    #expect(!PostgresLocation.isURL("ledger.sqlite") && !PostgresLocation.isURL("memory"))
  }
}
