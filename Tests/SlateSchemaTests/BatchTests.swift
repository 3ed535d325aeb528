import SlateJSON
import Testing

@testable import SlateSchema

/// Batches: grouping by phase, closing rules, size caps, content ids.
@Suite struct BatchTests {
  /// Classified film actions, with the phase given by the caller where `phase` is set.
  func items(_ texts: [String], phase: String? = nil) throws -> [Result<Action, Rejection>] {
    let film = try filmPack()
    return try texts.enumerated().map { i, text in
      film.classify(try json(text), metadata: ActionMetadata(phase: phase, index: i, bytes: Array(text.utf8)))
    }
  }

  static let scenes = [
    #"{"type":"create_scene","scene_id":"s1","title":"One"}"#,
    #"{"type":"create_scene","scene_id":"s2","title":"Two"}"#,
    #"{"type":"create_scene","scene_id":"bad","title":"Three"}"#,
  ]
  static let cast = [#"{"type":"add_character","name":"Mara"}"#, #"{"type":"add_character","name":"Boris"}"#]

  @Test func contentIdsAreStableAndContentOnly() throws {
    let a = try items(Self.scenes)
    let b = try items(Self.scenes.map { $0.replacing(",", with: " , ") })  // other spacing, other bytes
    func batch(_ results: [Result<Action, Rejection>], sequence: Int = 0) -> ActionBatch {
      ActionBatch(phase: "scenes", items: results.map { r in r.success.map(ActionBatch.Item.action) ?? .rejection(r.failure!) },
                  sequence: sequence, closedBy: .phaseEnd)
    }
    #expect(batch(a).id == batch(try items(Self.scenes)).id)
    #expect(batch(a).id == batch(a, sequence: 7).id)
    #expect(batch(a).id.count == 64)
    // The rejection keeps its source bytes, so other spacing there is other content.
    #expect(batch(b).id != batch(a).id)
    #expect(batch(Array(a.prefix(2))).id == batch(Array(b.prefix(2))).id)
    #expect(batch(Array(a.prefix(2))).id != batch(Array(a.prefix(2).reversed())).id)
    let other = ActionBatch(phase: "media", items: batch(a).items)
    #expect(other.id != batch(a).id)
    #expect(ActionBatch(phase: nil, items: []).id != ActionBatch(phase: "", items: []).id)
  }

  /// The id is SHA-256 over the documented fields.
  @Test func contentIdFollowsTheDocumentedLayout() throws {
    let action = try #require(try items([Self.scenes[0]])[0].success)
    var expected = [UInt8]()
    func field(_ bytes: [UInt8]) {
      expected += (0..<8).map { UInt8(truncatingIfNeeded: UInt64(bytes.count) >> (56 - 8 * $0)) } + bytes
    }
    field(Array("slate.batch.v1".utf8))
    field([1])
    field(Array("scenes".utf8))
    field(Array("A".utf8))
    field(Array("create_scene".utf8))
    field(Array("scene".utf8))
    field(Array(#"["s1"]"#.utf8))
    field(Array(#"{"scene_id":"s1","title":"One"}"#.utf8))
    #expect(ActionBatch(phase: "scenes", items: [.action(action)]).id == SHA256.hash(expected).hex)
  }

  @Test func phasesStayApartAndCloseOnTheirOwn() throws {
    var batcher = Batcher()
    let scenes = try items(Self.scenes)
    let cast = try items(Self.cast)
    // Interleaved arrival: scene, character, scene, character, rejected scene.
    for r in [scenes[0], cast[0], scenes[1], cast[1], scenes[2]] { #expect(batcher.add(r).isEmpty) }
    #expect(batcher.openPhases == ["scenes", "cast"])
    let ended = batcher.endPhase("cast")
    let castBatch = try #require(ended)
    #expect(castBatch.phase == "cast")
    #expect(castBatch.actions.map(\.key.readable) == ["character:mara", "character:boris"])
    #expect(castBatch.closedBy == .phaseEnd)
    #expect(castBatch.sequence == 0)
    let again = batcher.endPhase("cast")
    #expect(again == nil)
    let rest = batcher.finish()
    #expect(rest.map(\.phase) == ["scenes"])
    #expect(rest[0].actions.count == 2 && rest[0].rejections.count == 1)
    #expect(rest[0].rejections[0].errors.map(\.code) == [.pattern])
    #expect(rest[0].sequence == 1 && rest[0].closedBy == .finish)
    #expect(batcher.openPhases.isEmpty)
    // Same content, same id, however it was batched.
    #expect(castBatch.id == ActionBatch(phase: "cast", items: castBatch.items).id)
  }

  @Test func aBoundaryClosesEveryOpenBatchOldestFirst() throws {
    var batcher = Batcher()
    for r in try items(Self.cast) + items(Self.scenes) + items(Self.cast, phase: "recast") { _ = batcher.add(r) }
    let closed = batcher.boundary()
    #expect(closed.map(\.phase) == ["cast", "scenes", "recast"])
    #expect(closed.map(\.sequence) == [0, 1, 2])
    #expect(closed.allSatisfy { $0.closedBy == .boundary })
    let none = batcher.finish()
    #expect(none.isEmpty)
  }

  @Test func theItemCapSplitsAPhase() throws {
    var batcher = Batcher(limits: BatchLimits(maxItems: 2))
    var closed: [ActionBatch] = []
    for r in try items(Self.scenes + Self.scenes.prefix(2)) { closed += batcher.add(r) }
    closed += batcher.finish()
    #expect(closed.map(\.items.count) == [2, 2, 1])
    #expect(closed.map(\.closedBy) == [.sizeCap, .sizeCap, .finish])
    #expect(closed.map(\.sequence) == [0, 1, 2])
    #expect(Set(closed.map(\.id)).count == 3)
  }

  @Test func theByteCapSplitsBeforeAnItemThatWouldNotFit() throws {
    let results = try items(Self.scenes.prefix(2) + Self.cast)
    let sizes = results.map { $0.success!.payload.canonicalBytes.count }
    var batcher = Batcher(limits: BatchLimits(maxBytes: sizes[0] + sizes[1] - 1))
    var closed: [ActionBatch] = []
    for r in results { closed += batcher.add(r) }
    // Scenes and cast are different phases; the two scenes do not fit together.
    #expect(closed.map(\.items.count) == [1])
    closed += batcher.finish()
    #expect(closed.map(\.phase) == ["scenes", "scenes", "cast"])
    #expect(closed.map(\.items.count) == [1, 1, 2])
    // A single item larger than the cap travels alone.
    var tiny = Batcher(limits: BatchLimits(maxBytes: 1))
    let alone = tiny.add(results[0])
    #expect(alone.count == 1 && alone[0].items.count == 1 && alone[0].closedBy == .sizeCap)
  }
}
