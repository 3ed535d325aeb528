import Foundation
import SlateJSON
import SlateTestSupport
import Testing

@testable import SlateSchema

/// JSON-Schema-Test-Suite, draft 2020-12 (`../shared/conformance/json-schema/draft2020-12`).
///
/// Every case whose schema compiles must pass all of its tests, in both reporting modes;
/// a case whose schema does not compile must be refused as outside the subset
/// (`schema.unsupported_keyword` or `schema.unsupported_ref`), never validated wrongly.
/// The cases the suite's README places inside the subset must compile.
@Suite struct JSONSchemaTestSuiteTests {
  static let files: [URL] = SharedFixtures.files(in: "conformance/json-schema/draft2020-12", suffix: ".json") ?? []

  /// README "Cases that fall outside the subset", except ref.json, listed by the cases
  /// inside; the patternProperties, dependentSchemas and unevaluated* cases it listed are
  /// inside since issue 15.
  static let outside: [String: Set<String>] = [
    "defs.json": ["validate definition against metaschema"],
  ]
  static let refInside: Set<String> = [
    "root pointer ref", "relative pointer ref to object", "relative pointer ref to array", "escaped pointer ref",
    "nested refs", "ref applies alongside sibling keywords", "property named $ref that is not a reference",
    "property named $ref, containing an actual $ref", "$ref to boolean schema true", "$ref to boolean schema false",
    "refs with quote", "naive replacement of $ref with its destination is not correct", "empty tokens in $ref json-pointer",
  ]

  static func mustCompile(file: String, description: String) -> Bool {
    if file == "ref.json" { return refInside.contains(description) }
    return !(outside[file]?.contains(description) ?? false)
  }

  @Test func suiteIsPresentOrSkipped() {
    if SharedFixtures.shared != nil { #expect(Self.files.count == 31) }
  }

  @Test func everyCompiledCasePassesAndTheOthersAreRefused() throws {
    let parser = SimdjsonParser()
    var failures: [String] = []
    var totals = (cases: 0, compiled: 0, tests: 0, passed: 0)
    for url in Self.files {
      let file = url.lastPathComponent
      let suite = try parser.parse([UInt8](Data(contentsOf: url)))
      var counts = (cases: 0, compiled: 0, refused: 0, tests: 0, passed: 0)
      for testCase in suite.arrayValue ?? [] {
        let description = testCase["description"]?.stringValue ?? "?"
        let tests = testCase["tests"]?.arrayValue ?? []
        counts.cases += 1
        let schema: CompiledSchema
        do {
          schema = try CompiledSchema(schema: testCase["schema"] ?? .null)
        } catch {
          counts.refused += 1
          if Self.mustCompile(file: file, description: description) {
            failures.append("\(file) «\(description)»: inside the subset but refused: \(error)")
          } else if error.code != "schema.unsupported_keyword" && error.code != "schema.unsupported_ref" {
            failures.append("\(file) «\(description)»: refused with \(error), not as unsupported")
          }
          continue
        }
        counts.compiled += 1
        let outcome = suiteCaseFailures(schema, tests, "\(file) «\(description)»")
        counts.tests += outcome.tests
        counts.passed += outcome.tests - outcome.failures.count
        failures += outcome.failures
      }
      print("json-schema-test-suite \(file): \(counts.cases) cases, \(counts.compiled) compiled, "
        + "\(counts.refused) refused as unsupported; \(counts.passed)/\(counts.tests) tests pass")
      totals.cases += counts.cases
      totals.compiled += counts.compiled
      totals.tests += counts.tests
      totals.passed += counts.passed
    }
    print("json-schema-test-suite total: \(totals.cases) cases, \(totals.compiled) compiled; "
      + "\(totals.passed)/\(totals.tests) tests pass")
    #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    if SharedFixtures.shared != nil { #expect(totals.tests > 600) }
  }
}
