import SlateJSON
import Testing

@testable import SlateSchema

/// Numbers beyond what simdjson's DOM holds reach the validator from parsed text (not only
/// from lexemes) and are checked by exact decimal comparison.
@Suite struct BigNumberValidationTests {
  @Test(arguments: [
    ("99999999999999999999999", true),
    ("99999999999999999999998", false),  // not a multiple of 3
    ("1e400", false),  // beyond the maximum
    ("-99999999999999999999999", false),  // below the minimum
    ("99999999999999999999999.5", false),  // not an integer
  ])
  func bigIntegersAreValidatedExactly(quantity: String, valid: Bool) throws {
    let compiled = try CompiledSchema(schema: try SimdjsonParser().parse(
      #"{"type":"object","properties":{"quantity":{"type":"integer","minimum":1,"maximum":1e30,"multipleOf":3}}}"#))
    let instance = try SimdjsonParser().parse(#"{"quantity": \#(quantity)}"#)
    let result = compiled.validate(instance)
    #expect(result.isValid == valid, "\(quantity): \(result.errors)")
  }
}
