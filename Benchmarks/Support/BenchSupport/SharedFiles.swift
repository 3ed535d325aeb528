import Foundation

/// The files the suites read: the project's `Corpus/` and, beside the project, `../shared`
/// (or `SLATE_SHARED`) with the real provider recordings in `corpus-real/`.
public enum SharedFiles {
  /// The project root (this file is Benchmarks/Support/BenchSupport/SharedFiles.swift).
  public static let projectRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// `../shared`, or `SLATE_SHARED` when set; nil when the folder does not exist.
  public static let shared: URL? = {
    let url = ProcessInfo.processInfo.environment["SLATE_SHARED"].map { URL(fileURLWithPath: $0) }
      ?? projectRoot.deletingLastPathComponent().appendingPathComponent("shared")
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
      ? url : nil
  }()

  /// The bytes of a file; a missing project file is a broken checkout, so it stops the suite.
  public static func load(_ url: URL) -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: url.path) else {
      fatalError("benchmarks: cannot read \(url.path)")
    }
    return [UInt8](data)
  }

  /// Every `.sse` file under `directory`, sorted by path, with its path relative to it.
  public static func streams(under directory: URL) -> [(name: String, bytes: [UInt8])] {
    guard let walker = FileManager.default.enumerator(atPath: directory.path) else { return [] }
    return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".sse") }.sorted().map {
      ($0, load(directory.appendingPathComponent($0)))
    }
  }

  /// The project's recorded streams (`Corpus/**/*.sse`).
  public static var corpusStreams: [(name: String, bytes: [UInt8])] {
    streams(under: projectRoot.appendingPathComponent("Corpus"))
  }

  /// The real provider recordings (`../shared/corpus-real/**/*.sse`); empty without `../shared`.
  public static var corpusRealStreams: [(name: String, bytes: [UInt8])] {
    guard let shared else { return [] }
    return streams(under: shared.appendingPathComponent("corpus-real"))
  }
}
