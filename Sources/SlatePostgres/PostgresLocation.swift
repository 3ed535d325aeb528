import Foundation
import PostgresNIO
import SlateDispatch

/// Where a ``PostgresLedger`` lives, read from a URL:
/// `postgres://user[:password]@host[:port]/database[?schema=NAME&pool=N&sslmode=MODE&password_file=PATH&application_name=NAME]`
/// (`postgresql://` too).
///
/// - The password comes from the URL, else from `PGPASSWORD`, else from a file (the
///   `password_file` parameter, else `SLATE_POSTGRES_PASSWORD_FILE`) whose content, less a
///   trailing newline, is the password; else there is none (trust or peer authentication).
/// - `sslmode`: `disable`, `prefer` or `require`; by default `disable` on a loopback host
///   (`localhost`, `127.0.0.0/8`, `::1`) and `prefer` elsewhere.
/// - `schema`: the PostgreSQL schema holding the ledger's tables (created when missing;
///   default `slate`), so several ledgers can share one database.
/// - `pool`: how many connections (and transaction threads) the ledger uses at most.
/// - `application_name`: what the server shows for the ledger's sessions
///   (`pg_stat_activity.application_name`; default `slate`), so an operator can tell
///   workers apart (printable ASCII, at most 63 bytes).
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
  public enum TLSMode: String, Sendable {
    case disable, prefer, require
  }

  public var host: String
  public var port: Int
  public var user: String
  public var password: String?
  public var database: String
  public var schema: String
  public var tls: TLSMode
  public var poolSize: Int?
  public var applicationName: String

  public init(host: String, port: Int = 5432, user: String, password: String? = nil, database: String,
              schema: String = "slate", tls: TLSMode? = nil, poolSize: Int? = nil, applicationName: String = "slate")
  {
    self.applicationName = applicationName
    self.host = host
    self.port = port
    self.user = user
    self.password = password
    self.database = database
    self.schema = schema
    self.tls = tls ?? (PostgresLocation.isLoopback(host) ? .disable : .prefer)
    self.poolSize = poolSize
  }

  /// Whether `text` names a PostgreSQL ledger (`postgres://` or `postgresql://`).
  public static func isURL(_ text: String) -> Bool {
    text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
  }

  /// Reads a URL (see the type's documentation); `environment` supplies `PGPASSWORD` and
  /// `SLATE_POSTGRES_PASSWORD_FILE`. Throws `ledger.storage` `PG_URL` with the reason.
  public init(url text: String, environment: [String: String] = ProcessInfo.processInfo.environment)
    throws(LedgerError)
  {
    func bad(_ reason: String) -> LedgerError { .storage(code: "PG_URL", message: "\(reason) in the URL \(text)") }
    guard PostgresLocation.isURL(text), let components = URLComponents(string: text) else {
      throw bad("not a postgres:// URL")
    }
    guard let host = components.host, !host.isEmpty else { throw bad("no host") }
    guard let user = components.user, !user.isEmpty else { throw bad("no user") }
    let database = String(components.path.drop(while: { $0 == "/" }))
    guard !database.isEmpty, !database.contains("/") else { throw bad("no database (postgres://user@host:port/database)") }
    var query: [String: String] = [:]
    for item in components.queryItems ?? [] {
      guard let value = item.value, !value.isEmpty else { throw bad("the parameter \(item.name) has no value") }
      query[item.name] = value
    }
    if let unknown = query.keys.sorted().first(where: { !["schema", "pool", "sslmode", "password_file", "application_name"].contains($0) }) {
      throw bad("unknown parameter \(unknown) (known: schema, pool, sslmode, password_file, application_name)")
    }
    var tls: TLSMode?
    if let mode = query["sslmode"] {
      guard let known = TLSMode(rawValue: mode) else { throw bad("sslmode \(mode) is not disable, prefer or require") }
      tls = known
    }
    var poolSize: Int?
    if let pool = query["pool"] {
      guard let size = Int(pool), (1...64).contains(size) else { throw bad("pool \(pool) is not a size from 1 to 64") }
      poolSize = size
    }
    let schema = query["schema"] ?? "slate"
    guard PostgresLocation.isIdentifier(schema) else {
      throw bad("schema \(schema) is not a plain identifier (lower-case letters, digits, _; at most 63)")
    }
    let applicationName = query["application_name"] ?? "slate"
    guard applicationName.utf8.count <= 63, applicationName.utf8.allSatisfy({ (0x20...0x7e).contains($0) }) else {
      throw bad("application_name \(applicationName) is not printable ASCII of at most 63 bytes")
    }
    var password = components.password
    if password == nil { password = environment["PGPASSWORD"] }
    if password == nil, let file = query["password_file"] ?? environment["SLATE_POSTGRES_PASSWORD_FILE"] {
      guard let data = FileManager.default.contents(atPath: file), var secret = String(data: data, encoding: .utf8) else {
        throw .storage(code: "PG_URL", message: "cannot read the password file \(file)")
      }
      while secret.hasSuffix("\n") || secret.hasSuffix("\r") { secret.removeLast() }
      password = secret
    }
    self.init(host: host, port: components.port ?? 5432, user: user, password: password, database: database,
              schema: schema, tls: tls, poolSize: poolSize, applicationName: applicationName)
  }

  /// The URL without its password.
  public var description: String {
    "postgres://\(user)@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)?schema=\(schema)"
  }

  /// Whether `host` is this machine (where TLS is off by default).
  static func isLoopback(_ host: String) -> Bool {
    host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
  }

  /// A schema name used unquoted in SQL: `[a-z_][a-z0-9_]*`, at most 63 bytes.
  static func isIdentifier(_ name: String) -> Bool {
    guard let first = name.utf8.first, name.utf8.count <= 63, first == UInt8(ascii: "_") || (0x61...0x7a).contains(first)
    else { return false }
    return name.utf8.allSatisfy { $0 == UInt8(ascii: "_") || (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) }
  }

  /// postgres-nio's settings for one connection, with `search_path` set to the schema.
  func configuration() throws(LedgerError) -> PostgresConnection.Configuration {
    let mode: PostgresConnection.Configuration.TLS
    do {
      switch tls {
      case .disable: mode = .disable
      case .prefer: mode = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
      case .require: mode = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
      }
    } catch {
      throw .storage(code: "PG_TLS", message: "cannot set up TLS: \(error)")
    }
    var configuration = PostgresConnection.Configuration(host: host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")),
                                                         port: port, username: user, password: password,
                                                         database: database, tls: mode)
    configuration.options.additionalStartupParameters = [("search_path", schema), ("application_name", applicationName)]
    return configuration
  }
}
