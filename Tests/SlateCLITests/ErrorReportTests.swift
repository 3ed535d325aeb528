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
