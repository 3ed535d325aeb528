import SlateJSON
import Testing

@testable import SlateSchema

/// Number keywords are exact on the decimal value, never rounded through a Double.
@Suite struct NumberTests {
  /// Built from lexemes: simdjson itself refuses numbers beyond a double or a UInt64.
  @Test(arguments: [
    ("minimum", "9007199254740993", "9007199254740992", false),
    ("minimum", "9007199254740993", "9007199254740993", true),
    ("minimum", "9007199254740993", "9007199254740993.0", true),
    ("minimum", "9007199254740993", "9.007199254740993e15", true),
    ("maximum", "0.1", "0.1000000000000000001", false),
    ("maximum", "0.1", "1e-1", true),
    ("exclusiveMaximum", "1e400", "1e399", true),
    ("exclusiveMinimum", "-1e400", "-1e401", false),
    ("minimum", "-0.0", "0", true),
    ("exclusiveMinimum", "0", "-0", false),
    ("exclusiveMinimum", "0", "0.00000000000000000000001", true),
    ("maximum", "12345678901234567890", "12345678901234567891", false),
    ("maximum", "12345678901234567890", "1234567890123456789e1", true),
    ("maximum", "123456789012345678901234567890", "123456789012345678901234567891", false),
    ("multipleOf", "0.01", "0.1", true),
    ("multipleOf", "0.1", "0.3", true),
    ("multipleOf", "0.1", "0.35", false),
    ("multipleOf", "1.5", "-4.5", true),
    ("multipleOf", "0.123456789", "1e308", false),
    ("multipleOf", "1e-8", "12391239123", true),
    ("multipleOf", "1", "1e-1000", false),
    ("multipleOf", "1e20", "10", false),
    ("multipleOf", "1e20", "3e40", true),
    ("multipleOf", "7", "7e1000000", true),
    ("multipleOf", "3", "1e1000000", false),
    ("multipleOf", "9999999999999999999", "19999999999999999998", true),
    ("multipleOf", "9999999999999999999", "19999999999999999999", false),
    ("multipleOf", "0.5", "0", true),
    ("const", "1", "1.00e0", true)
  ])
  func exactKeywords(keyword: String, bound: String, instance: String, valid: Bool) throws {
    let schemaValue = JSONValue.object(JSONObject([JSONMember(key: keyword, value: .number(try #require(JSONNumber(lexeme: bound))))]))
    let result = try CompiledSchema(schema: schemaValue).validate(.number(try #require(JSONNumber(lexeme: instance))))
    #expect(result.isValid == valid, "\(keyword) \(bound) on \(instance): \(result.errors)")
  }

  @Test(arguments: [
    ("integer", "1.0", true), ("integer", "1.5e1", true), ("integer", "15e-1", false), ("integer", "-0.0", true),
    ("integer", "1e400", true), ("integer", "1e-400", false), ("number", "1e-400", true), ("string", "1", false),
  ])
  func integerMeansZeroFraction(type: String, instance: String, valid: Bool) throws {
    let result = try CompiledSchema(schema: ["type": .string(type)]).validate(.number(try #require(JSONNumber(lexeme: instance))))
    #expect(result.isValid == valid, "\(type) on \(instance)")
  }

  @Test func enumComparesNumbersByValue() throws {
    let compiled = try schema(#"{"enum": [1, 2, 3]}"#)
    #expect(compiled.validate(try json("20e-1")).isValid)
    #expect(!compiled.validate(try json("2.5")).isValid)
  }

  @Test func divisorsBeyondNineteenDigitsAreRefused() throws {
    let error = try schemaError(#"{"properties": {"n": {"multipleOf": 0.12345678901234567890123}}}"#)
    #expect(error?.code == "schema.unsupported_value")
    #expect(error?.schemaPath == "/properties/n/multipleOf")
  }

  /// Three-way comparison agrees with Int64 order over many spellings of the same values.
  @Test func comparisonAgreesWithIntegersInEverySpelling() throws {
    func spellings(_ v: Int64) -> [String] {
      let plain = String(v)
      let sign = v < 0 ? "-" : ""
      let digits = String(v.magnitude)
      var out = [plain, plain + ".0", plain + ".000e0", sign + "0." + digits + "e" + String(digits.count)]
      if v != 0 { out.append(plain + "0e-1") }
      if digits.count > 1 { out.append(sign + String(digits.first!) + "." + digits.dropFirst() + "E+" + String(digits.count - 1)) }
      return out
    }
    var generator = SystemRandomNumberGenerator()
    var values: [Int64] = [0, 1, -1, 9, 10, -10, Int64.max, Int64.min + 1, 1 << 53, (1 << 53) + 1]
    for _ in 0..<60 { values.append(Int64.random(in: -1_000_000_000_000...1_000_000_000_000, using: &generator)) }
    for a in values {
      for b in values.prefix(20) {
        let expected = a < b ? -1 : (a == b ? 0 : 1)
        for sa in spellings(a) {
          for sb in spellings(b) {
            let x = try #require(JSONNumber(lexeme: sa))
            let y = try #require(JSONNumber(lexeme: sb))
            let order = DecimalView.with(x) { xv, xb in DecimalView.with(y) { yv, yb in DecimalView.compare(xv, xb, yv, yb) } }
            #expect(order == expected, "\(sa) vs \(sb)")
          }
        }
      }
    }
  }

  /// `multipleOf` agrees with integer remainder for integer operands.
  @Test func multipleOfAgreesWithIntegerRemainder() throws {
    for a in Int64(-60)...60 {
      for d in Int64(1)...13 {
        let divisor = try #require(Divisor(JSONNumber(d)))
        let number = JSONNumber(a * 1000)
        let scaled = try #require(Divisor(JSONNumber(lexeme: "\(d)e3")!))
        let ok = DecimalView.with(JSONNumber(a)) { v, b in v.isMultiple(of: divisor, in: b) }
        let okScaled = DecimalView.with(number) { v, b in v.isMultiple(of: scaled, in: b) }
        #expect(ok == (a % d == 0), "\(a) multipleOf \(d)")
        #expect(okScaled == (a % d == 0), "\(a)e3 multipleOf \(d)e3")
      }
    }
  }
}
