import SlateCore
import SlateJSON
import Testing

/// ``JSONNode/isEqual(to:)`` answers as ``JSONValue``'s `==` on the node's built value (both
/// forms: against a built value, and against another document's node), on
/// seeded values against variants that are equal (members reordered, a repeated name
/// shadowed by a later one, numbers respelled) and unequal (a scalar changed, a member
/// added or dropped, a later repeated name), including objects past the pairwise limit and
/// values past the native depth.
@Suite struct NodeEqualityTests {
  /// Variants of seeded values.
  struct Variants {
    var random: RandomJSON

    /// The distinct members of `object`, each name at its last occurrence's value, in
    /// first-appearance order.
    static func distinct(_ object: JSONObject) -> [JSONMember] {
      var out: [JSONMember] = []
      for member in object.members {
        if let k = out.firstIndex(where: { codePointsEqual($0.key, member.key) }) {
          out[k].value = member.value
        } else {
          out.append(member)
        }
      }
      return out
    }

    /// `value` with every object's distinct members shuffled, now and then a repeated name
    /// put in front (shadowed by the real member), numbers now and then respelled with
    /// `e0`: an equal value.
    mutating func equalVariant(_ value: JSONValue) -> JSONValue {
      switch value {
      case .number(let n) where random.chance(30) && !n.lexeme.contains(where: { "eE".contains($0) }):
        return .number(JSONNumber(lexeme: n.lexeme + "e0")!)
      case .array(let elements): return .array(elements.map { equalVariant($0) })
      case .object(let object):
        var members = Self.distinct(object).map { JSONMember(key: $0.key, value: equalVariant($0.value)) }
        members.shuffle(using: &random.rng)
        if let first = members.first, random.chance(30) {
          members.insert(JSONMember(key: first.key, value: random.value(depth: 1)), at: 0)
        }
        return .object(JSONObject(members))
      default: return value
      }
    }

    /// `value` with its members in their order, repeated names kept, and the value of each
    /// member that a later one of its name shadows replaced: an equal value whose objects
    /// compare position by position.
    mutating func inOrderVariant(_ value: JSONValue) -> JSONValue {
      switch value {
      case .array(let elements): return .array(elements.map { inOrderVariant($0) })
      case .object(let object):
        let members = object.members
        return .object(JSONObject(members.indices.map { k in
          let shadowed = members[(k + 1)...].contains { codePointsEqual($0.key, members[k].key) }
          return JSONMember(key: members[k].key, value: shadowed ? random.value(depth: 1) : inOrderVariant(members[k].value))
        }))
      default: return value
      }
    }

    /// `value` changed in one place: a scalar replaced, a member added, dropped or
    /// repeated after its first occurrence with another value, an element dropped.
    mutating func changedVariant(_ value: JSONValue) -> JSONValue {
      switch value {
      case .array(var elements) where !elements.isEmpty:
        let k = random.int(0...(elements.count - 1))
        if random.chance(20) { elements.remove(at: k) } else { elements[k] = changedVariant(elements[k]) }
        return .array(elements)
      case .object(var object) where !object.members.isEmpty:
        let k = random.int(0...(object.members.count - 1))
        switch random.int(0...3) {
        case 0: object.members.remove(at: k)
        case 1: object.append(key: object.members[k].key, value: random.value(depth: 1))
        case 2: object.append(key: random.string(maxLength: 6), value: random.value(depth: 1))
        default: object.members[k].value = changedVariant(object.members[k].value)
        }
        return .object(object)
      default:
        return random.value(depth: 0)
      }
    }
  }

  /// `depth` arrays around an object that holds them: past the native depth.
  static func nested(_ depth: Int, leaf: JSONValue) -> JSONValue {
    var value = leaf
    for k in 0..<depth { value = k % 2 == 0 ? .array([value, .number(JSONNumber(k))]) : .object(JSONObject([JSONMember(key: "k", value: value)])) }
    return value
  }

  /// An object of `count` members named `m0`, `m1`, …: past the pairwise limit.
  static func wide(_ count: Int, offset: Int = 0) -> JSONValue {
    .object(JSONObject((0..<count).map { JSONMember(key: "m\($0)", value: .number(JSONNumber($0 + offset))) }))
  }

  @Test func agreesWithTheBuiltValuesEquality() throws {
    let parser = SimdjsonParser()
    let otherParser = SimdjsonParser()
    var variants = Variants(random: RandomJSON(seed: 0xE0_A1))
    var equal = 0
    var unequal = 0
    for round in 0..<1_500 {
      let value: JSONValue
      switch round % 50 {
      case 0: value = Self.nested(40, leaf: variants.random.value(depth: 2))
      case 1: value = Self.wide(40)
      default: value = variants.random.value(depth: 4)
      }
      var text: [UInt8] = []
      variants.random.write(value, into: &text)
      let document = try parser.parseDocument(text)
      let node = document.root
      let built = node.value
      var others = [value, variants.equalVariant(value), variants.equalVariant(value), variants.changedVariant(value),
                    variants.inOrderVariant(value), variants.changedVariant(variants.inOrderVariant(value)),
                    variants.changedVariant(variants.equalVariant(value)), variants.random.value(depth: 3)]
      if round % 50 == 1 { others += [Self.wide(40, offset: 1), Self.wide(33), Self.wide(32)] }
      for other in others {
        let expected = built == other
        #expect(node.isEqual(to: other) == expected, "\(String(decoding: text, as: UTF8.self)) against \(other.canonicalString)")
        var otherText: [UInt8] = []
        variants.random.write(other, into: &otherText)
        let otherCopy = try otherParser.parseDocument(otherText).copy()
        otherCopy.withRoot { otherNode in
          #expect(node.isEqual(to: otherNode) == expected, "\(String(decoding: text, as: UTF8.self)) against node \(other.canonicalString)")
          #expect(otherNode.isEqual(to: node) == expected, "node \(other.canonicalString) against \(String(decoding: text, as: UTF8.self))")
        }
        if expected { equal += 1 } else { unequal += 1 }
      }
    }
    // Both answers are exercised, many times.
    #expect(equal > 2_000)
    #expect(unequal > 2_000)
  }

