import SlateJSON

/// One reason a value failed validation, shaped as ajv and jsonschema-rs report them.
///
/// - ``instancePath``: JSON Pointer (RFC 6901) of the offending part of the value (`""` is
///   the value itself);
/// - ``schemaPath``: JSON Pointer of the failing keyword in the schema document, ending in
///   the keyword (`/x-slate-actions/create_scene/properties/duration/minimum`); through a
///   `$ref` it names the keyword where it is written (the absolute keyword location);
/// - ``keyword`` and a stable ``code`` (`schema.required`, `schema.type`, …);
/// - ``params``: what ajv gives in `params` for the keyword (`missingProperty`,
///   `additionalProperty`, `limit`, `allowedValues`, …), an object;
/// - ``range``: the byte range of the offending part in the caller's coordinates (see
///   ``ActionMetadata/locator``), or the whole value's range, or nil when unknown.
public struct ValidationError: Error, Sendable, Hashable, CustomStringConvertible {
  public var code: Code
  public var keyword: String
  public var instancePath: String
  public var schemaPath: String
  public var message: String
  public var params: JSONValue
  public var range: Range<Int>?

  public init(code: Code, keyword: String, instancePath: String, schemaPath: String, message: String,
              params: JSONValue = .object(JSONObject()), range: Range<Int>? = nil)
  {
    self.code = code
    self.keyword = keyword
    self.instancePath = instancePath
    self.schemaPath = schemaPath
    self.message = message
    self.params = params
    self.range = range
  }

  /// `CODE at INSTANCE_PATH (SCHEMA_PATH): MESSAGE`.
  public var description: String { "\(code.rawValue) at \"\(instancePath)\" (#\(schemaPath)): \(message)" }

  /// The stable codes of validation failures.
  public enum Code: String, Sendable, CaseIterable, Hashable {
    case type = "schema.type"
    case enumeration = "schema.enum"
    case const = "schema.const"
    case falseSchema = "schema.false_schema"
    case required = "schema.required"
    case additionalProperties = "schema.additional_properties"
    case propertyNames = "schema.property_names"
    case minProperties = "schema.min_properties"
    case maxProperties = "schema.max_properties"
    case items = "schema.items"
    case minItems = "schema.min_items"
    case maxItems = "schema.max_items"
    case uniqueItems = "schema.unique_items"
    case minLength = "schema.min_length"
    case maxLength = "schema.max_length"
    case pattern = "schema.pattern"
    case minimum = "schema.minimum"
    case maximum = "schema.maximum"
    case exclusiveMinimum = "schema.exclusive_minimum"
    case exclusiveMaximum = "schema.exclusive_maximum"
    case multipleOf = "schema.multiple_of"
    case anyOf = "schema.any_of"
    case oneOf = "schema.one_of"
    case not = "schema.not"
    case dependentRequired = "schema.dependent_required"
    case contains = "schema.contains"
    case minContains = "schema.min_contains"
    case maxContains = "schema.max_contains"
    case format = "schema.format"
    case unevaluatedProperties = "schema.unevaluated_properties"
    case unevaluatedItems = "schema.unevaluated_items"
    /// The value (or the chain of in-place applicators) nests deeper than
    /// ``ValidationOptions/maxDepth``.
    case depthExceeded = "schema.depth_exceeded"
    /// A text action without its discriminator member (or with a non-string one).
    case missingDiscriminator = "schema.missing_discriminator"
    /// A type the pack does not declare.
    case unknownAction = "schema.unknown_action"
    /// A declared key field is absent from the (valid) payload.
    case keyMissing = "schema.key_missing"
  }
}

/// How much a validation reports.
public struct ValidationOptions: Sendable, Equatable {
  public enum Mode: Sendable, Equatable {
    /// Every failure (each keyword once per instance location).
    case allErrors
    /// Stop at the first failure (cheapest for a yes/no answer).
    case firstError
  }

  public var mode: Mode
  /// Apply the coercions a pack declares (``Coercion``); false validates strictly.
  public var applyCoercions: Bool
  /// Deepest evaluation, counted in schema applications along one path: each level of
  /// the instance plus each in-place applicator (`$ref`, `allOf`, …) on the way. Exceeding
  /// it is a `schema.depth_exceeded` error, never a stack overflow: the default fits a
  /// 512 KiB thread stack even in a debug build (about 2 KiB of stack per step there).
  public var maxDepth: Int

  /// Assert `format` (see ``Format``) even where the pack does not ask for it with
  /// `x-slate-format-assert`.
  public var assertFormats: Bool

  public init(mode: Mode = .allErrors, applyCoercions: Bool = true, maxDepth: Int = 128, assertFormats: Bool = false) {
    self.mode = mode
    self.applyCoercions = applyCoercions
    self.maxDepth = maxDepth
    self.assertFormats = assertFormats
  }

  public static let `default` = ValidationOptions()
}
