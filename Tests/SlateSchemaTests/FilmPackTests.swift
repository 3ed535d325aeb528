import Foundation
import SlateJSON
import SlateTestSupport
import Testing

@testable import SlateSchema

/// `Corpus/schemas/film.json` against `Corpus/schemas/film-actions.jsonl` and hand-made
/// slips and mistakes.
@Suite struct FilmPackTests {
  static func examples() throws -> [JSONValue] {
    let url = SharedFixtures.projectRoot.appendingPathComponent("Corpus/schemas/film-actions.jsonl")
    let text = try String(contentsOf: url, encoding: .utf8)
    return try text.split(separator: "\n").map { try json(String($0)) }
  }

  /// The Corpus packs: `film.json`, then `tools/*.pack.json` in path order.
  static func packFiles() throws -> [URL] {
    let schemas = SharedFixtures.projectRoot.appendingPathComponent("Corpus/schemas")
    let tools = try FileManager.default.contentsOfDirectory(at: schemas.appendingPathComponent("tools"),
                                                            includingPropertiesForKeys: nil)
      .filter { $0.lastPathComponent.hasSuffix(".pack.json") }.sorted { $0.path < $1.path }
    return [schemas.appendingPathComponent("film.json")] + tools
  }

  @Test func declaresTheFilmActions() throws {
    let film = try filmPack()
    #expect(film.pack.name == "film")
    #expect(Set(film.actionTypes) == [
      "plan", "create_scene", "update_scene", "add_character", "create_set", "add_prop", "generate_poster",
      "generate_image", "generate_video", "generate_reference", "generate_frame",
    ])
    let queues = Dictionary(uniqueKeysWithValues: film.actionTypes.map { ($0, film.declaration(for: $0)!.queue) })
    #expect(queues["create_scene"] == "scene" && queues["update_scene"] == "scene")
    #expect(queues["add_character"] == "character" && queues["create_set"] == "set" && queues["add_prop"] == "prop")
    #expect(queues["generate_poster"] == "poster")
    #expect(film.declaration(for: "generate_video")?.effects == ["video"])
    #expect(film.declaration(for: "generate_frame")?.effects == ["frame"])
    #expect(film.declaration(for: "update_scene")?.upsert == true)
    #expect(film.declaration(for: "create_scene")?.upsert == false)
  }

  @Test func acceptsEveryExampleWithItsKeyAndEffects() throws {
    let film = try filmPack()
    var readable: [String] = []
    var types = Set<String>()
    for (i, example) in try Self.examples().enumerated() {
      let result = film.classify(example, metadata: ActionMetadata(index: i))
      let action = try #require(result.success, "example \(i): \(String(describing: result.failure?.errors))")
      #expect(action.index == i)
      #expect(action.warnings.isEmpty, "example \(i)")
      #expect(action.payload["type"] == nil)
      #expect(action.phase != nil)
      types.insert(action.type)
      readable.append(action.key.readable)
    }
    #expect(types.count == 11)
    #expect(readable.contains("scene:s1") && readable.contains("character:mara voss") && readable.contains("prop:getaway van"))
    #expect(readable.contains("image:s2/3") && readable.contains("reference:set/vault level b") && readable.contains("plan"))
    // create_scene s2 and update_scene s2 name the same entity; nothing else collides.
    #expect(readable.filter { $0 == "scene:s2" }.count == 2)
    #expect(Set(readable).count == readable.count - 1)
  }

  @Test func toolCallsAreTypedByTheirToolName() throws {
    let film = try filmPack()
    let arguments = try json(#"{"scene_id":"S7","prompt":"Rain on a windscreen","duration_seconds":"4.5"}"#)
    let action = try #require(film.classify(arguments, metadata: ActionMetadata(toolName: "generate_video", phase: "media-2")).success)
    #expect(action.type == "generate_video")
    #expect(action.key.readable == "video:s7")
    #expect(action.effects == ["video"])
    #expect(action.phase == "media-2")
    #expect(action.payload["duration_seconds"] == 4.5)
    #expect(action.warnings.map(\.coercion) == [.stringToNumber])
  }

  @Test func commonSlipsAreRepairedWhereThePackOptsIn() throws {
    let film = try filmPack()
    let action = try #require(film.classify(try json(
      #"{"type":"create_scene","scene_id":"S12","title":"Night market","time_of_day":"NIGHT","interior":"false","characters":"Mara Voss","duration_seconds":"30"}"#
    )).success)
    #expect(action.key.readable == "scene:s12")
    #expect(action.payload["time_of_day"] == "night")
    #expect(action.payload["interior"] == false)
    #expect(action.payload["characters"] == ["Mara Voss"])
    #expect(action.payload["duration_seconds"] == 30)
    #expect(action.warnings.count == 4)
  }

  @Test(arguments: [
    (#"{"type":"create_scene","scene_id":"x1","title":"A"}"#, ["schema.pattern"], ["/scene_id"]),
    (#"{"type":"create_scene","scene_id":"s1"}"#, ["schema.required"], [""]),
    (#"{"type":"create_scene","scene_id":"s1","title":"A","duration_seconds":12.25}"#, ["schema.multiple_of"], ["/duration_seconds"]),
    (#"{"type":"create_scene","scene_id":"s1","title":"A","characters":["Mara","Mara"]}"#, ["schema.unique_items"], ["/characters"]),
    (#"{"type":"create_scene","scene_id":"s1","title":"A","camera":"crane"}"#, ["schema.additional_properties"], [""]),
    (#"{"type":"update_scene","scene_id":"s1"}"#, ["schema.min_properties"], [""]),
    (#"{"type":"add_character","name":"   "}"#, ["schema.pattern"], ["/name"]),
    (#"{"type":"add_character","name":"Mara","age":"forty"}"#, ["schema.type"], ["/age"]),
    (#"{"type":"add_character","name":"Mara","role":"hero"}"#, ["schema.enum"], ["/role"]),
    (#"{"type":"generate_video","scene_id":"s1","prompt":"Rain","duration_seconds":61}"#, ["schema.maximum"], ["/duration_seconds"]),
    (#"{"type":"generate_video","scene_id":"s1","prompt":"Rain","duration_seconds":2.25}"#, ["schema.multiple_of"], ["/duration_seconds"]),
    (#"{"type":"generate_image","scene_id":"s1","prompt":"Rain"}"#, ["schema.required"], [""]),
    (#"{"type":"generate_reference","subject_kind":"vehicle","subject":"Van","prompt":"Side view"}"#, ["schema.enum"], ["/subject_kind"]),
    (#"{"type":"generate_poster","poster_id":"p1","prompt":"no","style":"Cinema"}"#, ["schema.min_length", "schema.enum"], ["/prompt", "/style"]),
    (#"{"type":"plan","phases":[]}"#, ["schema.min_items"], ["/phases"]),
    (#"{"type":"plan","phases":[{"name":"Scenes","actions":["create_scene","launch_rocket"]}]}"#, ["schema.pattern", "schema.enum"], ["/phases/0/name", "/phases/0/actions/1"]),
    (#"{"type":"delete_scene","scene_id":"s1"}"#, ["schema.unknown_action"], [""]),
    (#"{"scene_id":"s1","title":"A"}"#, ["schema.missing_discriminator"], [""]),
    (#"{"type":7,"scene_id":"s1"}"#, ["schema.missing_discriminator"], ["/type"]),
    (#"["create_scene"]"#, ["schema.missing_discriminator"], [""]),
  ])
  func rejectsMistakes(text: String, codes: [String], paths: [String]) throws {
    let film = try filmPack()
    let bytes = Array(text.utf8)
    let rejection = try #require(film.classify(try json(text), metadata: ActionMetadata(index: 4, textRange: 10..<(10 + bytes.count), bytes: bytes)).failure)
    #expect(rejection.errors.map(\.code.rawValue) == codes, "\(rejection.errors)")
    #expect(rejection.errors.map(\.instancePath) == paths)
    #expect(rejection.bytes == bytes)
    #expect(rejection.index == 4)
    #expect(rejection.errors.allSatisfy { $0.range == 10..<(10 + bytes.count) })
  }

  @Test func theSameEntityWrittenDifferentlyHasOneKey() throws {
    let film = try filmPack()
    let spellings = [
      #"{"type":"add_character","name":"Élodie Brun","age":29}"#,
      #"{ "age" : 29 , "name" : "  ÉLODIE BRUN ", "type" : "add_character" }"#,
      #"{"type":"add_character","name":"E\u0301lodie brun","age":29.0}"#,
    ]
    let keys = try spellings.map { try #require(film.classify(try json($0)).success).key }
    #expect(Set(keys).count == 1, "\(keys.map(\.readable))")
    #expect(keys[0].readable == "character:élodie brun")
  }
}
