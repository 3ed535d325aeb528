import SlateJSON
import Testing

/// ``JSONDocument``: the parsed document read in place agrees with the ``JSONValue`` the
/// same parser builds: kinds, strings (bytes), numbers, member lookup (last member of a
/// name winning), element and member order; copies outlive the next parse.
@Suite struct JSONDocumentTests {
  /// The value rebuilt by walking the view only (never ``JSONNode/value``).
  static func walk(_ node: JSONNode) -> JSONValue {
    switch node.kind {
    case .null: return .null
    case .bool: return .bool(node.bool!)
    case .number: return .number(JSONNumber(lexeme: String(decoding: node.bytes, as: UTF8.self))!)
    case .string: return .string(String(decoding: node.bytes, as: UTF8.self))
    case .array: return .array(node.elements.map { walk($0) })
    case .object:
      var object = JSONObject()
      for member in node.members { object.append(key: String(decoding: member.key, as: UTF8.self), value: walk(member.value)) }
      return .object(object)
    }
  }

  /// Every member lookup of every object in `value` agrees with `node`'s, for each key the
  /// object has and for one it lacks.
  static func lookupsAgree(_ value: JSONValue, _ node: JSONNode) -> Bool {
    switch value {
    case .array(let elements):
      return node.count == elements.count && zip(elements, node.elements).allSatisfy { lookupsAgree($0, $1) }
    case .object(let object):
      for key in object.keys {
        guard let found = lookup(node, key), walk(found) == object[key]! else { return false }
        if !lookupsAgree(object[key]!, found) { return false }
      }
      return lookup(node, "\u{1}absent") == nil
    case .number(let number):
      return node.int == number.int64Value.flatMap { Int(exactly: $0) }
    default:
      return true
    }
  }

  /// A lookup by a run-time key (tests only: ``JSONKey`` is made from literals).
  static func lookup(_ node: JSONNode, _ key: String) -> JSONNode? {
    var found: JSONNode?
    for member in node.members where member.key.elementsEqual(key.utf8) { found = member.value }
    return found
  }

  @Test func randomDocumentsReadInPlaceAgreeWithTheBuiltValue() throws {
    let parser = SimdjsonParser()
    var random = RandomJSON(seed: 0x5EED_D0C)
    for _ in 0..<400 {
      let value = random.value(depth: 4)
      let text = Array(value.canonicalString.utf8)
      let built = try parser.parse(text)
      let document = try parser.parseDocument(text)
      #expect(Self.walk(document.root) == built)
      #expect(document.root.value == built)
      #expect(Self.lookupsAgree(built, document.root))
    }
  }

  @Test func literalKeysFindTheLastMemberOfTheirName() throws {
    let parser = SimdjsonParser()
    let root = try parser.parseDocument(Array(#"{"a":1,"ab":2,"a":"x\"y","b":[true,null,-7,1.0,1e2,2.5]}"#.utf8)).root
    #expect(root["a"]?.string == "x\"y")
    #expect(root["a"]?.isString("x\"y") == true)
    #expect(root["ab"]?.int == 2)
    #expect(root["abc"] == nil)
    #expect(root["a"]?["a"] == nil)  // a string has no members
    let list = try #require(root["b"])
    #expect(list.count == 6 && list.isArray)
    #expect(list.elements.map(\.kind) == [.bool, .null, .number, .number, .number, .number])
    #expect(list.elements.map(\.int) == [nil, nil, -7, 1, 100, nil])
    #expect(list.elements.map(\.bool).first == true)
    #expect(root.typeName == "object" && list.typeName == "array")
  }

  @Test func aCopyOutlivesTheNextParse() throws {
    let parser = SimdjsonParser()
    let first = try parser.parseDocument(Array(#"{"k":["v",{"w":"long enough to leave the small-string form"}]}"#.utf8))
    let whole = first.root.copy()
    let part = try #require(first.root["k"]).copy()
    _ = try parser.parseDocument(Array(#"{"other":[1,2,3,4,5,6,7,8,9]}"#.utf8))
    #expect(whole.withRoot { $0.value } == (try SimdjsonParser().parse(#"{"k":["v",{"w":"long enough to leave the small-string form"}]}"#)))
    #expect(part.withRoot { $0.elements.map(\.value) }
      == ["v", .object(JSONObject([JSONMember(key: "w", value: "long enough to leave the small-string form")]))])
  }
}
