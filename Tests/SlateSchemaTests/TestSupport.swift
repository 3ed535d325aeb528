import Foundation
import SlateJSON
import SlateTestSupport

@testable import SlateSchema

/// Parses JSON text (test inputs are written as JSON so that spelling and order matter).
func json(_ text: String) throws -> JSONValue { try SimdjsonParser().parse(text) }

/// Compiles a plain schema written as JSON text.
func schema(_ text: String) throws -> CompiledSchema { try CompiledSchema(schema: json(text)) }

/// Compiles a pack written as JSON text.
func pack(_ text: String) throws -> CompiledPack { try CompiledPack(bytes: Array(text.utf8)) }

/// The compile error of a schema, or nil when it compiles.
func schemaError(_ text: String) throws -> SchemaError? {
  let value = try json(text)
  do {
    _ = try CompiledSchema(schema: value)
    return nil
  } catch {
    return error
  }
}

/// The compile error of a pack, or nil when it compiles.
func packError(_ text: String) -> SchemaError? {
  do {
    _ = try CompiledPack(bytes: Array(text.utf8))
    return nil
  } catch {
    return error
  }
}

/// `Corpus/schemas/film.json`, compiled.
func filmPack() throws -> CompiledPack {
  let url = SharedFixtures.projectRoot.appendingPathComponent("Corpus/schemas/film.json")
  return try CompiledPack(bytes: [UInt8](Data(contentsOf: url)))
}

extension Result {
  var success: Success? { if case .success(let s) = self { s } else { nil } }
  var failure: Failure? { if case .failure(let f) = self { f } else { nil } }
}

/// Runs one suite case's tests in both reporting modes: the failure message of each test
/// that does not give the expected verdict (or, invalid, not exactly one error in
/// first-error mode), and how many tests ran.
func suiteCaseFailures(_ schema: CompiledSchema, _ tests: [JSONValue], _ label: String) -> (tests: Int, failures: [String]) {
  var failures: [String] = []
  for test in tests {
    let data = test["data"] ?? .null
    let expected = test["valid"]?.boolValue ?? false
    let all = schema.validate(data)
    let first = schema.validate(data, options: ValidationOptions(mode: .firstError))
    if !(all.isValid == expected && first.isValid == expected && (expected || first.errors.count == 1)) {
      failures.append("\(label) / «\(test["description"]?.stringValue ?? "?")»: "
        + "expected \(expected), got \(all.isValid) \(all.errors) (first-error mode: \(first.errors.count) errors)")
    }
  }
  return (tests.count, failures)
}
