import Foundation
import GRDB
import SlateDispatch
import SlateSQLite
import Testing

/// Rows the ledger would never write (planted through a raw connection) read back as
/// `ledger.corrupt` naming the column, never a crash; the other rows stay readable.
@Suite struct SQLiteCorruptionTests {
  /// A ledger holding turn `t1` with action `s1` and effect `s1`, and a raw connection to it.
  static func planted(_ sql: String, in directory: TemporaryDirectory) async throws -> SQLiteLedger {
    let ledger = try SQLiteLedger(path: directory.path())
    try await ledger.write { tx throws(LedgerError) in
      try tx.insertTurn(Sample.turn("t1"))
      try tx.insertTurn(Sample.turn("t2"))
      try tx.insertAction(Sample.action("s1", turn: "t1"))
      try tx.insertEffect(Sample.effect("s1", turn: "t1"))
      try tx.appendEvent(LedgerEvent(turn: "t1", at: Sample.t0, kind: "turn.started"))
    }
    let raw = try DatabaseQueue(path: directory.path())
    try await raw.write { db in try db.execute(sql: sql) }
    try raw.close()
    return ledger
  }

  static func corruptMessage(_ error: LedgerError?) -> String? {
    if case .corrupt(_, let message) = error { message } else { nil }
  }

  @Test(arguments: [
    ("UPDATE turns SET status = 'exploded' WHERE id = 't1'", "status"),
    ("UPDATE turns SET plan = '[{\"name\":1}]' WHERE id = 't1'", "plan"),
    ("UPDATE turns SET plan = '[' WHERE id = 't1'", "plan"),
    ("UPDATE turns SET recoverability = 'maybe' WHERE id = 't1'", "recoverability"),
    ("UPDATE turns SET scope_kind = 'galaxy' WHERE id = 't1'", "scope_kind"),
  ])
  func corruptTurn(_ sql: String, _ column: String) async throws {
    let directory = try TemporaryDirectory()
    let ledger = try await Self.planted(sql, in: directory)
    let error = await ledgerError { try await ledger.read { tx throws(LedgerError) in try tx.turn("t1") } }
    #expect(error?.code == "ledger.corrupt")
    #expect(Self.corruptMessage(error)?.contains(column) == true, "\(String(describing: error))")
    let other = try await ledger.read { tx throws(LedgerError) in try tx.turn("t2") }
    #expect(other?.id == "t2")
  }

  @Test(arguments: [
    ("UPDATE actions SET payload = '{\"a\":' ", "payload"),
    ("UPDATE actions SET payload = '' ", "payload"),
    ("UPDATE actions SET status = 'half_done'", "status"),
    ("UPDATE actions SET scope = 'planet:x'", "scope"),
    ("UPDATE actions SET effects = '[1]'", "effects"),
    ("UPDATE actions SET versions = '{}'", "versions"),
    ("UPDATE actions SET outcome = '{\"kind\":\"won\"}'", "outcome"),
    ("UPDATE actions SET lease_holder = 'A'", "lease"),
  ])
  func corruptAction(_ sql: String, _ what: String) async throws {
    let directory = try TemporaryDirectory()
    let ledger = try await Self.planted(sql, in: directory)
    let error = await ledgerError { try await ledger.read { tx throws(LedgerError) in try tx.actions(turn: "t1") } }
    #expect(error?.code == "ledger.corrupt", "\(String(describing: error))")
    #expect(error?.description.contains(what) == true, "\(String(describing: error))")
    // A write that must read the row fails the same way and writes nothing (a row whose
    // scope was rewritten is no longer found under its old scope at all).
    guard what != "scope" else { return }
    let leased = await ledgerError {
      try await ledger.write { tx throws(LedgerError) in
        try tx.acquireLease(scope: .turn("t1"), key: Sample.key("s1").hex, holder: "A", now: Sample.t0,
                            duration: .seconds(1))
      }
    }
    #expect(leased?.code == "ledger.corrupt")
  }

  @Test func corruptEffectAndEvent() async throws {
    let directory = try TemporaryDirectory()
    let ledger = try await Self.planted(
      "UPDATE effects SET status = 'lost'; UPDATE events SET detail = 'not json'", in: directory)
    let effect = await ledgerError {
      try await ledger.read { tx throws(LedgerError) in try tx.effects(status: .pending, limit: 5) }
    }
    #expect(effect == nil, "a row whose status matches no query is not read")
    let byKey = await ledgerError {
      try await ledger.read { tx throws(LedgerError) in try tx.effect(key: Sample.effect("s1", turn: "t1").key) }
    }
    #expect(byKey?.code == "ledger.corrupt")
    let event = await ledgerError { try await ledger.read { tx throws(LedgerError) in try tx.events(turn: "t1", after: 0) } }
    #expect(event?.code == "ledger.corrupt")
  }
}