  @Test func aCopiedDocumentComparesAsTheLiveOne() throws {
    let parser = SimdjsonParser()
    let text = Array(#"{"promptTokenCount": 12, "candidatesTokenCount": 3.50, "a": {"x": [1, "é"]}, "a": {"x": [1, "e\u0301"]}}"#.utf8)
    let copy = try parser.parseDocument(text).copy()
    _ = try parser.parse(Array("[]".utf8))  // the live document is gone; the copy stays
    let same = try parser.parse(Array(#"{"a": {"x": [1.0, "e\u0301"]}, "candidatesTokenCount": 35e-1, "promptTokenCount": 12}"#.utf8))
    let other = try parser.parse(Array(#"{"a": {"x": [1, "é"]}, "candidatesTokenCount": 3.5, "promptTokenCount": 12}"#.utf8))
    copy.withRoot { root in
      #expect(root.isEqual(to: same))
      #expect(!root.isEqual(to: other))  // "é" precomposed is not "e" + combining acute: code points differ
    }
  }

  /// Objects of the same names in the same order: a differing value decides only where no
  /// later member of its name shadows it.
  @Test func objectsInTheSameOrderCompareAtTheirLastOccurrences() throws {
    let pairs: [(String, String, Bool)] = [
      (#"{"a": 1, "b": 2}"#, #"{"a": 1, "b": 2}"#, true), (#"{"a": 1, "b": 2}"#, #"{"a": 1, "b": 3}"#, false),
      (#"{"a": 1, "a": 2}"#, #"{"a": 3, "a": 2}"#, true), (#"{"a": 1, "a": 2}"#, #"{"a": 1, "a": 3}"#, false),
      (#"{"a": 1, "b": 0, "a": 2}"#, #"{"a": 9, "b": 0, "a": 2}"#, true),
      (#"{"a": 1, "b": 0, "a": 2}"#, #"{"a": 1, "b": 1, "a": 2}"#, false),
      (#"{"a": {"x": 1, "x": 2}}"#, #"{"a": {"x": 5, "x": 2.0}}"#, true),
      (#"{"a": 1, "b": 2}"#, #"{"b": 2, "a": 1}"#, true), (#"{"a": 1, "b": 2}"#, #"{"b": 2, "a": 2}"#, false),
      (#"{"a": 1, "a": 2}"#, #"{"a": 2}"#, true), (#"{"a": 2}"#, #"{"a": 1, "a": 2}"#, true),
    ]
    let parser = SimdjsonParser()
    for (a, b, expected) in pairs {
      #expect((try parser.parse(a) == parser.parse(b)) == expected, "\(a) against \(b): the expectation itself")
      let mine = try parser.parseDocument(Array(a.utf8)).copy()
      let theirs = try parser.parseDocument(Array(b.utf8)).copy()
      mine.withRoot { m in
        theirs.withRoot { t in
          #expect(m.isEqual(to: t) == expected, "\(a) against \(b)")
          #expect(t.isEqual(to: m) == expected, "\(b) against \(a)")
        }
      }
    }
  }

  /// Numbers compared in place: the same bytes, two canonical integers (compared by bytes
  /// alone) and every other spelling (compared by value) agree with `JSONNumber`'s `==`.
  @Test func numbersCompareByValueWhateverTheirSpelling() throws {
    let pairs: [(String, String, Bool)] = [
      ("12", "12", true), ("12", "13", false), ("0", "0", true), ("-7", "-7", true), ("-7", "7", false),
      ("1", "1.0", true), ("100", "1e2", true), ("100", "1E+2", true), ("35e-1", "3.50", true), ("-0", "0", true),
      ("0", "-0.0", true), ("123456789012345678", "123456789012345679", false),
      ("1234567890123456789", "1.234567890123456789e18", true), ("1234567890123456789", "1234567890123456788", false),
      ("10", "1", false), ("1", "10", false), ("2.5", "2.50", true), ("2.5", "2.6", false),
      // Past int64 (uint64 on simdjson's tape), and past uint64 (not held by simdjson).
      ("18446744073709551615", "18446744073709551615", true), ("18446744073709551615", "18446744073709551614", false),
      ("18446744073709551616", "18446744073709551617", false), ("18446744073709551616", "1.8446744073709551616e19", true),
      ("-9223372036854775808", "-9223372036854775808", true), ("-9223372036854775808", "-9223372036854775807", false),
    ]
    let parser = SimdjsonParser()
    for (a, b, expected) in pairs {
      #expect((JSONNumber(lexeme: a)! == JSONNumber(lexeme: b)!) == expected, "\(a) against \(b): the expectation itself")
      let mine = try parser.parseDocument(Array("[\(a)]".utf8)).copy()
      let theirs = try parser.parseDocument(Array("[\(b)]".utf8)).copy()
      mine.withRoot { m in
        theirs.withRoot { t in
          #expect(m.isEqual(to: t) == expected, "\(a) against \(b)")
          #expect(t.isEqual(to: m) == expected, "\(b) against \(a)")
        }
      }
    }
  }
}
