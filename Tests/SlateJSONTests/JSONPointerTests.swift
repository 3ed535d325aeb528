import Testing

@testable import SlateJSON

/// RFC 6901 §5 and §6: the example document and every pointer the RFC evaluates against it.
@Suite struct JSONPointerTests {
  static let document: JSONValue = try! SimdjsonParser().parse(
    #"""
    {"foo": ["bar", "baz"], "": 0, "a/b": 1, "c%d": 2, "e^f": 3, "g|h": 4, "i\\j": 5,
     "k\"l": 6, " ": 7, "m~n": 8}
    """#)

  @Test(arguments: [
    ("", nil),
    ("/foo", #"["bar","baz"]"#),
    ("/foo/0", #""bar""#),
    ("/", "0"),
    ("/a~1b", "1"),
    ("/c%d", "2"),
    ("/e^f", "3"),
    ("/g|h", "4"),
    ("/i\\j", "5"),
    ("/k\"l", "6"),
    ("/ ", "7"),
    ("/m~0n", "8"),
  ] as [(String, String?)])
  func stringRepresentation(pointer: String, expected: String?) throws {
    let p = try JSONPointer(pointer)
    let want = try expected.map { try SimdjsonParser().parse($0) } ?? Self.document
    #expect(p.resolve(in: Self.document) == want)
    #expect(p.description == pointer)  // round trip
  }

  @Test(arguments: [
    ("#", nil),
    ("#/foo", #"["bar","baz"]"#),
    ("#/foo/0", #""bar""#),
    ("#/", "0"),
    ("#/a~1b", "1"),
    ("#/c%25d", "2"),
    ("#/e%5Ef", "3"),
    ("#/g%7Ch", "4"),
    ("#/i%5Cj", "5"),
    ("#/k%22l", "6"),
    ("#/%20", "7"),
    ("#/m~0n", "8"),
  ] as [(String, String?)])
  func fragmentRepresentation(fragment: String, expected: String?) throws {
    let p = try JSONPointer(fragment: fragment)
    let want = try expected.map { try SimdjsonParser().parse($0) } ?? Self.document
    #expect(p.resolve(in: Self.document) == want)
  }

  @Test func malformedPointersAreRejected() {
    #expect(throws: JSONPointer.ParseError.missingSlash) { try JSONPointer("foo") }
    #expect(throws: JSONPointer.ParseError.invalidEscape(offset: 4)) { try JSONPointer("/foo~2") }
    #expect(throws: JSONPointer.ParseError.invalidEscape(offset: 2)) { try JSONPointer("/a~") }
    #expect(throws: JSONPointer.ParseError.invalidFragment) { try JSONPointer(fragment: "/foo") }
    #expect(throws: JSONPointer.ParseError.invalidFragment) { try JSONPointer(fragment: "#/%zz") }
  }

  @Test func arrayIndicesFollowTheGrammar() throws {
    #expect(try JSONPointer("/foo/1").resolve(in: Self.document) == "baz")
    #expect(try JSONPointer("/foo/01").resolve(in: Self.document) == nil)  // leading zero
    #expect(try JSONPointer("/foo/-").resolve(in: Self.document) == nil)  // past the end
    #expect(try JSONPointer("/foo/2").resolve(in: Self.document) == nil)
    #expect(try JSONPointer("/foo/99999999999999999999999").resolve(in: Self.document) == nil)
    #expect(try JSONPointer("/foo/0/x").resolve(in: Self.document) == nil)
  }

  @Test func tildeOrderOfUnescaping() throws {
    // "~01" is "~1" unescaped once, never "/".
    #expect(try JSONPointer("/~01").tokens == ["~1"])
    #expect(JSONPointer(tokens: ["~1"]).description == "/~01")
    #expect(JSONPointer.root.appending("a/b").appending(3).description == "/a~1b/3")
  }
}
