import SlateCore
import Testing

@testable import SlateJSON

@Suite struct CanonicalTests {
  let parser = SimdjsonParser()

  func canonical(_ text: String) throws -> String { try parser.parse(text).canonicalString }

  @Test func keysSortByUTF16CodeUnitsAndWhitespaceGoes() throws {
    #expect(try canonical(#"{ "b" : 1 , "a" : [ 1 , { "d":1, "c":2 } ] }"#) == #"{"a":[1,{"c":2,"d":1}],"b":1}"#)
    // RFC 8785 §3.2.3: U+1D11E (surrogates D834 DD1E) sorts before U+FB33 in UTF-16 order
    // although it comes after it in code-point order.
    #expect(try canonical(#"{"\ufb33":1,"\ud834\udd1e":2}"#) == "{\"\u{1D11E}\":2,\"\u{FB33}\":1}")
    #expect(try canonical(#"{"10":1,"1":2,"":3}"#) == #"{"":3,"1":2,"10":1}"#)
  }

  @Test func duplicateKeysCollapseToTheLastOccurrence() throws {
    #expect(try canonical(#"{"a":1,"b":2,"a":3}"#) == #"{"a":3,"b":2}"#)
  }

  /// The members' order and deduplication against their definition, on seeded objects
  /// whose keys mix ASCII, two- and three-byte scalars, U+E000–U+FFFF and supplementary
  /// scalars (where UTF-8 and UTF-16 orders differ), with duplicates, sorted or not: the
  /// distinct keys (last occurrence winning) in UTF-16 code-unit order.
  @Test func membersSortByUTF16WhateverTheScalarsAndDuplicates() {
    let alphabet: [Unicode.Scalar] = ["a", "b", "Z", "\u{E9}", "\u{3042}", "\u{D7FF}", "\u{E000}", "\u{FB33}",
                                      "\u{FFFD}", "\u{10000}", "\u{1D11E}", "\u{10FFFF}"]
    var random = SplitMix64(seed: 8785)
    for round in 0..<500 {
      var members: [JSONMember] = []
      for k in 0..<random.within(0...12) {
        var key = ""
        for _ in 0..<random.within(0...3) { key.unicodeScalars.append(random.pick(alphabet)) }
        members.append(JSONMember(key: key, value: .number(JSONNumber(k))))
      }
      if round % 3 == 0 { members.sort { $0.key.utf16.lexicographicallyPrecedes($1.key.utf16) } }
      var expected: [JSONMember] = []
      for member in members.reversed() where !expected.contains(where: { $0.key.utf8.elementsEqual(member.key.utf8) }) {
        expected.append(member)
      }
      expected.sort { $0.key.utf16.lexicographicallyPrecedes($1.key.utf16) }
      let sorted = JSONObject(members).sortedDistinctMembers
      #expect(sorted.map(\.key) == expected.map(\.key), "round \(round)")
      #expect(sorted.map(\.value) == expected.map(\.value), "round \(round): the last occurrence wins")
    }
  }

  @Test(arguments: [
    ("0", "0"), ("1", "1"), ("-1", "-1"), ("-123456789012345678", "-123456789012345678"),
    ("1234567890123456789", "1234567890123456789"), ("1.0", "1"), ("1.50", "1.5"), ("1e2", "100"), ("1E+2", "100"),
    ("-0", "0"), ("0.0", "0"), ("-0e10", "0"), ("0.000001", "0.000001"), ("0.0000001", "1e-7"),
    ("123e-2", "1.23"), ("1e21", "1e+21"), ("1e20", "1e+20"), ("1e18", "1000000000000000000"),
    // Integers beyond 64 bits take the exponent form, which simdjson reads back (as a double).
    ("18446744073709551615", "18446744073709551615"), ("18446744073709551616", "1.8446744073709551616e+19"),
    ("1.8446744073709551615e19", "18446744073709551615"), ("9993e16", "9.993e+19"),
    ("-9223372036854775808", "-9223372036854775808"), ("-9223372036854775809", "-9.223372036854775809e+18"),
    ("-92233720368547758080", "-9.223372036854775808e+19"),
    ("12345678901234567890123", "1.2345678901234567890123e+22"),
    ("12345678901234567890", "12345678901234567890"), ("9007199254740993", "9007199254740993"),
    ("0.1e1", "1"), ("100e-2", "1"), ("-1.25e-8", "-1.25e-8"), ("1e400", "1e+400"),
  ])
  func numbersAreExactAndNormalised(lexeme: String, expected: String) throws {
    let n = try #require(JSONNumber(lexeme: lexeme))
    #expect(n.canonical == expected)
    #expect(n.lexeme == lexeme)
  }

  @Test func numberEqualityIsByExactValue() throws {
    func n(_ s: String) -> JSONNumber { JSONNumber(lexeme: s)! }
    #expect(n("1") == n("1.0"))
    #expect(n("1") == n("10e-1"))
    #expect(n("9007199254740993") != n("9007199254740992"))  // equal as Doubles
    #expect(n("-0") == n("0"))
    #expect(Set([n("1"), n("1.00"), n("1e0")]).count == 1)
    #expect(n("1e2").int64Value == 100)
    #expect(n("1.5").int64Value == nil)
    #expect(n("9223372036854775807").int64Value == .max)
    #expect(n("-9223372036854775808").int64Value == .min)
    #expect(n("9223372036854775808").int64Value == nil)
    #expect(n("2.50").doubleValue == 2.5)
    #expect(JSONNumber(lexeme: "01") == nil)
    #expect(JSONNumber(lexeme: "1.") == nil)
    #expect(JSONNumber(lexeme: "+1") == nil)
  }

  @Test func stringsEscapeOnlyWhatMustBeEscaped() throws {
    #expect(try canonical(#""a\"b\\c\/d\b\f\n\r\t\u0000\u001f\u007f\u00e9\u2028""#)
      == "\"a\\\"b\\\\c/d\\b\\f\\n\\r\\t\\u0000\\u001f\u{7F}é\u{2028}\"")
  }

  @Test func roundTripsAndIsStable() throws {
    let text = #"{"z":[1.0,true,null,{"y":"\u00e9","x":[]}],"a":{},"m":-12.500e3}"#
    let once = try parser.parse(text)
    let twice = try parser.parse(once.canonicalBytes)
    #expect(once == twice)
    #expect(once.canonicalBytes == twice.canonicalBytes)
    #expect(once.canonicalString == #"{"a":{},"m":-12500,"z":[1,true,null,{"x":[],"y":"é"}]}"#)
  }

  @Test func equalityIsByCodePointsAndIgnoresMemberOrder() throws {
    let nfc = JSONValue.string("\u{E9}")
    let nfd = JSONValue.string("e\u{301}")
    #expect(nfc != nfd)  // Swift's String == would call these equal
    #expect(Set([nfc, nfd]).count == 2)
    let a = try parser.parse(#"{"a":1,"b":[1,2]}"#)
    let b = try parser.parse(#"{"b":[1.0,2],"a":1}"#)
    #expect(a == b)
    #expect(a.hashValue == b.hashValue)
    #expect(try parser.parse("[1,2]") != parser.parse("[2,1]"))
  }
}
