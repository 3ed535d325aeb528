import ArgumentParser
import SlateJSON
import SlateSchema

/// `slate validate --schema PACK [--action TYPE] INSTANCE…`: validate JSON documents
/// against a schema pack, one JSON line per instance.
struct ValidateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "validate",
    abstract: "Validate JSON instances against a schema pack.",
    discussion: """
      Prints one line per instance:
        {"file":…,"valid":true|false,"action":…,"errors":[{"code","keyword","instancePath","schemaPath","params","message"}…]}
      plus "warnings" (the coercions applied) when there are any. Without --action, each
      instance is a text action: its type is the pack's discriminator member (default
      "type"), and its key fields must be present. With --action, each instance is the
      payload of that action type as it is (like a tool call's arguments).
      Exit codes: 0 all valid; 1 an instance is invalid (or not JSON); 2 usage or I/O
      errors, an unknown --action, or a pack that does not compile (its code and schema
      path are printed).
      """
  )

  @Option(help: "The schema pack (a JSON document).")
  var schema: String

  @Option(help: "Validate every instance as the payload of this action type.")
  var action: String?

  @Flag(help: "Validate strictly: do not apply the pack's coercions.")
  var noCoerce = false

  @Flag(help: "Report only the first error of each instance.")
  var firstError = false

  @Argument(help: "Instance files, or - for standard input (at least one).")
  var instances: [String]

  func run() throws {
    let pack = try CLIIO.compilePack(schema)
    if let action, pack.declaration(for: action) == nil {
      CLIIO.printError("slate: the pack \(pack.pack.name) has no action \"\(action)\" (it has \(pack.actionTypes.joined(separator: ", ")))")
      throw ExitCode(CLIIO.usageOrIO)
    }
    let options = ValidationOptions(mode: firstError ? .firstError : .allErrors, applyCoercions: !noCoerce)
    let parser = SimdjsonParser()
    var allValid = true
    for path in instances {
      let bytes = try CLIIO.readAll(path)
      var line = JSONLine()
      line.add("file", .string(path))
      let value: JSONValue
      do {
        value = try parser.parse(bytes)
      } catch {
        allValid = false
        var problem = JSONLine()
        problem.add("instancePath", "")
        problem.add("schemaPath", "")
        problem.add("params", .object(JSONObject()))
        problem.add("keyword", "")
        problem.add("code", .string(error.code.rawValue))
        problem.add("message", .string("at byte \(error.offset): \(error.message)"))
        line.add("valid", false)
        line.add("errors", objects: [problem])
        print(line.text)
        continue
      }
      let type: String?
      let errors: [SlateSchema.ValidationError]
      let warnings: [CoercionWarning]
      if let action {
        let result = pack.validate(value, as: action, options: options)!
        (type, errors, warnings) = (action, result.errors, result.warnings)
      } else {
        switch pack.classify(value, metadata: ActionMetadata(bytes: bytes), options: options) {
        case .success(let found): (type, errors, warnings) = (found.type, [], found.warnings)
        case .failure(let rejection): (type, errors, warnings) = (rejection.type, rejection.errors, rejection.warnings)
        }
      }
      allValid = allValid && errors.isEmpty
      line.add("valid", .bool(errors.isEmpty))
      line.add("action", type.map(JSONValue.string) ?? .null)
      line.add("errors", objects: errors.map(JSONLine.init(validationError:)))
      if !warnings.isEmpty { line.add("warnings", objects: warnings.map(JSONLine.init(warning:))) }
      print(line.text)
    }
    if !allValid { throw ExitCode(1) }
  }
}
