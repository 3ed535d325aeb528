import Foundation
import SlateFilm
import SlateTestSupport
import Testing

/// The committed `Corpus/<dialect>/*.sse` files are the generator's output, byte for byte:
/// editing one by hand, or changing the generator without running
/// `slate corpus generate`, fails here.
@Suite struct CommittedCorpusTests {
  static let corpus = SharedFixtures.projectRoot.appendingPathComponent("Corpus")
  /// Streams in the dialect folders that were written by hand, not generated.
  static let handMade: Set<String> = ["text/film-turn-array.sse"]

  @Test func committedFilesEqualTheGeneratorsOutput() throws {
    for stream in SyntheticCorpus.committed() {
      let url = Self.corpus.appendingPathComponent(stream.path)
      let committed = try? Data(contentsOf: url)
      #expect(committed != nil, "\(stream.path) is missing: run `slate corpus generate`")
      if let committed { #expect(Array(committed) == stream.bytes, "\(stream.path) differs from the generator: run `slate corpus generate`") }
    }
  }

  @Test func committedTurnDirectoriesEqualTheGeneratorsOutput() throws {
    for turn in SyntheticCorpus.committedTurns() {
      let folder = Self.corpus.appendingPathComponent("turns/\(turn.name)")
      let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
      #expect(names == turn.files.map(\.path).sorted(), "turns/\(turn.name) holds other files: run `slate corpus generate`")
      for file in turn.files {
        let committed = try? Data(contentsOf: folder.appendingPathComponent(file.path))
        #expect(committed.map(Array.init) == file.bytes, "turns/\(turn.name)/\(file.path) differs from the generator")
      }
    }
    // The cut turn stops inside its scenes stream and never streams the media phase.
    let cut = try #require(SyntheticCorpus.committedTurns().first { $0.name == "heist-cut" })
    #expect(cut.phases.map(\.name) == ["1-cast", "2-design", "3-scenes"])
    #expect(cut.phases.last?.intent.status != .complete)
  }

  @Test func everyCommittedStreamIsGeneratedOrKnownHandMade() throws {
    let generated = Set(SyntheticCorpus.committed().map(\.path))
    for dialect in SyntheticCorpus.dialects {
      let folder = Self.corpus.appendingPathComponent(dialect.rawValue)
      let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
      for name in names where name.hasSuffix(".sse") {
        let path = "\(dialect.rawValue)/\(name)"
        #expect(generated.contains(path) || Self.handMade.contains(path), "\(path) is neither generated nor known")
      }
    }
  }

  @Test func readmeSaysWhyEachSkippedScenarioIsSkipped() throws {
    let readme = try String(contentsOf: Self.corpus.appendingPathComponent("README.md"), encoding: .utf8)
    for scenario in Scenario.allCases {
      #expect(readme.contains("`\(scenario.rawValue)`"), "README names \(scenario)")
      for dialect in SyntheticCorpus.dialects {
        if let reason = scenario.skipReason(for: dialect) {
          #expect(readme.contains(reason), "README gives the reason \(scenario) is skipped in \(dialect)")
        }
      }
    }
  }
}
