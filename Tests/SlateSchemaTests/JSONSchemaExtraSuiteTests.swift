import Foundation
import SlateJSON
import SlateTestSupport
import Testing

@testable import SlateSchema

/// JSON-Schema-Test-Suite 2020-12, the keywords beyond the first subset
/// (`../shared/conformance/json-schema/draft2020-12-extra`): `contains`, `minContains`,
/// `maxContains`, `dependentRequired`, `dependentSchemas`, `patternProperties`,
/// `unevaluatedItems`, `unevaluatedProperties` and `format` as an annotation.
///
/// Every case must compile and pass every test in both reporting modes, except the cases
/// that use `$id`, `$anchor` or `$dynamicRef` (outside the subset): those are skipped by
/// name, must be refused as unsupported (never validated wrongly), and are counted.
@Suite struct JSONSchemaExtraSuiteTests {
  static let files: [URL] = SharedFixtures.files(in: "conformance/json-schema/draft2020-12-extra", suffix: ".json") ?? []

  /// Whether a schema uses one of the skipped features, and which.
  static func feature(_ value: JSONValue) -> String? {
    var found: [String] = []
    func walk(_ value: JSONValue) {
      switch value {
      case .object(let object):
        for member in object.members {
          if ["$id", "$anchor", "$dynamicRef", "$dynamicAnchor"].contains(member.key), !found.contains(member.key) {
            found.append(member.key)
          }
          walk(member.value)
        }
      case .array(let items): items.forEach(walk)
      default: break
      }
    }
    walk(value)
    return found.isEmpty ? nil : found.sorted().joined(separator: ", ")
  }

  @Test func suiteIsPresentOrSkipped() {
    if SharedFixtures.shared != nil { #expect(Self.files.count == 9) }
  }

  @Test func everyCasePassesExceptTheNamedSkips() throws {
    let parser = SimdjsonParser()
    var failures: [String] = []
    var skippedCases: [String] = []
    var totals = (cases: 0, tests: 0, passed: 0)
    for url in Self.files {
      let file = url.lastPathComponent
      for testCase in try parser.parse([UInt8](Data(contentsOf: url))).arrayValue ?? [] {
        let description = testCase["description"]?.stringValue ?? "?"
        let schemaValue = testCase["schema"] ?? .null
        totals.cases += 1
        if let feature = Self.feature(schemaValue) {
          skippedCases.append("\(file) «\(description)» (\(feature))")
          if let compiled = try? CompiledSchema(schema: schemaValue) {
            // Compiled despite the feature: it must then still be right.
            for test in testCase["tests"]?.arrayValue ?? [] where compiled.validate(test["data"] ?? .null).isValid
              != (test["valid"]?.boolValue ?? false)
            {
              failures.append("\(file) «\(description)»: compiled with \(feature) and validated wrongly")
            }
          }
          continue
        }
        let schema: CompiledSchema
        do {
          schema = try CompiledSchema(schema: schemaValue)
        } catch {
          failures.append("\(file) «\(description)»: refused: \(error)")
          continue
        }
        let outcome = suiteCaseFailures(schema, testCase["tests"]?.arrayValue ?? [], "\(file) «\(description)»")
        totals.tests += outcome.tests
        totals.passed += outcome.tests - outcome.failures.count
        failures += outcome.failures
      }
    }
    print("json-schema-test-suite extra: \(totals.cases) cases; \(totals.passed)/\(totals.tests) tests pass; "
      + "\(skippedCases.count) cases skipped for $id, $anchor or $dynamicRef:\n  "
      + skippedCases.joined(separator: "\n  "))
    #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    if SharedFixtures.shared != nil {
      #expect(totals.tests > 400)
      #expect(skippedCases.count == Self.expectedSkips, "skipped: \(skippedCases)")
    }
  }

  /// The number of skipped cases (printed by name above); a change is deliberate.
  static let expectedSkips = 2
}

/// `format`: an annotation by default; asserted with `x-slate-format-assert`, checked
/// against the suite's `optional/format` files (copied under `Tests/Conformance/json-schema-format`).
@Suite struct FormatTests {
  static let directory = SharedFixtures.projectRoot.appendingPathComponent("Tests/Conformance/json-schema-format")

  @Test(arguments: Format.allCases)
  func assertedFormatPassesTheSuite(_ format: Format) throws {
    let url = Self.directory.appendingPathComponent(format.rawValue + ".json")
    let suite = try SimdjsonParser().parse([UInt8](Data(contentsOf: url)))
    var failures: [String] = []
    var count = 0
    for testCase in suite.arrayValue ?? [] {
      let schema = try CompiledSchema(schema: testCase["schema"] ?? .null)
      for test in testCase["tests"]?.arrayValue ?? [] {
        count += 1
        let data = test["data"] ?? .null
        let expected = test["valid"]?.boolValue ?? false
        let asserted = schema.validate(data, options: ValidationOptions(assertFormats: true))
        if asserted.isValid != expected {
          failures.append("«\(test["description"]?.stringValue ?? "?")» \(data): expected \(expected)")
        }
        if !asserted.isValid {
          #expect(asserted.errors.map(\.code) == [.format])
          #expect(asserted.errors.first?.params == ["format": .string(format.rawValue)])
        }
        // Without assertion, format is an annotation: everything is valid.
        #expect(schema.validate(data).isValid)
      }
    }
    #expect(count > 20)
    #expect(failures.isEmpty, "\(format.rawValue):\n\(failures.joined(separator: "\n"))")
  }

  @Test func packAndActionTurnAssertionOn() throws {
    let text = """
      {"x-slate-actions": {
        "a": {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"}}},
        "b": {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"}}, "x-slate-format-assert": true}
      }}
      """
    let off = try pack(text)
    #expect(off.classify(try json(#"{"type": "a", "id": "nope"}"#)).success != nil)
    #expect(off.classify(try json(#"{"type": "b", "id": "nope"}"#)).failure?.errors.map(\.code) == [.format])
    #expect(off.classify(try json(#"{"type": "b", "id": "2b1e6a5c-0f5e-4a4e-9d0e-3a6c1b2d4e5f"}"#)).success != nil)
    let on = try pack(text.replacingOccurrences(of: #"{"x-slate-actions""#, with: #"{"x-slate-format-assert": true, "x-slate-actions""#))
    #expect(on.classify(try json(#"{"type": "a", "id": "nope"}"#)).failure?.errors.first?.schemaPath
      == "/x-slate-actions/a/properties/id/format")
    // An unknown format stays an annotation, asserted or not; a non-string value is an error.
    #expect(try schema(#"{"format": "color"}"#).validate(.string("x"), options: ValidationOptions(assertFormats: true)).isValid)
    #expect(try schemaError(#"{"format": 3}"#)?.code == "schema.invalid_schema")
  }
}
