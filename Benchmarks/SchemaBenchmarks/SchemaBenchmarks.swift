// Validating film-pack actions, per action: Slate's compiled validator (SlateSchema)
// against decoding the same actions into Swift structs with Foundation's JSONDecoder (the
// peer: it checks types and presence only), and the canonical bytes of the value (the lower
// bound of computing a key), in the same run. One iteration is 1,000 actions (cycling
// through the representative set), so every metric reads per action.
//
// The pack and the actions are read from the root package's Corpus/schemas at start-up.
import Benchmark
import BenchSupport
import Foundation
import SlateJSON
import SlateSchema

/// The root package's `Corpus/schemas`.
let corpus = SharedFiles.projectRoot.appendingPathComponent("Corpus/schemas")

let packBytes = SharedFiles.load(corpus.appendingPathComponent("film.json"))
let film: CompiledPack = {
  do { return try CompiledPack(bytes: packBytes) } catch { fatalError("film.json does not compile: \(error)") }
}()

/// The representative actions (`film-actions.jsonl`), as bytes and parsed once.
let lines: [PaddedBytes] = SharedFiles.load(corpus.appendingPathComponent("film-actions.jsonl"))
  .split(separator: UInt8(ascii: "\n")).map { PaddedBytes($0) }
let actions: [JSONValue] = {
  let parser = SimdjsonParser()
  return lines.map { line in
    do { return try parser.parse(line) } catch { fatalError("film-actions.jsonl: \(error)") }
  }
}()

/// The same actions as tool calls would carry them: (type, payload without the discriminator).
let payloads: [(String, JSONValue)] = actions.map { action in
  let object = action.objectValue!
  return (object["type"]!.stringValue!, .object(JSONObject(object.members.filter { $0.key != "type" })))
}

/// The same actions as JSON bytes, encoded outside the measured loops (canonical form).
let encoded: [Data] = actions.map { Data($0.canonicalBytes) }

// MARK: - Codable mirror of the film pack, for JSONDecoder

struct Phase: Decodable {
  let name: String
  let description: String?
  let actions: [String]
  let expected_count: Int?
}
struct Plan: Decodable { let summary: String?; let phases: [Phase] }
/// The fields of a scene; update_scene sends any of them besides the id.
struct SceneFields: Decodable {
  let scene_id: String
  let title: String?
  let description: String?
  let order: Int?
  let set: String?
  let characters: [String]?
  let time_of_day: String?
  let interior: Bool?
  let duration_seconds: Double?
  let mood: String?
}
/// create_scene: the same fields, with a title.
struct CreateScene: Decodable {
  let fields: SceneFields
  init(from decoder: any Decoder) throws {
    fields = try SceneFields(from: decoder)
    if fields.title == nil {
      throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "create_scene needs a title"))
    }
  }
}
struct AddCharacter: Decodable {
  let name: String
  let role: String?
  let description: String?
  let age: Int?
  let appears_in: [String]?
  let voice: String?
}
struct CreateSet: Decodable {
  let name: String
  let location: String?
  let interior: Bool?
  let time_of_day: String?
  let description: String?
}
struct AddProp: Decodable {
  let name: String
  let set: String?
  let description: String?
  let scenes: [String]?
  let quantity: Int?
}
struct GeneratePoster: Decodable {
  let poster_id: String
  let prompt: String
  let title_text: String?
  let tagline: String?
  let style: String?
  let aspect_ratio: String?
}
struct GenerateImage: Decodable {
  let scene_id: String
  let shot: Int
  let prompt: String
  let style: String?
  let aspect_ratio: String?
  let seed: Int?
}
struct GenerateVideo: Decodable {
  let scene_id: String
  let prompt: String
  let duration_seconds: Double
  let from_frame: Int?
  let resolution: String?
  let aspect_ratio: String?
  let camera: String?
}
struct GenerateReference: Decodable {
  let subject_kind: String
  let subject: String
  let prompt: String
  let views: Int?
  let style: String?
}
struct GenerateFrame: Decodable {
  let scene_id: String
  let frame: Int
  let at_seconds: Double?
  let prompt: String
  let style: String?
}

/// A film action decoded by its `type`, as a hand-written Swift client would.
enum FilmAction: Decodable {
  case plan(Plan), createScene(CreateScene), updateScene(SceneFields), addCharacter(AddCharacter)
  case createSet(CreateSet), addProp(AddProp), generatePoster(GeneratePoster), generateImage(GenerateImage)
  case generateVideo(GenerateVideo), generateReference(GenerateReference), generateFrame(GenerateFrame)

  enum Discriminator: String, CodingKey { case type }

  init(from decoder: any Decoder) throws {
    let type = try decoder.container(keyedBy: Discriminator.self).decode(String.self, forKey: .type)
    switch type {
    case "plan": self = .plan(try Plan(from: decoder))
    case "create_scene": self = .createScene(try CreateScene(from: decoder))
    case "update_scene": self = .updateScene(try SceneFields(from: decoder))
    case "add_character": self = .addCharacter(try AddCharacter(from: decoder))
    case "create_set": self = .createSet(try CreateSet(from: decoder))
    case "add_prop": self = .addProp(try AddProp(from: decoder))
    case "generate_poster": self = .generatePoster(try GeneratePoster(from: decoder))
    case "generate_image": self = .generateImage(try GenerateImage(from: decoder))
    case "generate_video": self = .generateVideo(try GenerateVideo(from: decoder))
    case "generate_reference": self = .generateReference(try GenerateReference(from: decoder))
    case "generate_frame": self = .generateFrame(try GenerateFrame(from: decoder))
    default:
      throw DecodingError.dataCorruptedError(forKey: .type, in: try decoder.container(keyedBy: Discriminator.self),
                                             debugDescription: "unknown action \(type)")
    }
  }
}

// MARK: - Benchmarks

let benchmarks: @Sendable () -> Void = {
  let count = actions.count

  measureEach("schema.per-action.Slate-validate(all-errors)") { i in
    let (type, payload) = payloads[i % count]
    return film.validate(payload, as: type)?.errors.count ?? -1
  }

  let firstError = ValidationOptions(mode: .firstError)
  measureEach("schema.per-action.Slate-validate(first-error)") { i in
    let (type, payload) = payloads[i % count]
    return film.validate(payload, as: type, options: firstError)?.errors.count ?? -1
  }

  measureEach("schema.per-action.Slate-classify(type,validate,key+SHA-256)") { i in
    film.classify(actions[i % count]).isSuccess ? 1 : 0
  }

  // From bytes, like JSONDecoder: one simdjson parse into a JSONValue, then classify.
  let parser = SimdjsonParser()
  measureEach("schema.per-action.Slate-parse+classify-from-bytes") { i in
    film.classify(try! parser.parse(lines[i % count])).isSuccess ? 1 : 0
  }

  measureEach("schema.per-action.JSONDecoder-structs-from-bytes(peer,types-and-presence-only)") { i in
    switch try! JSONDecoder().decode(FilmAction.self, from: encoded[i % count]) {
    case .plan: 0
    default: 1
    }
  }

  measureEach("schema.per-action.canonical-bytes(lower-bound-for-keying)") { i in
    actions[i % count].canonicalBytes.count
  }

  measure("schema.compile-film-pack.Slate-CompiledPack", heap: false,
          workload: { Workload(bytes: packBytes.count) }) { _ in
    (try! CompiledPack(bytes: packBytes)).pack.actions.count
  }
}

extension Result {
  var isSuccess: Bool { if case .success = self { true } else { false } }
}
