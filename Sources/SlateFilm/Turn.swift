import SlateJSON

/// A turn's content before a provider writes it: answer text (its elements laid out) or
/// tool calls, with what each element or call frames to.
struct Turn: Sendable {
  /// The answer text, when the actions are answer text.
  var answer: AnswerText?
  /// Per answer element: its value, or nil when the element is deliberately not JSON.
  var values: [JSONValue?] = []
  /// Per answer element: for an invalid one, the offset in its text of the byte a framer
  /// rejects.
  var errorOffsets: [Int?] = []
  /// The tool calls, when the actions are tool calls.
  var calls: [CallSpec] = []

  /// Answer text laying out `elements`, each with its value (nil: not JSON, rejected at
  /// the byte `errorOffsets` gives).
  init(elements: [(text: String, value: JSONValue?, errorOffset: Int?)], layout: AnswerLayout, lineEnding: String = "\n") {
    answer = AnswerText(elements.map(\.text), layout: layout, lineEnding: lineEnding)
    values = elements.map(\.value)
    errorOffsets = elements.map(\.errorOffset)
  }

  /// One tool call per action: tool name = the action's type, arguments = the rest, laid
  /// out in `style`.
  init(calls actions: [JSONValue], style: JSONTextStyle) {
    calls = actions.map { CallSpec(action: $0, style: style) }
  }

  /// The answer text's elements for `actions`, every one valid, laid out as a model writes.
  static func elements(_ actions: [JSONValue]) -> [(text: String, value: JSONValue?, errorOffset: Int?)] {
    actions.map { ($0.text(.spaced), $0, nil) }
  }

  /// `text` (a JSON object) with a trailing comma before its closing brace, the mistake
  /// models make most; returns the broken text and the offset of the rejected `}`.
  static func broken(_ text: String) -> (text: String, errorOffset: Int) {
    let broken = String(text.dropLast()) + ",}"
    return (broken, broken.utf8.count - 1)
  }

  /// `action` with the members after `type` in reverse order: the same value, other text.
  static func reordered(_ action: JSONValue) -> JSONValue {
    guard let members = action.objectValue?.members, let first = members.first else { return action }
    return .object(JSONObject([first] + members.dropFirst().reversed()))
  }
}

/// How a generated stream ends.
enum Ending: Sendable, Equatable {
  /// The model finishes; the provider's terminal events follow.
  case normal
  /// The provider reports an error part-way (after 55% of the content) and stops.
  case error
  /// The connection closes inside an action (answer text) or a call's arguments.
  case cut
  /// The model stops on its length limit inside an action; the terminal events follow.
  case length
  /// The connection closes inside a UTF-8 sequence in the second half of the content.
  case cutInUTF8
}
