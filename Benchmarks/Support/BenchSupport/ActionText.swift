import SlateJSON

/// About `size` bytes of action text: `[{…},{…},…]`, objects shaped like a film-directing
/// turn's output (strings with escapes and non-ASCII, numbers, nested objects and arrays),
/// and how many actions it holds. The same content at every size (larger texts extend
/// smaller ones), so time per byte compares like with like.
public func actionText(bytes size: Int) -> (text: [UInt8], actions: Int) {
  var text: [UInt8] = [UInt8(ascii: "[")]
  text.reserveCapacity(size + 512)
  var i = 0
  while text.count < size {
    if i > 0 { text.append(UInt8(ascii: ",")) }
    text += #"{"type":"create_scene","scene_id":"s\#(i)","title":"Scene \#(i): the harbour at dawn","#.utf8
    text += #""duration":\#(Double(i % 90) + 0.5),"characters":["Ada","Grace \u00e9 Hopper"],"#.utf8
    text += #""camera":{"lens":35,"move":"dolly","notes":"slow push in, \"golden\" light – ½ stop"}}"#.utf8
    i += 1
  }
  text.append(UInt8(ascii: "]"))
  return (text, i)
}

/// Codable mirror of the objects of ``actionText(bytes:)``, for JSONDecoder.
public struct SceneAction: Decodable, Sendable {
  public struct Camera: Decodable, Sendable {
    public let lens: Int
    public let move: String
    public let notes: String
  }
  public let type: String
  public let scene_id: String
  public let title: String
  public let duration: Double
  public let characters: [String]
  public let camera: Camera
}

/// An action text of a given size, its action count and a padded copy for simdjson,
/// built on first use and kept (each benchmark runs in a process of its own, so only what
/// it reads is built).
public struct ActionTextInput: Sendable {
  public let text: [UInt8]
  public let actions: Int
  public let padded: PaddedBytes
  public var workload: Workload { Workload(bytes: text.count, actions: actions) }

  nonisolated(unsafe) static var built: [Int: ActionTextInput] = [:]

  /// The text of about `size` bytes (``actionText(bytes:)``).
  public static func of(bytes size: Int) -> ActionTextInput {
    if let input = built[size] { return input }
    let (text, actions) = actionText(bytes: size)
    let input = ActionTextInput(text: text, actions: actions, padded: PaddedBytes(text))
    built[size] = input
    return input
  }
}
