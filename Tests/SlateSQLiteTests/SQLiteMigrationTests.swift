import Foundation
import GRDB
import SlateDispatch
import SlateJSON
import Testing

@testable import SlateSQLite

/// A ledger file written before kept stream bytes (schema `v1` only) still opens: read-only
/// as it is, read-write migrated forward with its rows intact.
@Suite struct SQLiteMigrationTests {
  /// A file with only the `v1` migration applied and one turn.
  static func v1Ledger(_ directory: TemporaryDirectory) throws -> String {
    let path = directory.path()
    let raw = try DatabaseQueue(path: path)
    try raw.write { db in
      try db.execute(sql: "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
      for statement in SQLiteSchema.v1 { try db.execute(sql: statement) }
      try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v1')")
      try db.execute(sql: """
        INSERT INTO turns VALUES ('old', 'p', 'turn', 'completed', 1, 1, 1, '[]', NULL, 'none', 3)
        """)
    }
    try raw.close()
    return path
  }

  @Test func aV1LedgerOpensReadOnlyAndMigratesOnWrite() async throws {
    let directory = try TemporaryDirectory()
    let path = try Self.v1Ledger(directory)
    let readOnly = try SQLiteLedger(path: path, options: .init(readOnly: true))
    #expect(try await readOnly.appliedMigrations() == ["v1"])
    let old = try await readOnly.read { tx throws(LedgerError) in try tx.turn("old") }
    #expect(old?.status == .completed && old?.revision == 3)

    let ledger = try SQLiteLedger(path: path)
    #expect(try await ledger.appliedMigrations() == SQLiteLedger.schemaVersions)
    try await ledger.write { tx throws(LedgerError) in
      try tx.putStreamChunk(StreamChunkRecord(turn: "old", stream: "answer", offset: 0, bytes: [1, 2, 3]))
    }
    let chunks = try await ledger.read { tx throws(LedgerError) in try tx.streamChunks(turn: "old", stream: "answer") }
    #expect(chunks.map(\.bytes) == [[1, 2, 3]])
    #expect(try await ledger.read { tx throws(LedgerError) in try tx.turn("old") } == old)
  }
}
