import SlateJSON
import Testing

/// Values nested as deep as a configured limit allows work without recursion on the
/// native stack: building from simdjson, canonical writing, equality, hashing, pointer
/// lookups, freeing (``JSONValue/release(_:)``), and the framer. A million levels would
/// overflow any thread's stack if one of these recursed.
@Suite struct DeepValueTests {
  /// What `slate json --max-depth 1000000` and the framer are tested at.
  static let depth = 1_000_000
  /// Deep enough that a recursive equality, hash or pointer walk overflows a thread's stack
  /// (100,000 levels overflowed the recursive canonical writer), shallow enough to be quick.
  static let compareDepth = 200_000

  /// `[[[…]]]` nested `depth` deep, with `inner` in the middle.
  static func nested(_ depth: Int, inner: String = "") -> [UInt8] {
    Array(String(repeating: "[", count: depth).utf8) + Array(inner.utf8) + Array(String(repeating: "]", count: depth).utf8)
  }

  @Test func aMillionNestedArraysParseWriteAndFree() throws {
    let bytes = Self.nested(Self.depth, inner: "{\"b\":1,\"a\":[2.50]}")
    let parser = SimdjsonParser(limits: JSONLimits(maxDepth: Self.depth + 2, maxBytes: bytes.count))
    let value = try parser.parse(bytes)
    #expect(value.canonicalBytes == Self.nested(Self.depth, inner: "{\"a\":[2.5],\"b\":1}"))
    JSONValue.release(consume value)
  }

  @Test func deepValuesCompareHashResolveAndFree() throws {
    let bytes = Self.nested(Self.compareDepth, inner: "{\"b\":1,\"a\":[2.50]}")
    let parser = SimdjsonParser(limits: JSONLimits(maxDepth: Self.compareDepth + 2, maxBytes: bytes.count))
    var value = try parser.parse(bytes)
    var again = try parser.parse(Self.nested(Self.compareDepth, inner: "{\"a\":[2.5],\"b\":1}"))
    #expect(value == again)
    #expect(value.hashValue == again.hashValue)
    var different = try parser.parse(Self.nested(Self.compareDepth, inner: "{\"a\":[2.5],\"b\":2}"))
    #expect(value != different)

    let pointer = try JSONPointer(String(repeating: "/0", count: Self.compareDepth) + "/a/0")
    #expect(pointer.resolve(in: value) == .number(JSONNumber(lexeme: "2.5")!))
    #expect(bytes.withUnsafeBytes { pointer.range(in: $0) }.map { Array(bytes[$0]) } == Array("2.50".utf8))

    JSONValue.release(consume value)
    JSONValue.release(consume again)
    JSONValue.release(consume different)
    value = .null
    again = .null
    different = .null
    #expect(value == again)
  }

  @Test func oneLevelPastTheLimitIsRefused() throws {
    let parser = SimdjsonParser(limits: JSONLimits(maxDepth: Self.depth, maxBytes: 4 << 20))
    #expect(throws: JSONParseError.self) { try parser.parse(Self.nested(Self.depth + 1)) }
    let value = try parser.parse(Self.nested(Self.depth))
    #expect(value.canonicalBytes == Self.nested(Self.depth))
    JSONValue.release(consume value)
  }

  @Test func theFramerFramesAMillionNestedArraysAtItsLimit() {
    let bytes = Self.nested(Self.depth)
    var framer = JSONFramer(framing: .value, limits: FramerLimits(maxDepth: Self.depth, maxValueBytes: bytes.count))
    var events: [FramerEvent] = []
    framer.feed(bytes, into: &events)
    framer.finish(into: &events)
    let values = events.compactMap { if case .value(let value) = $0 { value } else { nil } }
    #expect(values.count == 1)
    #expect(values.first?.range == 0..<bytes.count)
    #expect(!events.contains { if case .diagnostic = $0 { true } else { false } })

    var shallower = JSONFramer(framing: .value, limits: FramerLimits(maxDepth: Self.depth - 1, maxValueBytes: bytes.count))
    var refused: [FramerEvent] = []
    shallower.feed(bytes, into: &refused)
    shallower.finish(into: &refused)
    #expect(!refused.contains { if case .value = $0 { true } else { false } })
    #expect(refused.contains { if case .diagnostic(let d) = $0 { d.code == .jsonDepthExceeded } else { false } })
  }

  @Test func equalityAndHashingStillFollowInstanceEquality() throws {
    let parser = SimdjsonParser()
    let pairs: [(String, String, Bool)] = [
      ("{\"a\":1,\"b\":[1,2]}", "{\"b\":[1.0,2e0],\"a\":10e-1}", true),
      ("{\"a\":1,\"a\":2}", "{\"a\":2}", true),
      ("{\"a\":1}", "{\"a\":1,\"b\":null}", false),
      ("[1,2]", "[2,1]", false),
      ("[[]]", "[{}]", false),
      ("{\"a\":{\"b\":[null]}}", "{\"a\":{\"b\":[null]}}", true),
      ("\"e\\u0301\"", "\"\\u00e9\"", false),
    ]
    for (a, b, equal) in pairs {
      let x = try parser.parse(a)
      let y = try parser.parse(b)
      #expect((x == y) == equal, "\(a) vs \(b)")
      if equal { #expect(x.hashValue == y.hashValue, "\(a) vs \(b)") }
    }
  }
}
