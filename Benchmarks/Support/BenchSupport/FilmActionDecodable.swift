// A Codable mirror of the film pack (Corpus/schemas/film.json), as a hand-written Swift
// client would decode film actions with JSONDecoder: the peer of Slate's validator. It
// checks types and presence only (no patterns, ranges, lengths or keys).

/// A film action decoded by its `type`, as a hand-written Swift client would.
public enum FilmAction: Decodable, Sendable {
  case plan(Plan), createScene(CreateScene), updateScene(SceneFields), addCharacter(AddCharacter)
  case createSet(CreateSet), addProp(AddProp), generatePoster(GeneratePoster), generateImage(GenerateImage)
  case generateVideo(GenerateVideo), generateReference(GenerateReference), generateFrame(GenerateFrame)

  public enum Discriminator: String, CodingKey { case type }

  public init(from decoder: any Decoder) throws {
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

/// The payload of each action type.
extension FilmAction {
  public struct Phase: Decodable, Sendable {
    public let name: String
    public let description: String?
    public let actions: [String]
    public let expected_count: Int?
  }
  public struct Plan: Decodable, Sendable { public let summary: String?; public let phases: [Phase] }
  /// The fields of a scene; update_scene sends any of them besides the id.
  public struct SceneFields: Decodable, Sendable {
    public let scene_id: String
    public let title: String?
    public let description: String?
    public let order: Int?
    public let set: String?
    public let characters: [String]?
    public let time_of_day: String?
    public let interior: Bool?
    public let duration_seconds: Double?
    public let mood: String?
  }
  /// create_scene: the same fields, with a title.
  public struct CreateScene: Decodable, Sendable {
    public let fields: SceneFields
    public init(from decoder: any Decoder) throws {
      fields = try SceneFields(from: decoder)
      if fields.title == nil {
        throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "create_scene needs a title"))
      }
    }
  }
  public struct AddCharacter: Decodable, Sendable {
    public let name: String
    public let role: String?
    public let description: String?
    public let age: Int?
    public let appears_in: [String]?
    public let voice: String?
  }
  public struct CreateSet: Decodable, Sendable {
    public let name: String
    public let location: String?
    public let interior: Bool?
    public let time_of_day: String?
    public let description: String?
  }
  public struct AddProp: Decodable, Sendable {
    public let name: String
    public let set: String?
    public let description: String?
    public let scenes: [String]?
    public let quantity: Int?
  }
  public struct GeneratePoster: Decodable, Sendable {
    public let poster_id: String
    public let prompt: String
    public let title_text: String?
    public let tagline: String?
    public let style: String?
    public let aspect_ratio: String?
  }
  public struct GenerateImage: Decodable, Sendable {
    public let scene_id: String
    public let shot: Int
    public let prompt: String
    public let style: String?
    public let aspect_ratio: String?
    public let seed: Int?
  }
  public struct GenerateVideo: Decodable, Sendable {
    public let scene_id: String
    public let prompt: String
    public let duration_seconds: Double
    public let from_frame: Int?
    public let resolution: String?
    public let aspect_ratio: String?
    public let camera: String?
  }
  public struct GenerateReference: Decodable, Sendable {
    public let subject_kind: String
    public let subject: String
    public let prompt: String
    public let views: Int?
    public let style: String?
  }
  public struct GenerateFrame: Decodable, Sendable {
    public let scene_id: String
    public let frame: Int
    public let at_seconds: Double?
    public let prompt: String
    public let style: String?
  }
}
