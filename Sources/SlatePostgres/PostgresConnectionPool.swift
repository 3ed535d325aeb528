import PostgresNIO
import SlateDispatch

/// Up to `size` connections to one server, opened on demand and lent to one transaction
/// at a time; a caller beyond `size` waits (first come, first served) for one to come back.
///
/// A connection is handed back `reusable` only when its transaction ended cleanly (its
/// `COMMIT` or `ROLLBACK` answered); any other is closed and forgotten, so a connection
/// whose state is unknown (lost mid-transaction, terminated by the server) is never lent
/// again. A closed connection found idle is replaced.
actor PostgresConnectionPool {
  let configuration: PostgresConnection.Configuration
  let size: Int
  let logger: Logger
  private var idle: [PostgresConnection] = []
  /// Connections open or being opened, idle or lent.
  private var open = 0
  private var waiters: [CheckedContinuation<Void, Never>] = []
  private var closed = false
  private var nextID = 0

  init(configuration: PostgresConnection.Configuration, size: Int, logger: Logger) {
    self.configuration = configuration
    self.size = max(1, size)
    self.logger = logger
  }

  /// A connection for one transaction; give it back with ``release(_:reusable:)``.
  /// Throws `PG_CONNECTION` when a new connection cannot be made, `PG_CLOSED` after ``close()``.
  func acquire() async throws(LedgerError) -> PostgresConnection {
    while true {
      if closed { throw .storage(code: "PG_CLOSED", message: "the ledger was closed") }
      while let connection = idle.popLast() {
        if !connection.isClosed { return connection }
        open -= 1
      }
      if open < size {
        open += 1
        nextID += 1
        do {
          return try await PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.next(),
                                                      configuration: configuration, id: nextID, logger: logger).get()
        } catch {
          open -= 1
          wakeOne()
          throw LedgerError(postgres: error)
        }
      }
      await withCheckedContinuation { waiters.append($0) }
    }
  }

  /// Takes a connection back: kept for the next transaction when `reusable`, else closed.
  func release(_ connection: PostgresConnection, reusable: Bool) {
    if reusable, !closed, !connection.isClosed {
      idle.append(connection)
    } else {
      open -= 1
      if !connection.isClosed { connection.close().whenComplete { _ in _ = connection } }
    }
    wakeOne()
  }

  /// Closes the idle connections and refuses new transactions; lent ones close when returned.
  func close() async {
    closed = true
    let connections = idle
    idle = []
    open -= connections.count
    for connection in connections { try? await connection.close() }
    while !waiters.isEmpty { wakeOne() }
  }

  private func wakeOne() {
    guard !waiters.isEmpty else { return }
    waiters.removeFirst().resume()
  }
}
