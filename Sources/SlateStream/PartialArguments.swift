import SlateJSON

/// Assembles Vertex AI streamed function-call arguments into one object
/// (provider-streams.md §4, "Vertex AI streamed function-call arguments").
///
/// Each `partialArgs` entry names a location with `jsonPath` (`$.a`, `$.a.b`, `$['a b']`,
/// `$.items[2]`) and carries one of `stringValue` (appended to the string already at that
/// path, so a string can arrive in pieces), `numberValue`, `boolValue` or `nullValue`.
/// Objects and arrays on the way are created as needed (arrays padded with null).
/// Complexity: O(path length + size of the containers on the path) per entry.
struct PartialArguments {
  /// The arguments assembled so far (an object).
  private(set) var value: JSONValue

  /// Paths deeper than this, or array indexes beyond ``maxIndex``, are refused.
  static let maxDepth = 64
  static let maxIndex = 4096

  init(seed: JSONValue? = nil) {
    if let seed, seed.objectValue != nil { value = seed } else { value = .object(JSONObject()) }
  }

  enum Segment: Equatable {
    case key(String)
    case index(Int)
  }

  private enum Leaf {
    case append(String)
    case set(JSONValue)
  }

  /// Applies one `partialArgs` entry; returns why it could not, or nil when applied (an
  /// entry with no value field only marks progress and changes nothing).
  mutating func apply(_ entry: JSONValue) -> String? {
    guard let path = entry.string("jsonPath") else { return "expected a jsonPath in each partialArgs entry; got none" }
    guard let segments = PartialArguments.parse(path), !segments.isEmpty else {
      return "expected a jsonPath like $.name, $['name'] or $.list[0] (at most \(PartialArguments.maxDepth) steps); got \"\(path)\""
    }
    let leaf: Leaf
    if let text = entry["stringValue"]?.stringValue {
      leaf = .append(text)
    } else if let number = entry["numberValue"] {
      guard let parsed = number.numberValue ?? number.stringValue.flatMap(JSONNumber.init(lexeme:)) else {
        return "expected numberValue at \(path) to be a number; got \(number.canonicalString)"
      }
      leaf = .set(.number(parsed))
    } else if let flag = entry["boolValue"]?.boolValue {
      leaf = .set(.bool(flag))
    } else if entry["nullValue"] != nil {
      leaf = .set(.null)
    } else {
      return nil
    }
    return PartialArguments.update(&value, segments[...], leaf, path: path)
  }

  private static func update(_ node: inout JSONValue, _ steps: ArraySlice<Segment>, _ leaf: Leaf, path: String) -> String? {
    guard let step = steps.first else {
      switch (leaf, node) {
      case (.append(let text), .string(let old)): node = .string(old + text)
      case (.append(let text), .null): node = .string(text)
      case (.append, _): return "expected a string at \(path) to append to; found a \(node.typeName)"
      case (.set(let leafValue), _): node = leafValue
      }
      return nil
    }
    let rest = steps.dropFirst()
    switch step {
    case .key(let key):
      var object: JSONObject
      switch node {
      case .object(let existing): object = existing
      case .null: object = JSONObject()
      default: return "expected an object on the way to \(path); found a \(node.typeName)"
      }
      node = .null  // keep `object` uniquely referenced while it changes
      let position = object.members.lastIndex { $0.key == key }
      var child = position.map { object.members[$0].value } ?? .null
      let problem = update(&child, rest, leaf, path: path)
      if let position { object.members[position].value = child } else { object.append(key: key, value: child) }
      node = .object(object)
      return problem
    case .index(let index):
      var array: [JSONValue]
      switch node {
      case .array(let existing): array = existing
      case .null: array = []
      default: return "expected an array on the way to \(path); found a \(node.typeName)"
      }
      node = .null
      while array.count <= index { array.append(.null) }
      let problem = update(&array[index], rest, leaf, path: path)
      node = .array(array)
      return problem
    }
  }

  /// The steps of a JSONPath of the supported subset, or nil. O(path).
  static func parse(_ path: String) -> [Segment]? {
    let chars = Array(path.unicodeScalars)
    guard chars.first == "$" else { return nil }
    var segments: [Segment] = []
    var i = 1
    while i < chars.count {
      guard segments.count < maxDepth else { return nil }
      if chars[i] == "." {
        var name = String.UnicodeScalarView()
        i += 1
        while i < chars.count, chars[i] != ".", chars[i] != "[" {
          name.append(chars[i])
          i += 1
        }
        guard !name.isEmpty else { return nil }
        segments.append(.key(String(name)))
      } else if chars[i] == "[" {
        i += 1
        guard i < chars.count else { return nil }
        if chars[i] == "'" || chars[i] == "\"" {
          let quote = chars[i]
          var name = String.UnicodeScalarView()
          i += 1
          while i < chars.count, chars[i] != quote {
            if chars[i] == "\\", i + 1 < chars.count { i += 1 }
            name.append(chars[i])
            i += 1
          }
          guard i + 1 < chars.count, chars[i + 1] == "]" else { return nil }
          i += 2
          segments.append(.key(String(name)))
        } else {
          var number = 0
          var digits = 0
          while i < chars.count, (48...57).contains(chars[i].value) {
            number = number * 10 + Int(chars[i].value - 48)
            digits += 1
            guard number <= maxIndex else { return nil }
            i += 1
          }
          guard digits > 0, i < chars.count, chars[i] == "]" else { return nil }
          i += 1
          segments.append(.index(number))
        }
      } else {
        return nil
      }
    }
    return segments
  }
}
