import GRDB
import SlateDispatch
import Testing

@testable import SlateSQLite

/// The ledger's hot updates read no other table than their own and the parents they
/// reference: with foreign keys on, SQLite compiles an `UPDATE` that assigns a parent key
/// (even to its own value) into a walk over every child row of the old key, which made each
/// touch of a turn O(its actions, effects, phases and stream chunks) and a 10,000-action
/// replay quadratic. Read off the statements' programs (`EXPLAIN`): the tables whose
/// b-trees they open. (An insert into a parent table opens its children too, in code that
/// runs only while a deferred violation is pending: inserts are not checked here.)
@Suite struct SQLiteUpdateProgramTests {
  /// The tables (an index counts as its table) that `sql`'s program opens a cursor on.
  static func tablesOpened(by sql: String, in db: Database) throws -> Set<String> {
    var tableOfRoot: [Int: String] = [:]
    for row in try Row.fetchAll(db, sql: "SELECT rootpage, tbl_name FROM sqlite_master WHERE rootpage > 0") {
      tableOfRoot[row["rootpage"]] = row["tbl_name"]
    }
    var opened: Set<String> = []
    let program = try db.makeStatement(sql: "EXPLAIN " + sql)
    program.setUncheckedArguments([])  // unbound parameters are NULL: the program is the same
    for row in try Row.fetchAll(program) {
      let opcode: String = row["opcode"]
      guard opcode == "OpenRead" || opcode == "OpenWrite" else { continue }
      let root: Int = row["p2"]
      opened.insert(tableOfRoot[root] ?? "root page \(root)")
    }
    return opened
  }

  /// ``tablesOpened(by:in:)`` in a new ledger's file, opened with foreign keys on.
  static func tablesOpened(by sql: String) async throws -> Set<String> {
    let directory = try TemporaryDirectory()
    let ledger = try SQLiteLedger(path: directory.path())
    try ledger.close()
    let raw = try DatabaseQueue(path: directory.path(), configuration: {
      var configuration = Configuration()
      configuration.foreignKeysEnabled = true
      return configuration
    }())
    defer { try? raw.close() }
    return try await raw.read { db in try tablesOpened(by: sql, in: db) }
  }

  @Test(arguments: [
    ("updateTurn", SQL.updateTurn, Set(["turns"])),
    ("updateAction", SQL.updateAction, Set(["actions", "turns"])),
    ("updateEffect", SQL.updateEffect, Set(["effects", "turns"])),
  ])
  func anUpdateReadsOnlyItsTableAndItsParents(name: String, sql: String, allowed: Set<String>) async throws {
    let opened = try await Self.tablesOpened(by: sql)
    #expect(opened.isSubset(of: allowed), "\(name) opens \(opened.subtracting(allowed).sorted())")
  }

  /// The check sees a child walk where there is one: assigning the turn's id (the old
  /// statement) opens the turn's child tables.
  @Test func assigningTheTurnsIDWalksItsChildren() async throws {
    let opened = try await Self.tablesOpened(by: "UPDATE turns SET (id, updated_at) = (?1, ?2) WHERE id = ?1")
    #expect(opened.isSuperset(of: ["turns", "actions", "effects", "phases", "stream_chunks"]), "\(opened.sorted())")
  }
}
