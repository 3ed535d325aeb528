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

/// The view's numbers, counts, copies and error paths, pinned before the view read
/// simdjson's tape directly: `int` and a number's `bytes` (its lexeme as written, also for
/// numbers simdjson cannot hold), counts beyond the tape's 24-bit field, copies holding
/// numbers, the one-level-deeper parse, and errors equal to ``SimdjsonParser/parse(_:)``'s.
@Suite struct JSONDocumentNumberTests {
  /// Lexemes and the `int` each must give (nil: not an integer that fits an `Int`).
  static let cases: [(String, Int?)] = [
    ("0", 0), ("-0", 0), ("7", 7), ("-7", -7), ("1.0", 1), ("1e2", 100), ("1E2", 100), ("1e+2", 100),
    ("100e-2", 1), ("1.5", nil), ("1e-2", nil), ("0.0", 0), ("-0.0", 0), ("2.5e1", 25), ("25e-1", nil),
    ("123456789012345678", 123_456_789_012_345_678), ("-123456789012345678", -123_456_789_012_345_678),
    ("1234567890123456789", 1_234_567_890_123_456_789), ("9223372036854775807", Int.max),
    ("-9223372036854775808", Int.min), ("9223372036854775808", nil), ("18446744073709551615", nil),
    ("18446744073709551616", nil), ("-9223372036854775809", nil), ("123456789012345678901234567890", nil),
    ("1e400", nil), ("-1e400", nil), ("1e-400", nil), ("9007199254740993.0", 9_007_199_254_740_993),
    ("9223372036854775807.0", Int.max), ("92233720368547758070e-1", Int.max), ("1e18", 1_000_000_000_000_000_000),
    ("1e19", nil), ("0e5", 0), ("-0e-5", 0),
  ]

  @Test func numbersKeepTheirLexemeAndIntegerValue() throws {
    let parser = SimdjsonParser()
    for (lexeme, expected) in Self.cases {
      for text in [lexeme, "[\(lexeme)]", #"{"a":[true],"n":\#(lexeme),"z":"s"}"#, "[[\"x\",\(lexeme)],\(lexeme)]"] {
        let root = try parser.parseDocument(Array(text.utf8)).root
        var numbers: [JSONNode] = []
        func collect(_ node: JSONNode) {
          switch node.kind {
          case .number: numbers.append(node)
          case .array: for element in node.elements { collect(element) }
          case .object: for member in node.members { collect(member.value) }
          default: break
          }
        }
        collect(root)
        #expect(!numbers.isEmpty)
        for number in numbers {
          #expect(String(decoding: number.bytes, as: UTF8.self) == lexeme, "\(text)")
          #expect(number.int == expected, "\(text)")
          #expect(number.value == .number(JSONNumber(lexeme: lexeme)!), "\(text)")
        }
        #expect(root.value == (try SimdjsonParser().parse(text)), "\(text)")
        #expect(root["n"]?.int == (text.hasPrefix("{") ? expected : nil))
      }
    }
  }

  @Test func copiesKeepNumbersStringsAndStructure() throws {
    let parser = SimdjsonParser()
    let text = #"{"a":[1,-2.5e3,1e400,"s\u00e9",{"k":123456789012345678901234567890,"e":{}}],"b":null,"c":[]}"#
    let document = try parser.parseDocument(Array(text.utf8))
    let whole = document.copy()
    let part = try #require(document.root["a"]).copy()
    let scalar = Array(try #require(document.root["a"]).elements)[2].copy()
    _ = try parser.parseDocument(Array(#"[9,8,7,{"q":"other text of some length"}]"#.utf8))
    let expected = try SimdjsonParser().parse(text)
    #expect(whole.withRoot { $0.value } == expected)
    #expect(whole.withRoot { JSONDocumentTests.walk($0) } == expected)
    #expect(whole.withRoot { $0.count } == 3)
    #expect(whole.withRoot { $0["c"]?.isArray } == true)
    #expect(part.withRoot { $0.value } == expected.objectValue?["a"])
    #expect(part.withRoot { $0.elements.map(\.int) } == [1, -2500, nil, nil, nil])
    #expect(part.withRoot { Array($0.elements)[4]["k"].map { String(decoding: $0.bytes, as: UTF8.self) } }
      == "123456789012345678901234567890")
    #expect(scalar.withRoot { String(decoding: $0.bytes, as: UTF8.self) } == "1e400")
    let again = part.withRoot { $0.copy() }
    #expect(again.withRoot { $0.value } == expected.objectValue?["a"])
  }

  @Test func countsBeyondTheTapesCountFieldAreExact() throws {
    let count = (1 << 24) + 3
    var elements = Array("7,".utf8)
    while elements.count < 2 * count { elements += elements }  // doubling: a few large copies
    let text = [UInt8(ascii: "[")] + elements[..<(2 * count - 1)] + [UInt8(ascii: "]")]
    let parser = SimdjsonParser()
    let root = try parser.parseDocument(text).root
    #expect(root.count == count)
    var walk = root.elements
    var seen = 0
    var last: JSONNode?
    while let element = walk.next() {
      seen += 1
      last = element
    }
    #expect(seen == count && last?.int == 7)
  }

  @Test func aDocumentAtTheDepthLimitIsReadAsParsed() throws {
    let parser = SimdjsonParser(limits: JSONLimits(maxDepth: 3))
    for text in [#"[[[12,1e999,"x"]]]"#, #"{"a":{"b":[-0,18446744073709551616]}}"#] {
      let root = try parser.parseDocument(Array(text.utf8)).root
      #expect(root.value == (try SimdjsonParser(limits: JSONLimits(maxDepth: 3)).parse(text)))
      #expect(JSONDocumentTests.walk(root) == root.value)
    }
  }

  @Test func errorsMatchTheValueParser() throws {
    let parser = SimdjsonParser(limits: JSONLimits(maxDepth: 3, maxBytes: 40))
    for text in [#"{"a":[1,2,}"#, #"[[[[1]]]]"#, #"{"a":"\u12"}"#, "", "[1] x", #"[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17]"#, "-", "[01]"] {
      var parseError: JSONParseError?
      var documentError: JSONParseError?
      do { _ = try SimdjsonParser(limits: parser.limits).parse(text) } catch { parseError = error }
      do { _ = try parser.parseDocument(Array(text.utf8)) } catch { documentError = error }
      #expect(parseError != nil, "\(text)")
      #expect(parseError == documentError, "\(text)")
    }
  }
}
