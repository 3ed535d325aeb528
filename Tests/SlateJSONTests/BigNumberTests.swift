import SlateJSON
import Testing

/// RFC 8259 numbers simdjson's DOM cannot hold (an integer beyond 64 bits, a real beyond a
/// double) are parsed all the same, their lexemes kept exactly: the shim parses a copy with
/// same-length placeholders and reads every lexeme from the original bytes.
@Suite struct BigNumberTests {
  static var parser: SimdjsonParser { SimdjsonParser() }

  @Test(arguments: [
    ("{\"quantity\":99999999999999999999999}", "99999999999999999999999", "9.9999999999999999999999e+22"),
    ("[18446744073709551616]", "18446744073709551616", "1.8446744073709551616e+19"),
    ("[-9223372036854775809]", "-9223372036854775809", "-9.223372036854775809e+18"),
    ("[1e400]", "1e400", "1e+400"),
    ("[-1.5E+999]", "-1.5E+999", "-1.5e+999"),
    ("[123456789012345678901234567890.5]", "123456789012345678901234567890.5", "1.234567890123456789012345678905e+29"),
  ])
  func aNumberBeyondSimdjsonIsKeptExactly(text: String, lexeme: String, canonical: String) throws {
    let value = try Self.parser.parse(text)
    let number = try #require((value["quantity"] ?? value[0])?.numberValue)
    #expect(number.lexeme == lexeme)
    #expect(number.canonical == canonical)
    // The canonical form parses back to the same value.
    #expect(try Self.parser.parse(value.canonicalString) == value)
    #expect(Self.parser.validate(PaddedBytes(Array(text.utf8))) == nil)
  }

  @Test func numbersThatFitAreUnchanged() throws {
    let text = "{\"a\":18446744073709551615,\"b\":-9223372036854775808,\"c\":1.7976931348623157e308,\"d\":12345678901234567890}"
    #expect(try Self.parser.parse(text).canonicalString
      == "{\"a\":18446744073709551615,\"b\":-9223372036854775808,\"c\":1.7976931348623157e+308,\"d\":12345678901234567890}")
  }

  @Test func stringsAndStructureAroundBigNumbersAreUntouched() throws {
    let text = #"{"s":"123456789012345678901234567890","t":"a\"1e999","n":[1e999,{"k":-1e999}],"m":"\\","z":2}"#
    let value = try Self.parser.parse(text)
    #expect(value["s"] == "123456789012345678901234567890")
    #expect(value["t"] == "a\"1e999")
    #expect(value["n"]?[0]?.numberValue?.lexeme == "1e999")
    #expect(value["n"]?[1]?["k"]?.numberValue?.lexeme == "-1e999")
    #expect(value["m"] == "\\")
    #expect(value["z"] == 2)
  }

  @Test func aSyntaxErrorBesideABigNumberIsStillReportedWhereItIs() {
    #expect(throws: JSONParseError.self) { try Self.parser.parse("[1e999, tru]") }
    do {
      _ = try Self.parser.parse("[1e999, tru]")
    } catch {
      #expect(error.code == .jsonUnexpectedByte || error.code == .jsonTruncated)
      #expect(error.offset >= 8)
    }
    let locate = Array("[1e999, 1]".utf8).withUnsafeBytes { SimdjsonParser.locateSyntaxError(in: $0) }
    #expect(locate == nil, "a big number is valid JSON for the strict scan too")
  }

  @Test func aBigNumberAtTheDepthLimitParses() throws {
    let parser = SimdjsonParser(limits: JSONLimits(maxDepth: 3))
    let value = try parser.parse("[[[99999999999999999999999]]]")
    #expect(value[0]?[0]?[0]?.numberValue?.lexeme == "99999999999999999999999")
  }
}
