import Foundation
import SlateJSON
import Testing

@testable import SlateSchema

/// The validator walks values as deep as its limit allows without recursion on the native
/// stack: every case runs on a thread with a 512 KiB stack, where a recursive walk (a few
/// hundred bytes of stack per level at least) overflows after a few thousand levels.
@Suite struct DeepValidationTests {
  /// What `slate actions --max-depth 1000000` frames.
  static let depth = 1_000_000
  /// Deep enough to overflow a small stack many times over, shallow enough to be quick in
  /// a debug build, for the applicator shapes.
  static let shapeDepth = 20_000

  static func nested(_ depth: Int, open: String = "[", close: String = "]", inner: String = "") -> [UInt8] {
    Array((String(repeating: open, count: depth) + inner + String(repeating: close, count: depth)).utf8)
  }

  /// Runs `body` on a thread with a 512 KiB stack and returns what it returns.
  static func onSmallStack<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
      let thread = Thread { continuation.resume(returning: body()) }
      thread.stackSize = 512 * 1024
      thread.start()
    }
  }

  /// Parses `bytes` (nesting up to `depth`), validates, and frees the value without
  /// recursion (``JSONValue/release(_:)`` on its only reference); the errors.
  static func validate(_ compiled: CompiledSchema, _ bytes: [UInt8], depth: Int, options: ValidationOptions)
    -> Result<[ValidationError], JSONParseError>
  {
    let parser = SimdjsonParser(limits: JSONLimits(maxDepth: depth + 2, maxBytes: bytes.count + 64))
    var value: JSONValue
    do { value = try parser.parse(bytes) } catch { return .failure(error) }
    var result: ValidationResult? = compiled.validate(value, options: options)
    value = .null
    let errors = result!.errors
    let validated = result!.value
    result = nil
    JSONValue.release(validated)
    return .success(errors)
  }

  /// `{"items":{"$ref":"#"}}` over a million nested arrays, framed by the framer at its
  /// limit: each level is two evaluations (the `items` schema, then `#` through `$ref`), so
  /// the innermost array is evaluated at depth 1,999,999, the limit it is validated at.
  @Test func aMillionNestedArraysThroughTheFramerAndARecursiveRef() async throws {
    let compiled = try schema(##"{"items":{"$ref":"#"}}"##)
    let outcome: [ValidationError.Code]? = await Self.onSmallStack {
      let bytes = Self.nested(Self.depth)
      var framer = JSONFramer(framing: .value, limits: FramerLimits(maxDepth: Self.depth, maxValueBytes: bytes.count))
      var events: [FramerEvent] = []
      framer.feed(bytes, into: &events)
      framer.finish(into: &events)
      guard events.count == 1, case .value(let framed) = events[0] else { return nil }
      let text = framed.bytes.withUnsafeBytes { Array($0) }
      events = []
      guard case .success(let errors) = Self.validate(compiled, text, depth: Self.depth,
                                                      options: ValidationOptions(maxDepth: 1_999_999))
      else { return nil }
      return errors.map(\.code)
    }
    #expect(outcome == [])
  }

  /// The limit counts evaluations exactly: at `2 × levels - 1` the innermost array is
  /// evaluated, one below it is a clean depth error, in both modes.
  @Test func theEvaluationLimitIsExactAtDepth() async throws {
    let compiled = try schema(##"{"items":{"$ref":"#"}}"##)
    let depth = Self.shapeDepth
    let outcome: [[ValidationError.Code]] = await Self.onSmallStack {
      [(2 * depth - 1, ValidationOptions.Mode.allErrors), (2 * depth - 2, .allErrors), (2 * depth - 2, .firstError)]
        .map { limit, mode in
          let options = ValidationOptions(mode: mode, maxDepth: limit)
          guard case .success(let errors) = Self.validate(compiled, Self.nested(depth), depth: depth, options: options)
          else { return [.falseSchema] }
          return errors.map(\.code)
        }
    }
    #expect(outcome == [[], [.depthExceeded], [.depthExceeded]])
  }

  /// An error at the bottom of a deep value has the full instance path, in both modes.
  @Test func anErrorAtTheBottomHasItsFullPath() async throws {
    let compiled = try schema(##"{"type":"array","items":{"$ref":"#"}}"##)
    let depth = Self.shapeDepth
    let outcome: [[String]] = await Self.onSmallStack {
      [ValidationOptions.Mode.allErrors, .firstError].map { mode in
        let bytes = Self.nested(depth, inner: "\"x\"")
        let options = ValidationOptions(mode: mode, maxDepth: 10_000_000)
        guard case .success(let errors) = Self.validate(compiled, bytes, depth: depth, options: options) else { return [] }
        return errors.map { "\($0.code.rawValue) \($0.instancePath == String(repeating: "/0", count: depth))" }
      }
    }
    #expect(outcome == [["schema.type true"], ["schema.type true"]])
  }

  /// Each applicator at depth: trials (`anyOf`, `oneOf`, `not`, `if`, `contains`), values
  /// threaded through `allOf` and `then`, the annotation passes of `unevaluated*`,
  /// `dependentSchemas`, and objects as well as arrays. A valid bottom and an invalid one.
  @Test(arguments: [
    (##"{"anyOf":[{"type":"integer"},{"items":{"$ref":"#"}}]}"##, "[", "]", "1", "true", true),
    (##"{"anyOf":[{"type":"integer"},{"type":"array","items":{"$ref":"#"}}]}"##, "[", "]", "1", "\"x\"", false),
    (##"{"oneOf":[{"type":"integer"},{"type":"array","items":{"$ref":"#"}}]}"##, "[", "]", "1", "null", false),
    (##"{"not":{"type":"string"},"allOf":[{"items":{"$ref":"#"}}]}"##, "[", "]", "1", "\"x\"", false),
    (##"{"if":{"type":"array"},"then":{"items":{"$ref":"#"}},"else":{"type":"integer"}}"##, "[", "]", "1", "2.5", false),
    (##"{"anyOf":[{"type":"integer"},{"contains":{"$ref":"#"}}]}"##, "[", "]", "1", "[]", false),
    (##"{"prefixItems":[{"$ref":"#"}],"unevaluatedItems":false}"##, "[", "]", "1", "[1,2]", false),
    (##"{"properties":{"a":{"$ref":"#"}},"unevaluatedProperties":false}"##, "{\"a\":", "}", "{}", "{\"b\":1}", false),
    (##"{"dependentSchemas":{"a":{"properties":{"a":{"$ref":"#"}}}},"required":["a"]}"##, "{\"a\":", "}", "{\"a\":1}", "{}", false),
    (##"{"$defs":{"n":{"properties":{"a":{"$ref":"#/$defs/n"}},"additionalProperties":false}},"$ref":"#/$defs/n"}"##,
     "{\"a\":", "}", "{}", "{\"b\":1}", false),
  ] as [(String, String, String, String, String, Bool)])
  func applicatorsAtDepth(schemaText: String, open: String, close: String, good: String, bad: String,
                          badIsValid: Bool) async throws
  {
    let compiled = try schema(schemaText)
    let depth = Self.shapeDepth
    let outcome: [Bool?] = await Self.onSmallStack {
      [good, bad].map { inner in
        let options = ValidationOptions(maxDepth: 10_000_000)
        let bytes = Self.nested(depth, open: open, close: close, inner: inner)
        guard case .success(let errors) = Self.validate(compiled, bytes, depth: depth + 1, options: options) else { return nil }
        return errors.isEmpty
      }
    }
    #expect(outcome == [true, badIsValid], "\(schemaText)")
  }

  /// An error at every level (here 2,000 of them, each with its own path: the output is
  /// quadratic in the depth, so this one stays shallower) in the order the recursive walk
  /// gave: the innermost `required` first, then `unevaluatedProperties` on the way out.
  @Test func shallowAndDeepGiveTheSameErrors() async throws {
    let compiled = try schema(##"{"properties":{"a":{"$ref":"#"}},"required":["a"],"unevaluatedProperties":false}"##)
    let outcome: [[String]] = await Self.onSmallStack {
      [3, 2_000].map { depth in
        let bytes = Self.nested(depth, open: "{\"a\":", close: ",\"b\":2}", inner: "{}")
        guard case .success(let errors) = Self.validate(compiled, bytes, depth: depth + 1, options: ValidationOptions(maxDepth: 10_000_000))
        else { return [] }
        return errors.map { "\($0.code.rawValue) \($0.instancePath.count / 2)" }
      }
    }
    // Every level has the extra member "b" (unevaluatedProperties at that level) and the
    // innermost object lacks "a".
    #expect(outcome[0] == ["schema.required 3", "schema.unevaluated_properties 2", "schema.unevaluated_properties 1",
                           "schema.unevaluated_properties 0"], "\(outcome[0])")
    #expect(outcome[1].count == 2_001 && outcome[1].first == "schema.required 2000"
      && outcome[1].last == "schema.unevaluated_properties 0")
  }
}
