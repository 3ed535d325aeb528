import Foundation
import SlateFilm
import SlateJSON
import SlateSchema
import SlateStream
import SlateTestSupport
import SlateTurn
import Testing

/// The ids the turn pipeline gives over real streams are pinned: every batch id, and every
/// action's key (hex, readable form, canonical bytes) and canonical payload, over the
/// committed corpus streams, the film actions with their rejections, and generated
/// 1,000-action turns in four dialects and forms, are folded into one SHA-256 per input set,
/// taken at commit f6119f9 (before the pipeline's per-action fast paths). A ledger written by
/// an earlier build must find the same keys and batch ids, so a faster path that changes one
/// byte of them fails here. (`KeyPinTests` compares the same values with their definitions
/// on seeded values; this pins the film pack's keys and payloads as the engine gives them.)
@Suite struct BatchIdPinTests {
  /// SHA-256 over each batch (id, phase, close reason, items) and each action's key and
  /// canonical payload, in order; and how many actions, rejections and batches there were.
  static func fold(_ streams: [[UInt8]], pack: CompiledPack, chunk: Int = 4096)
    -> (digest: String, actions: Int, rejections: Int, batches: Int)
  {
    var hasher = SHA256()
    var counts = (actions: 0, rejections: 0, batches: 0)
    for bytes in streams {
      var pipeline = TurnPipeline(pack: pack)
      var items: [TurnItem] = []
      var start = 0
      while start < bytes.count {
        let end = min(start + chunk, bytes.count)
        bytes[start..<end].withUnsafeBytes { pipeline.feed($0, into: &items) }
        start = end
      }
      pipeline.finish(into: &items)
      for item in items {
        guard case .batch(let batch) = item else { continue }
        counts.batches += 1
        hasher.updateField(batch.id)
        hasher.updateField(batch.phase ?? "-")
        hasher.updateField(batch.closedBy.rawValue)
        for entry in batch.items {
          switch entry {
          case .action(let action):
            counts.actions += 1
            hasher.updateField(action.type)
            hasher.updateField(action.key.hex)
            hasher.updateField(action.key.readable)
            hasher.updateField(action.key.canonicalBytes)
            hasher.updateField(action.payload.canonicalBytes)
          case .rejection(let rejection):
            counts.rejections += 1
            hasher.updateField(rejection.type ?? "-")
            hasher.updateField(rejection.bytes)
            for error in rejection.errors { hasher.updateField(error.code.rawValue + " " + error.instancePath) }
          }
        }
      }
    }
    return (hasher.finalize().hex, counts.actions, counts.rejections, counts.batches)
  }

  @Test func committedCorpusStreams() throws {
    let streams = SyntheticCorpus.committed().map(\.bytes)
    #expect(streams.count > 20)
    let folded = Self.fold(streams, pack: try FilmActionsTests.filmPack())
    #expect(folded.actions > 0 && folded.batches > 0)
    #expect(folded.digest == "f52eeaaddac52212a5c5508707464dc6d2bbe755e95e0c8d5632a4b2a47dee4e", "\(folded)")
  }

  /// Values the film pack rejects (a bad key field, an unknown type, no type, a missing key
  /// field, a wrong member type, a role outside its enum), and actions whose keys are
  /// non-ASCII, escaped, untrimmed (Latin-1 white space too), Latin-1 with the special folds
  /// (µ, ß, × that does not fold), full-width, CJK and emoji.
  static let rejected = [
    #"{"type":"create_scene","scene_id":"bad id","title":"Two"}"#,
    #"{"type":"launch_rocket","fuel":"lots"}"#,
    #"{"scene_id":"s9","title":"No type"}"#,
    #"{"type":"add_character","role":"extra"}"#,
    #"{"type":"add_character","name":"  ÉLODIE  Brun ","role":"extra","age":"forty"}"#,
    #"{"type":"add_character","name":"  ZOË Straße\t","role":"lead"}"#,
    #"{"type":"add_character","name":"  ZOË Straße µ×Þ\t","role":"extra"}"#,
    #"{"type":"add_character","name":"\u0085ÉLODIE\u00a0Brun ","role":"extra","age":40}"#,
    #"{"type":"add_prop","name":"Ｆilm ＲEEL 🎞 ½","set":"Café Lumière"}"#,
    #"{"type":"create_set","name":"Mei Lin 林美 — Kraków\u00a0","interior":true}"#,
  ]

  @Test func filmActionsWithRejections() throws {
    let url = SharedFixtures.projectRoot.appendingPathComponent("Corpus/schemas/film-actions.jsonl")
    let text = Array(try Data(contentsOf: url)) + Array(("\n" + Self.rejected.joined(separator: "\n") + "\n").utf8)
    let folded = Self.fold([text], pack: try FilmActionsTests.filmPack())
    #expect(folded.rejections >= 4)
    #expect(folded.digest == "1f136ecbd5508460b23657cfd8b0075499a24192837925a84e28c449c6f81e24", "\(folded)")
  }

  @Test func generatedThousandActionTurns() throws {
    let inputs: [(DialectKind, ContentForm)] = [
      (.openaiChat, .answer(.array)), (.anthropic, .answer(.array)), (.openaiChat, .toolCalls),
      (.openaiResponses, .answer(.ndjson)),
    ]
    let streams = inputs.map { SyntheticCorpus.generate(dialect: $0.0, actions: 1000, form: $0.1)!.bytes }
    let folded = Self.fold(streams, pack: try FilmActionsTests.filmPack())
    #expect(folded.actions >= 3990)
    #expect(folded.digest == "c1a30cfededa5253f745780b3cd9b8ab188cad7cf58a6cffbbbe7e4425183109", "\(folded)")
  }
}
