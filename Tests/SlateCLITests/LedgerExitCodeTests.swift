import Foundation
import SlateTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Exit codes around ledgers, as the README's table says: a ledger that cannot be opened,
/// read or written is exit 2 (never 1, which means "no such turn" or a turn with
/// problems); `turns` and `turn show` open ledgers read-only and never create a file.
@Suite(.serialized) struct LedgerExitCodeTests {
  static let folder = FileManager.default.temporaryDirectory.appendingPathComponent("slate-ledger-codes-\(getpid())").path

  /// A ledger holding the clean text turn, closed (checkpointed) by its process.
  static func ledger(_ name: String) throws -> String? {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let path = folder + "/" + name + ".sqlite"
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    guard let written = try SlateCLI.run(["replay", "Corpus/text/clean.sse", "--dialect", "text", "--ledger", path]) else { return nil }
    #expect(written.status == 0, "\(written.errorOutput)")
    return path
  }

  @Test func aMistypedLedgerIsExit2AndCreatesNothing() throws {
    let missing = Self.folder + "/no-such-ledger.sqlite"
    try FileManager.default.createDirectory(atPath: Self.folder, withIntermediateDirectories: true)
    for arguments in [["turns", "--ledger", missing], ["turn", "show", "t", "--ledger", missing]] {
      guard let result = try SlateCLI.run(arguments) else { return }
      #expect(result.status == 2, "\(arguments): \(result.errorOutput)")
      #expect(result.errorOutput.contains("no-such-ledger.sqlite"), "\(result.errorOutput)")
      #expect(!FileManager.default.fileExists(atPath: missing), "\(arguments) created the ledger")
    }
  }

  @Test func aFileThatIsNotALedgerIsExit2() throws {
    try FileManager.default.createDirectory(atPath: Self.folder, withIntermediateDirectories: true)
    for (name, contents) in [("empty", Data()), ("text", Data(String(repeating: "not a database\n", count: 400).utf8))] {
      let path = Self.folder + "/\(name).sqlite"
      _ = FileManager.default.createFile(atPath: path, contents: contents)
      for arguments in [["turns", "--ledger", path], ["turn", "show", "clean", "--ledger", path]] {
        guard let result = try SlateCLI.run(arguments) else { return }
        #expect(result.status == 2, "\(name) \(arguments): \(result.errorOutput)")
      }
      #expect((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) == contents.count, "left as it was")
    }
  }

  @Test func aReadOnlyLedgerCanBeInspected() throws {
    guard let path = try Self.ledger("read-only") else { return }
    let before = try Data(contentsOf: URL(fileURLWithPath: path))
    #expect(chmod(path, 0o444) == 0)
    defer { chmod(path, 0o644) }
    let turns = try #require(try SlateCLI.run(["turns", "--ledger", path]))
    #expect(turns.status == 0, "\(turns.errorOutput)")
    #expect(turns.lines.first?.hasPrefix("clean\t") == true, "\(turns.lines)")
    let shown = try #require(try SlateCLI.run(["turn", "show", "clean", "--ledger", path]))
    #expect(shown.status == 0, "\(shown.errorOutput)")
    let none = try #require(try SlateCLI.run(["turn", "show", "nope", "--ledger", path]))
    #expect(none.status == 1, "no such turn: \(none.errorOutput)")
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "reading wrote nothing")
  }

  @Test func aCorruptLedgerIsExit2() throws {
    guard let path = try Self.ledger("corrupt") else { return }
    var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    #expect(bytes.count > 8192, "the ledger has pages past the first")
    for i in 4096..<bytes.count { bytes[i] = 0xA5 }  // every page but the header's
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    for arguments in [["turns", "--ledger", path], ["turn", "show", "clean", "--ledger", path],
                      ["recover", "clean", "--ledger", path]]
    {
      guard let result = try SlateCLI.run(arguments) else { return }
      #expect(result.status == 2, "\(arguments): exit \(result.status): \(result.errorOutput)")
      #expect(result.errorOutput.contains("SQLITE_"), "\(arguments): \(result.errorOutput)")
    }
  }
}
