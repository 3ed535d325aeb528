#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Noticing a write-ahead log deleted after a crash.
///
/// Committed transactions live in `<path>-wal` until a checkpoint copies them into the
/// database. A connection that closes cleanly checkpoints and deletes both `<path>-wal` and
/// `<path>-shm`; a crashed process leaves both. When `<path>-wal` is then deleted (or
/// emptied) while `<path>-shm` remains, SQLite silently opens the older state the database
/// file holds, and a rerun would apply again what the lost commits had recorded as done.
/// The WAL index in `<path>-shm` still says how many frames the log held (`mxFrame` of its
/// header): frames recorded but no log to hold them is the sign, read before SQLite opens
/// the file (opening rebuilds the index). It cannot be seen when both files were deleted.
extension SQLiteLedger {
  /// A problem noticed when opening the file, reported and not thrown (the ledger opens).
  public struct OpeningWarning: Sendable, Hashable, CustomStringConvertible {
    /// `ledger.wal_lost`: the WAL index records committed frames but the WAL is gone.
    public var code: String
    public var message: String

    public var description: String { "\(code): \(message)" }
  }

  /// The warning for `path`, when its WAL index records frames its WAL no longer holds.
  /// O(1): a `stat`, an `open` and a 96-byte read. The index header is trusted only when
  /// its two copies agree (SQLite writes one, then the other), so a header being rewritten
  /// by a live connection is never read as a loss.
  static func lostWALWarning(path: String) -> OpeningWarning? {
    var wal = stat()
    let walSize = stat(path + "-wal", &wal) == 0 ? Int(wal.st_size) : 0
    let fd = open(path + "-shm", O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
    guard fd >= 0 else { return nil }
    defer { _ = Glibc.close(fd) }
    // WalIndexHdr (sqlite3 wal.c): iVersion u32, unused u32, iChange u32, isInit u8,
    // bigEndCksum u8, szPage u16, mxFrame u32 at offset 16, in native byte order.
    var header = [UInt8](repeating: 0, count: 96)
    guard header.withUnsafeMutableBytes({ pread(fd, $0.baseAddress, 96, 0) }) == 96,
          header[0..<48].elementsEqual(header[48..<96])
    else { return nil }
    let version = header.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 0, as: UInt32.self) }
    let isInit = header[12]
    let pageSize = Int(header.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 14, as: UInt16.self) })
    let frames = Int(header.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 16, as: UInt32.self) })
    guard version == 3_007_000, isInit == 1, frames > 0 else { return nil }
    // A WAL of `frames` frames is a 32-byte header plus, per frame, a 24-byte frame header
    // and a page (a page size of 1 means 65536).
    let page = pageSize == 1 ? 65_536 : pageSize
    let needed = 32 + frames * (24 + page)
    guard walSize < needed else { return nil }
    return OpeningWarning(
      code: "ledger.wal_lost",
      message: "\(path)-shm records \(frames) committed WAL frame\(frames == 1 ? "" : "s") but \(path)-wal "
        + (walSize == 0 ? "is missing" : "holds only \(walSize) bytes")
        + ": commits after the last checkpoint are lost (the WAL was deleted after a crash?); the ledger's state is "
        + "older than what was done, and a rerun may apply actions again")
  }
}
