import Foundation
import SlateDispatch
import SlateSQLite
import Testing

/// A WAL deleted after a crash: the WAL index (`-shm`) still records committed frames, so
/// opening the file warns `ledger.wal_lost` (the ledger opens, at the older state). A clean
/// file set, or one copied with its WAL, gives no warning.
@Suite struct LostWALTests {
  @Test func aDeletedWALIsNoticedFromItsIndex() async throws {
    let directory = try TemporaryDirectory()
    let ledger = try SQLiteLedger(path: directory.path())
    #expect(ledger.openingWarnings.isEmpty)
    try await ledger.write { tx throws(LedgerError) in try tx.insertTurn(Sample.turn("in-wal")) }

    // The file set of a crashed process: everything as it is on disk while the ledger is
    // open (the -shm is shared memory backed by its file).
    let crashed = try TemporaryDirectory()
    let lost = try TemporaryDirectory()
    for name in ["ledger.sqlite", "ledger.sqlite-wal", "ledger.sqlite-shm"] {
      try FileManager.default.copyItem(atPath: directory.path(name), toPath: crashed.path(name))
      if name != "ledger.sqlite-wal" { try FileManager.default.copyItem(atPath: directory.path(name), toPath: lost.path(name)) }
    }
    let intact = try SQLiteLedger(path: crashed.path())
    #expect(intact.openingWarnings.isEmpty, "\(intact.openingWarnings)")
    #expect(try await intact.read { tx throws(LedgerError) in try tx.turns(project: nil).map(\.id.rawValue) } == ["in-wal"])

    let reopened = try SQLiteLedger(path: lost.path())
    #expect(reopened.openingWarnings.map(\.code) == ["ledger.wal_lost"], "\(reopened.openingWarnings)")
    #expect(try await reopened.read { tx throws(LedgerError) in try tx.turns(project: nil) }.isEmpty, "the commit is lost")
    let readOnly = try SQLiteLedger(path: lost.path(), options: .init(readOnly: true))
    #expect(readOnly.openingWarnings.isEmpty, "opening rebuilt the index: the loss was reported once, by the first open")
  }
}
