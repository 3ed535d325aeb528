import Foundation
import SlateTestSupport
import Testing

/// Errors name what is wrong: the missing stream rather than the default pack, a pack's
/// syntax error with its byte offset.
@Suite struct ErrorReportTests {
  static let folder: URL = {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("slate-errors-\(getpid())")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }()

  @Test func aMissingStreamOutsideTheCheckoutIsBlamedNotTheDefaultPack() throws {
    guard let result = try SlateCLI.run(["replay", "nope.sse"], directory: Self.folder) else { return }
    #expect(result.status == 2)
    #expect(result.errorOutput.contains("nope.sse"), "\(result.errorOutput)")
    #expect(!result.errorOutput.contains("film.json"), "\(result.errorOutput)")
  }

  /// Issue 19: an integer beyond 64 bits is a value like any other; the film pack judges it
  /// by its exact value (its maximum is 1000), not as a JSON error.
  @Test func anIntegerBeyondSixtyFourBitsReachesTheValidator() throws {
    let text = #"[{"type": "add_prop", "name": "Diamond drill", "set": "Vault", "quantity": 99999999999999999999999}]"#
    guard let plain = try SlateCLI.run(["actions", "-", "--dialect", "text", "--json"], stdin: Array(text.utf8)) else { return }
    #expect(plain.status == 0, "\(plain.lines)")
    #expect(plain.lines.contains { $0.contains("\"quantity\":9.9999999999999999999999e+22") }, "\(plain.lines)")
    let checked = try #require(try SlateCLI.run(["actions", "-", "--dialect", "text", "--json", "--schema", "Corpus/schemas/film.json"],
                                                stdin: Array(text.utf8)))
    #expect(checked.status == 1)
    #expect(checked.lines.contains { $0.contains("\"kind\":\"rejected\"") && $0.contains("schema.maximum") }, "\(checked.lines)")
    #expect(!checked.lines.joined().contains("number_out_of_range"))
  }

  @Test func aPackThatIsNotJSONIsReportedWithAByteOffset() throws {
    let pack = Self.folder.appendingPathComponent("broken-pack.json")
    try Data("{\"name\": \"film\",\n  oops: 1}".utf8).write(to: pack)
    let instance = Self.folder.appendingPathComponent("instance.json")
    try Data("{}".utf8).write(to: instance)
    for arguments in [["validate", "--schema", pack.path, instance.path], ["actions", "Corpus/text/clean.sse", "--schema", pack.path]] {
      guard let result = try SlateCLI.run(arguments) else { return }
      #expect(result.status == 2, "\(arguments)")
      #expect(result.errorOutput.contains("json.unexpected_byte at byte 19"), "\(arguments): \(result.errorOutput)")
    }
  }
}
