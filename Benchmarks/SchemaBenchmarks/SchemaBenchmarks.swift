// Validating film-pack actions: Slate's compiled validator (SlateSchema) against decoding
// the same values into Swift structs with Foundation's JSONDecoder, in the same run.
//
// Wiring (Benchmarks/Package.swift): `suite("SchemaBenchmarks", ["SlateSchema", "SlateJSON"])`.
// The pack and the actions are read from the root package's Corpus/schemas at start-up.
import Benchmark
import Foundation
import SlateJSON
import SlateSchema

/// The root package's `Corpus/schemas` (this file is Benchmarks/SchemaBenchmarks/…).
let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent().appendingPathComponent("Corpus/schemas")

func load(_ name: String) -> [UInt8] {
  do {
    return [UInt8](try Data(contentsOf: corpus.appendingPathComponent(name)))
  } catch {
    fatalError("SchemaBenchmarks: cannot read \(name) from \(corpus.path): \(error)")
  }
}

let packBytes = load("film.json")
let film: CompiledPack = {
  do { return try CompiledPack(bytes: packBytes) } catch { fatalError("film.json does not compile: \(error)") }
}()

/// The representative actions (`film-actions.jsonl`), parsed once.
let actions: [JSONValue] = {
  let parser = SimdjsonParser()
  return load("film-actions.jsonl").split(separator: UInt8(ascii: "\n")).map { line in
    do { return try parser.parse(Array(line)) } catch { fatalError("film-actions.jsonl: \(error)") }
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
  // One iteration is one action (cycling through the set), so times read per action.
  Benchmark.defaultConfiguration = .init(
    metrics: [.wallClock, .throughput, .mallocCountTotal],
    scalingFactor: .kilo,
    maxDuration: .seconds(2),
    maxIterations: 1_000
  )
  let count = actions.count

  Benchmark("schema per action: film pack validate (compiled, all errors)") { benchmark in
    for i in benchmark.scaledIterations {
      let (type, payload) = payloads[i % count]
      blackHole(film.validate(payload, as: type))
    }
  }

  Benchmark("schema per action: film pack validate (first error)") { benchmark in
    let options = ValidationOptions(mode: .firstError)
    for i in benchmark.scaledIterations {
      let (type, payload) = payloads[i % count]
      blackHole(film.validate(payload, as: type, options: options))
    }
  }

  Benchmark("schema per action: film pack classify (type, validate, key + SHA-256)") { benchmark in
    for i in benchmark.scaledIterations {
      blackHole(film.classify(actions[i % count]))
    }
  }

  Benchmark("schema per action: JSONDecoder into Swift structs (peer; types and presence only)") { benchmark in
    let decoder = JSONDecoder()
    for i in benchmark.scaledIterations {
      blackHole(try decoder.decode(FilmAction.self, from: encoded[i % count]))
    }
  }

  Benchmark("schema per action: canonical bytes of the value (lower bound for keying)") { benchmark in
    for i in benchmark.scaledIterations {
      blackHole(actions[i % count].canonicalBytes)
    }
  }

  Benchmark(
    "schema: compile the film pack",
    configuration: .init(metrics: [.wallClock, .mallocCountTotal], scalingFactor: .one, maxDuration: .seconds(2),
                         maxIterations: 200)
  ) { benchmark in
    for _ in benchmark.scaledIterations {
      blackHole(try CompiledPack(bytes: packBytes))
    }
  }
}
