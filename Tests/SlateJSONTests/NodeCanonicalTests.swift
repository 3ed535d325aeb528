import Foundation
import SlateCore
import SlateTestSupport
import Testing

@testable import SlateJSON

/// The canonical bytes of a value read in place (``CanonicalWriter/write(_:into:)-(JSONNode,_)``)
/// are those of its built value (``JSONValue/canonicalBytes``): on seeded values spelled with
/// random whitespace and escapes, their members shuffled and repeated (the last standing),
/// objects past the 32-member insertion sort, keys whose UTF-8 and UTF-16 orders differ,
/// values nested past any native stack, every JSONTestSuite y_ case, live and copied documents.
@Suite struct NodeCanonicalTests {
  /// The node's canonical bytes, with the writer `writer` (reused across values).
  static func written(_ node: JSONNode, _ writer: inout CanonicalWriter) -> [UInt8] {
    var out: [UInt8] = []
    writer.write(node, into: &out)
    return out
  }

  @Test func agreesWithTheBuiltValuesBytes() throws {
    let parser = SimdjsonParser()
    var variants = NodeEqualityTests.Variants(random: RandomJSON(seed: 0xCA_70))
    var writer = CanonicalWriter()
    var reordered = 0
    for round in 0..<2_000 {
      var value: JSONValue
      switch round % 40 {
      case 0: value = NodeEqualityTests.nested(60, leaf: variants.random.value(depth: 2))
      case 1: value = NodeEqualityTests.wide(45)
      default: value = variants.random.value(depth: 4)
      }
      value = variants.equalVariant(value)  // members shuffled, now and then a name repeated
      var text: [UInt8] = []
      variants.random.write(value, into: &text)
      let node = try parser.parseDocument(text).root
      let expected = node.value.canonicalBytes
      let bytes = Self.written(node, &writer)
      #expect(bytes == expected, "\(String(decoding: text, as: UTF8.self))")
      #expect(node.canonicalBytes == expected)
      if bytes != Array(text) { reordered += 1 }
    }
    #expect(reordered > 1_000)  // the orders and spellings differ from the input's, often
  }

  /// Objects of 33–60 members in random order, names repeated: the sorted path.
  @Test func wideShuffledObjectsWithRepeatedNames() throws {
    let parser = SimdjsonParser()
    var random = RandomJSON(seed: 0x31DE)
    var writer = CanonicalWriter()
    for _ in 0..<200 {
      let count = random.int(33...60)
      var members = (0..<count).map { _ in JSONMember(key: "k\(random.int(0...40))", value: .number(JSONNumber(random.int(0...9)))) }
      members.shuffle(using: &random.rng)
      let value = JSONValue.object(JSONObject(members))
      let node = try parser.parseDocument(Array(Self.spelled(members).utf8)).root
      #expect(Self.written(node, &writer) == value.canonicalBytes)
    }
  }

  /// `members` as object text in their order (canonical bytes would sort them).
  static func spelled(_ members: [JSONMember]) -> String {
    "{" + members.map { "\(JSONValue.string($0.key).canonicalString):\($0.value.canonicalString)" }.joined(separator: ",") + "}"
  }

  /// U+FF5E sorts after U+1F600 by UTF-8 bytes (EF vs F0) but before it by UTF-16 code
  /// units (FF5E vs D83D): the order is UTF-16's.
  @Test func keysAreOrderedByUTF16CodeUnits() throws {
    let parser = SimdjsonParser()
    let text = #"{"😀":1,"～":2,"a":3,"\uE000":4,"é":5}"#
    let node = try parser.parseDocument(Array(text.utf8)).root
    var writer = CanonicalWriter()
    let bytes = Self.written(node, &writer)
    #expect(bytes == node.value.canonicalBytes)
    #expect(String(decoding: bytes, as: UTF8.self) == #"{"a":3,"é":5,"😀":1,"\#u{E000}":4,"～":2}"#)
  }

  /// Numbers written as they stand when the lexeme is its own canonical form (an integer of
  /// 1 to 18 digits, no leading zero, not `-0`), worked out otherwise: each spelling gives
  /// the bytes the built value gives, and the expected ones.
  @Test func numbersAreWrittenAsTheValueWritesThem() throws {
    let parser = SimdjsonParser()
    let cases: [(String, String)] = [
      ("0", "0"), ("-0", "0"), ("7", "7"), ("-12", "-12"), ("123456789012345678", "123456789012345678"),
      ("-123456789012345678", "-123456789012345678"), ("1234567890123456789", "1234567890123456789"),
      ("18446744073709551615", "18446744073709551615"), ("1.0", "1"), ("1e2", "100"), ("-0.0", "0"), ("10e-1", "1"),
      ("0.5", "0.5"),
    ]
    for (lexeme, canonical) in cases {
      let node = try parser.parseDocument(Array("[\(lexeme)]".utf8)).root
      var writer = CanonicalWriter()
      let bytes = Self.written(node, &writer)
      #expect(bytes == node.value.canonicalBytes, "\(lexeme)")
      #expect(String(decoding: bytes, as: UTF8.self) == "[\(canonical)]", "\(lexeme)")
    }
  }

  /// 200,000 levels: no native recursion.
  @Test func anyDepth() throws {
    let depth = 200_000
    let text = Array((String(repeating: #"{"a":["#, count: depth) + "1" + String(repeating: "]}", count: depth)).utf8)
    let parser = SimdjsonParser(limits: JSONLimits(maxDepth: 2 * depth + 1))
    let node = try parser.parseDocument(text).root
    var writer = CanonicalWriter()
    #expect(Self.written(node, &writer) == text)
  }

  @Test func everyYCaseLiveAndCopied() throws {
    let parser = SimdjsonParser()
    var writer = CanonicalWriter()
    var failures: [String] = []
    var compared = 0
    for url in JSONTestSuiteTests.cases where url.lastPathComponent.hasPrefix("y_") {
      let bytes = try [UInt8](Data(contentsOf: url))
      let expected = try parser.parse(bytes).canonicalBytes
      let document = try parser.parseDocument(bytes)
      let copy = document.copy()
      if Self.written(document.root, &writer) != expected { failures.append("\(url.lastPathComponent): live") }
      _ = try parser.parseDocument(Array("[0]".utf8))  // the live document is gone; the copy stays
      if copy.withRoot({ Self.written($0, &writer) }) != expected { failures.append("\(url.lastPathComponent): copy") }
      compared += 1
    }
    #expect(failures.isEmpty, "\(failures)")
    if SharedFixtures.shared != nil { #expect(compared > 90) }
  }
}
