import Foundation
import SlateSchema

/// The film pack (`Corpus/schemas/film.json`) the suites validate and dispatch with.
public enum FilmPack {
  /// The pack's JSON.
  public static let bytes: [UInt8] = SharedFiles.load(SharedFiles.projectRoot.appendingPathComponent("Corpus/schemas/film.json"))

  /// The pack, compiled once.
  public static let compiled: CompiledPack = {
    do { return try CompiledPack(bytes: bytes) } catch { fatalError("film.json does not compile: \(error)") }
  }()
}
