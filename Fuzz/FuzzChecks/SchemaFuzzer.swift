import SlateJSON
import SlateSchema

/// fuzz-schema's input: a schema document, then a NUL byte, then an instance document
/// (NUL cannot occur in JSON text, so it is a clean separator). Without a NUL the one
/// document is both the schema and the instance. A length divisible by 3 validates with
/// a small ``ValidationOptions/maxDepth`` (4), to reach the depth limit.
public struct SchemaFuzzInput {
  public var schema: UnsafeRawBufferPointer
  public var instance: UnsafeRawBufferPointer
  public var options: ValidationOptions

  public init(_ input: UnsafeRawBufferPointer) {
    if let nul = input.firstIndex(of: 0) {
      schema = UnsafeRawBufferPointer(rebasing: input[..<nul])
      instance = UnsafeRawBufferPointer(rebasing: input[(nul + 1)...])
    } else {
      (schema, instance) = (input, input)
    }
    options = input.count % 3 == 0 ? ValidationOptions(maxDepth: 4) : .default
  }

  /// An input for `schema` and `instance`.
  public static func bytes(schema: JSONValue, instance: JSONValue) -> [UInt8] {
    schema.canonicalBytes + [0] + instance.canonicalBytes
  }
}

/// The properties fuzz-schema checks, with its parser and the film pack. Not thread-safe.
///
/// Compiling (as a plain schema, and as a pack) never traps; a refusal is a ``SchemaError``
/// whose code is `schema.*` (`json.*` for text that is not JSON, the one-shot parser's
/// code) and whose path is a JSON Pointer naming a location of the schema document;
/// compiling twice gives the same verdict. For a compiled schema, validation never traps
/// and is deterministic; every error's instance path resolves in the instance and its
/// range is the range given; `isValid == errors.isEmpty`; first-error mode returns exactly
/// the first error of all-errors mode.
///
/// Classifying the instance with the film pack (and with a pack compiled from the input,
/// when it compiles) is deterministic and does not depend on member order: the instance
/// re-serialised canonically (members sorted) gets the same verdict, the same payload and
/// key, or the same errors; a text action classified as a tool call of its type (the
/// discriminator removed, the type given as the tool's name) gets the same payload and key.
public final class SchemaFuzzer {
  let parser = SimdjsonParser()
  let film: CompiledPack

  public init(filmPack: CompiledPack) { film = filmPack }

  public func check(_ input: UnsafeRawBufferPointer) {
    let setup = SchemaFuzzInput(input)
    let instance = try? parser.parse(setup.instance)
    let schemaJSON = Result { () throws(JSONParseError) in try parser.parse(setup.schema) }

    let pack = Result { () throws(SchemaError) in try CompiledPack(bytes: Array(setup.schema)) }
    if case .failure(let error) = schemaJSON {
      guard case .failure(.invalidJSON(let packError)) = pack else { preconditionFailure("a pack compiled from invalid JSON") }
      precondition(packError.code == error.code && packError.offset == error.offset, "the pack reads the JSON otherwise")
    }
    if case .failure(let error) = pack { Self.checkCompileError(error, in: try? schemaJSON.get()) }

    if let schema = try? schemaJSON.get() {
      let compiled = Result { () throws(SchemaError) in try CompiledSchema(schema: schema) }
      let again = Result { () throws(SchemaError) in try CompiledSchema(schema: schema) }
      precondition(compiled.failure == again.failure, "compiling twice gives two verdicts")
      switch compiled {
      case .failure(let error): Self.checkCompileError(error, in: schema)
      case .success(let compiled): if let instance { check(compiled, instance, setup) }
      }
    }
    guard let instance else { return }
    checkClassify(film, instance)
    if case .success(let pack) = pack { checkClassify(pack, instance) }
  }

  /// A compile error's code and path.
  static func checkCompileError(_ error: SchemaError, in schema: JSONValue?) {
    if case .invalidJSON = error { return }
    precondition(error.code.hasPrefix("schema.") && !error.message.isEmpty, "compile error \(error) has no schema code")
    guard let pointer = try? JSONPointer(error.schemaPath) else { preconditionFailure("schema path of \(error) is no pointer") }
    if let schema { precondition(pointer.resolve(in: schema) != nil, "schema path of \(error) names nothing") }
  }

  /// The validation properties for a compiled plain schema.
  private func check(_ schema: CompiledSchema, _ instance: JSONValue, _ setup: SchemaFuzzInput) {
    let range = 0..<setup.instance.count
    let all = schema.validate(instance, options: setup.options, range: range)
    let again = schema.validate(instance, options: setup.options, range: range)
    precondition(all.errors == again.errors && all.value == again.value, "validation is not deterministic")
    precondition(all.isValid == all.errors.isEmpty, "isValid disagrees with the errors")
    var firstOptions = setup.options
    firstOptions.mode = .firstError
    let first = schema.validate(instance, options: firstOptions, range: range)
    precondition(first.errors == Array(all.errors.prefix(1)),
                 "first-error mode gives \(first.errors), all-errors mode begins with \(String(describing: all.errors.first))")
    for error in all.errors {
      guard let pointer = try? JSONPointer(error.instancePath) else { preconditionFailure("\(error): path is no pointer") }
      precondition(pointer.resolve(in: instance) != nil, "\(error): path names nothing in the instance")
      precondition(error.range == range, "\(error): range is not the one given")
      precondition(!error.message.isEmpty && error.code.rawValue.hasPrefix("schema."), "\(error): no code or message")
    }
  }

  /// The classification properties for one pack.
  private func checkClassify(_ pack: CompiledPack, _ value: JSONValue) {
    let result = pack.classify(value)
    precondition(Self.same(result, pack.classify(value)), "classification is not deterministic")
    for error in result.failure?.errors ?? [] {
      precondition((try? JSONPointer(error.instancePath)) != nil, "\(error): path is no pointer")
    }
    guard let reordered = try? parser.parse(value.canonicalBytes) else { preconditionFailure("canonical bytes do not parse") }
    let other = pack.classify(reordered)
    switch (result, other) {
    case (.success(let a), .success(let b)):
      precondition(a.type == b.type && a.key == b.key && a.payload == b.payload, "reordering members changed the action")
    case (.failure(let a), .failure(let b)):
      precondition(a.type == b.type && Set(a.errors.map(Self.identity)) == Set(b.errors.map(Self.identity)),
                   "reordering members changed the rejection")
    default:
      preconditionFailure("reordering members changed the verdict")
    }
    // The same action as a tool call of its type.
    guard case .success(let action) = result, case .object(let object) = value else { return }
    let arguments = JSONValue.object(JSONObject(object.members.filter { !$0.key.utf8.elementsEqual(pack.pack.discriminator.utf8) }))
    guard case .success(let tool) = pack.classify(arguments, metadata: ActionMetadata(toolName: action.type)) else {
      preconditionFailure("a valid text action is rejected as a tool call of its type")
    }
    precondition(tool.key == action.key && tool.payload == action.payload, "the tool call gives another action")
  }

  private static func identity(_ e: ValidationError) -> [String] { [e.code.rawValue, e.instancePath, e.schemaPath] }

  private static func same(_ a: Result<Action, Rejection>, _ b: Result<Action, Rejection>) -> Bool {
    switch (a, b) {
    case (.success(let x), .success(let y)): x == y
    case (.failure(let x), .failure(let y)): x == y
    default: false
    }
  }
}

extension Result {
  var failure: Failure? { if case .failure(let f) = self { f } else { nil } }
}
