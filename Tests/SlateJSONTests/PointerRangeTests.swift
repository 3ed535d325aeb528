import SlateJSON
import Testing

/// `JSONPointer.range(in:)`: the bytes of the value a pointer names, found by scanning.
@Suite struct PointerRangeTests {
  static let text = #" {"a": [1, {"b\"c": "x", "b": true}, [ ]], "d/e": {"": -1.5e3}, "a": {"z": null}} "#

  func located(_ pointer: String, in text: String = Self.text) throws -> String? {
    let bytes = Array(text.utf8)
    let path = try JSONPointer(pointer)
    let found: Range<Int>? = bytes.withUnsafeBytes { path.range(in: $0) }
    return found.map { String(decoding: bytes[$0], as: UTF8.self) }
  }

  @Test func findsMembersElementsAndEscapedNames() throws {
    #expect(try located("") == String(Self.text.dropFirst().dropLast()))
    #expect(try located("/d~1e/") == "-1.5e3")
    #expect(try located("/a/z") == "null", "the last of duplicate names wins")
    #expect(try located("/a") == #"{"z": null}"#)
    let inner = #"{"a": [1, {"b\"c": "x", "b": true}, [ ]]}"#
    #expect(try located("/a/1/b\"c", in: inner) == #""x""#)
    #expect(try located("/a/1/b", in: inner) == "true")
    #expect(try located("/a/2", in: inner) == "[ ]")
    #expect(try located("/a/0", in: inner) == "1")
  }

  @Test func absentPathsAreNil() throws {
    let inner = #"{"a": [1, {"b": true}, [ ]]}"#
    for pointer in ["/x", "/a/3", "/a/01", "/a/-", "/a/0/b", "/a/2/0", "/a/1/c"] {
      #expect(try located(pointer, in: inner) == nil, "\(pointer)")
    }
  }

  @Test func agreesWithResolveOnEveryPathOfADocument() throws {
    let text = #"{"film":{"scenes":[{"id":"s1","cast":["Ada","Bo"]},{"id":"s2","cast":[]}],"title":"Ω\n"},"n":[0,1e2,-3]}"#
    let value = try SimdjsonParser().parse(text)
    let bytes = Array(text.utf8)
    var paths: [JSONPointer] = [.root]
    var k = 0
    while k < paths.count {
      let node = paths[k].resolve(in: value)!
      if case .object(let object) = node { for member in object.members { paths.append(JSONPointer(tokens: paths[k].tokens + [member.key])) } }
      if case .array(let items) = node { for i in items.indices { paths.append(JSONPointer(tokens: paths[k].tokens + [String(i)])) } }
      k += 1
    }
    for path in paths {
      let range = try #require(bytes.withUnsafeBytes { path.range(in: $0) }, "\(path)")
      #expect(try SimdjsonParser().parse(String(decoding: bytes[range], as: UTF8.self)) == path.resolve(in: value), "\(path)")
    }
  }
}
