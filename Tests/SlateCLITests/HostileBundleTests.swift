import Foundation
import SlateJSON
import SlateTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `slate replay BUNDLE` reads a bundle as untrusted input: crafted bundles (symbolic
/// links to system files and devices, a FIFO, an oversized file, paths leaving the folder,
/// a missing file) are each refused with exit 2 and a `bundle.*` code, without hanging
/// (each run is terminated after 10 s, which fails the test) and without printing what
/// the links point at.
@Suite(.serialized) struct HostileBundleTests {
  static let root = FileManager.default.temporaryDirectory.appendingPathComponent("slate-hostile-\(getpid())").path

  /// A fresh copy of a genuine bundle of the cut film turn, at `root/name`.
  static func bundle(_ name: String) throws -> String? {
    let original = root + "/original"
    if !FileManager.default.fileExists(atPath: original + "/manifest.json") {
      try? FileManager.default.removeItem(atPath: root)
      try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
      guard let written = try SlateCLI.run(["replay", "Corpus/turns/heist-cut", "--bundle", original]) else { return nil }
      #expect(written.status == 1, "the cut turn is partially completed: \(written.errorOutput)")
    }
    let copy = root + "/" + name
    try? FileManager.default.removeItem(atPath: copy)
    try FileManager.default.copyItem(atPath: original, toPath: copy)
    return copy
  }

  /// Rewrites the manifest's `files` (and `sizes`) with `edit`.
  static func editManifest(_ bundle: String, _ edit: (inout JSONObject, inout JSONObject) -> Void) throws {
    let path = bundle + "/manifest.json"
    let manifest = try SimdjsonParser().parse(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))))
    var object = try #require(manifest.objectValue)
    var files = try #require(object["files"]?.objectValue)
    var sizes = object["sizes"]?.objectValue ?? JSONObject()
    edit(&files, &sizes)
    object.members.removeAll { $0.key == "files" || $0.key == "sizes" }
    object.append(key: "files", value: .object(files))
    object.append(key: "sizes", value: .object(sizes))
    try Data(JSONValue.object(object).canonicalBytes).write(to: URL(fileURLWithPath: path))
  }

  /// Replays `bundle` and expects exit 2 with `code` on standard error.
  static func expectRefused(_ bundle: String, _ code: String, _ context: Comment) throws {
    guard let result = try SlateCLI.run(["replay", bundle], timeout: 120) else { return }
    #expect(!result.timedOut, "\(context): hung")
    #expect(!result.signaled && result.status == 2, "\(context): exit \(result.status): \(result.errorOutput)")
    #expect(result.errorOutput.contains(code), "\(context): \(result.errorOutput)")
    #expect(!result.errorOutput.contains("root:x:") && !result.lines.joined().contains("root:x:"), "\(context)")
  }

  @Test func theGenuineBundleReplaysCleanly() throws {
    guard let bundle = try Self.bundle("genuine") else { return }
    let result = try #require(try SlateCLI.run(["replay", bundle], timeout: 120))
    #expect(result.status == 0, "\(result.errorOutput)")
  }

  @Test func aSymbolicLinkToASystemFileIsRefused() throws {
    guard let bundle = try Self.bundle("passwd") else { return }
    try FileManager.default.removeItem(atPath: bundle + "/events.jsonl")
    try FileManager.default.createSymbolicLink(atPath: bundle + "/events.jsonl", withDestinationPath: "/etc/passwd")
    try Self.expectRefused(bundle, "bundle.not_regular_file", "events.jsonl -> /etc/passwd")
  }

  @Test func aSymbolicLinkToADeviceIsRefused() throws {
    guard let bundle = try Self.bundle("zero") else { return }
    try FileManager.default.removeItem(atPath: bundle + "/streams/01-cast.sse")
    try FileManager.default.createSymbolicLink(atPath: bundle + "/streams/01-cast.sse", withDestinationPath: "/dev/zero")
    try Self.expectRefused(bundle, "bundle.not_regular_file", "a stream -> /dev/zero")
  }

  @Test func aLinkedFolderIsRefused() throws {
    guard let bundle = try Self.bundle("folder-link") else { return }
    try FileManager.default.moveItem(atPath: bundle + "/streams", toPath: bundle + "/elsewhere")
    try FileManager.default.createSymbolicLink(atPath: bundle + "/streams", withDestinationPath: bundle + "/elsewhere")
    try Self.expectRefused(bundle, "bundle.not_regular_file", "streams/ -> a folder elsewhere")
  }

  @Test func aFIFOIsRefusedWithoutWaiting() throws {
    guard let bundle = try Self.bundle("fifo") else { return }
    try FileManager.default.removeItem(atPath: bundle + "/deltas.jsonl")
    #expect(mkfifo(bundle + "/deltas.jsonl", 0o644) == 0)
    try Self.expectRefused(bundle, "bundle.not_regular_file", "deltas.jsonl is a FIFO")
  }

  @Test func aDeviceNodeIsRefused() throws {
    guard let bundle = try Self.bundle("device") else { return }
    try FileManager.default.removeItem(atPath: bundle + "/deltas.jsonl")
    // Creating a device node needs privileges; a hard link to one needs none where /dev
    // and the temporary folder share a file system (rarely). Skip when neither works.
    guard mknod(bundle + "/deltas.jsonl", S_IFCHR | 0o644, dev_t(1 << 8 | 5)) == 0 else {  // makedev(1, 5): /dev/zero
      print("skipping: cannot create a device node here")
      return
    }
    try Self.expectRefused(bundle, "bundle.not_regular_file", "deltas.jsonl is /dev/zero's device")
  }

  @Test func aFileLargerThanTheManifestSaysIsRefused() throws {
    guard let bundle = try Self.bundle("oversize") else { return }
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: bundle + "/audit.json"))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(repeating: 0x20, count: 1 << 20))
    try handle.close()
    try Self.expectRefused(bundle, "bundle.file_too_large", "audit.json grew by 1 MiB")
  }

  @Test func aFileWithoutARecordedSizeIsCappedGlobally() throws {
    guard let bundle = try Self.bundle("global-cap") else { return }
    try Self.editManifest(bundle) { _, sizes in sizes.members.removeAll { $0.key == "audit.json" } }
    #expect(truncate(bundle + "/audit.json", 257 << 20) == 0)  // sparse: no disk used
    try Self.expectRefused(bundle, "bundle.file_too_large", "audit.json beyond the global cap")
  }

  @Test func pathsLeavingTheFolderAreRefused() throws {
    for (name, path) in [("dotdot", "../original/events.jsonl"), ("absolute", "/etc/passwd"), ("inner", "streams/../events.jsonl"),
                         ("empty", "streams//01-cast.sse"), ("dot", "./events.jsonl")]
    {
      guard let bundle = try Self.bundle("path-\(name)") else { return }
      try Self.editManifest(bundle) { files, _ in files.append(key: path, value: "0") }
      try Self.expectRefused(bundle, "bundle.outside", "the manifest lists \(path)")
    }
  }

  @Test func aMissingFileIsReportedAsMissing() throws {
    guard let bundle = try Self.bundle("missing") else { return }
    try FileManager.default.removeItem(atPath: bundle + "/intent.json")
    try Self.expectRefused(bundle, "bundle.missing_file", "intent.json deleted")
    guard let result = try SlateCLI.run(["replay", bundle]) else { return }
    #expect(result.errorOutput.contains("intent.json") && !result.errorOutput.contains("hash"), "\(result.errorOutput)")
  }
}
