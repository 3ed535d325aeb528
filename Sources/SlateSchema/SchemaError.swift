import SlateJSON

/// Why a schema or a schema pack did not compile.
///
/// Every case has a stable ``code`` (`schema.*`, or `json.*` when the document is not JSON)
/// and the JSON Pointer of the offending location in the schema document
/// (``schemaPath``; `""` is the root). Nothing in a schema is ignored silently: a keyword
/// the compiler does not implement is ``unsupportedKeyword(keyword:schemaPath:)``, never
/// skipped.
public enum SchemaError: Error, Sendable, Equatable, CustomStringConvertible {
  /// `schema.unsupported_keyword`: a keyword outside the supported subset (or `$id` below
  /// the root, an `x-slate-*` extension outside an action's root).
  case unsupportedKeyword(keyword: String, schemaPath: String)
  /// `schema.invalid_schema`: a keyword's value is not what the specification allows, or a
  /// schema is neither an object nor a boolean.
  case invalidSchema(schemaPath: String, reason: String)
  /// `schema.unresolved_ref`: a local `$ref` whose pointer names nothing in the document.
  case unresolvedRef(ref: String, schemaPath: String)
  /// `schema.unsupported_ref`: a `$ref` that is not a local fragment (`#` or `#/…`):
  /// remote documents, `$anchor` names and relative URIs are outside the subset.
  case unsupportedRef(ref: String, schemaPath: String)
  /// `schema.ref_cycle`: `$ref`s and in-place applicators (`allOf`, `anyOf`, `oneOf`, `not`,
  /// `if`/`then`/`else`) that lead back to the same schema without descending into the
  /// instance, which would evaluate forever.
  case refCycle(schemaPath: String)
  /// `schema.invalid_pattern`: a `pattern` that is not an ECMA-262 (Unicode mode) regular
  /// expression; `offset` is the code-point offset in the pattern.
  case invalidPattern(schemaPath: String, offset: Int, reason: String)
  /// `schema.unsupported_pattern`: a valid ECMA-262 construct outside the supported subset
  /// (backreferences, lookaround, …); see ``Pattern``.
  case unsupportedPattern(schemaPath: String, offset: Int, reason: String)
  /// `schema.unsupported_value`: a keyword value the specification allows but this
  /// implementation cannot evaluate exactly (e.g. a `multipleOf` with more than 19
  /// significant digits).
  case unsupportedValue(keyword: String, schemaPath: String, reason: String)
  /// `schema.invalid_extension`: an `x-slate-*` value of the wrong shape.
  case invalidExtension(keyword: String, schemaPath: String, reason: String)
  /// `schema.invalid_pack`: the pack document itself is malformed (no `x-slate-actions`,
  /// an unknown top-level member, …).
  case invalidPack(schemaPath: String, reason: String)
  /// `schema.dialect_mismatch`: a keyword in a draft-07 schema whose meaning differs from
  /// 2020-12's (a 2020-12-only keyword, an assertion beside `$ref`).
  case dialectMismatch(keyword: String, schemaPath: String, reason: String)
  /// `json.*`: the document is not JSON.
  case invalidJSON(JSONParseError)

  public var code: String {
    switch self {
    case .unsupportedKeyword: "schema.unsupported_keyword"
    case .invalidSchema: "schema.invalid_schema"
    case .unresolvedRef: "schema.unresolved_ref"
    case .unsupportedRef: "schema.unsupported_ref"
    case .refCycle: "schema.ref_cycle"
    case .invalidPattern: "schema.invalid_pattern"
    case .unsupportedPattern: "schema.unsupported_pattern"
    case .unsupportedValue: "schema.unsupported_value"
    case .invalidExtension: "schema.invalid_extension"
    case .invalidPack: "schema.invalid_pack"
    case .dialectMismatch: "schema.dialect_mismatch"
    case .invalidJSON(let error): error.code.rawValue
    }
  }

  /// The JSON Pointer of the offending location in the schema document.
  public var schemaPath: String {
    switch self {
    case .unsupportedKeyword(_, let path), .invalidSchema(let path, _), .unresolvedRef(_, let path),
      .unsupportedRef(_, let path), .refCycle(let path), .invalidPattern(let path, _, _),
      .unsupportedPattern(let path, _, _), .unsupportedValue(_, let path, _), .invalidExtension(_, let path, _),
      .invalidPack(let path, _), .dialectMismatch(_, let path, _):
      path
    case .invalidJSON: ""
    }
  }

  public var message: String {
    switch self {
    case .unsupportedKeyword(let keyword, _): "keyword \"\(keyword)\" is not supported"
    case .invalidSchema(_, let reason): reason
    case .unresolvedRef(let ref, _): "$ref \"\(ref)\" names nothing in the document"
    case .unsupportedRef(let ref, _): "$ref \"\(ref)\" is not a local JSON Pointer fragment (\"#\" or \"#/…\")"
    case .refCycle: "$ref and in-place applicators form a cycle that never reaches the instance's children"
    case .invalidPattern(_, let offset, let reason): "invalid regular expression at code point \(offset): \(reason)"
    case .unsupportedPattern(_, let offset, let reason):
      "unsupported regular expression construct at code point \(offset): \(reason)"
    case .unsupportedValue(let keyword, _, let reason): "\(keyword): \(reason)"
    case .invalidExtension(let keyword, _, let reason): "\(keyword): \(reason)"
    case .invalidPack(_, let reason): reason
    case .dialectMismatch(_, _, let reason): reason
    case .invalidJSON(let error): error.message
    }
  }

  /// `CODE at SCHEMA_PATH: MESSAGE` (the path is `#` plus the pointer, so the root shows).
  public var description: String { "\(code) at #\(schemaPath): \(message)" }
}
