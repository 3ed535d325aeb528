import SlateJSON

/// A schema pack: the action types one domain's model may emit, each with its JSON Schema
/// and how its actions are identified, queued and dispatched.
///
/// ## Format
///
/// A pack is one JSON document:
///
/// ```json
/// {
///   "name": "studio",
///   "version": "1.2.0",
///   "description": "…",
///   "x-slate-discriminator": "type",
///   "x-slate-coerce": ["enum-case"],
///   "$defs": { "sceneId": { "type": "string", "pattern": "^s[0-9]{1,4}$" } },
///   "x-slate-actions": {
///     "create_scene": {
///       "type": "object",
///       "required": ["scene_id", "title"],
///       "properties": { "scene_id": { "$ref": "#/$defs/sceneId" }, "title": { "type": "string" } },
///       "additionalProperties": false,
///       "x-slate-key": { "fields": ["/scene_id"], "normalize": ["trim", "casefold"] },
///       "x-slate-queue": "scene",
///       "x-slate-effects": [],
///       "x-slate-phase": "scenes",
///       "x-slate-upsert": false,
///       "x-slate-coerce": ["enum-case", "string-to-number"]
///     }
///   }
/// }
/// ```
///
/// Top level (anything else is `schema.unsupported_keyword`):
/// - `$schema`: the 2020-12 URI, ``metaSchemaURI``, or a relative path to
///   `pack.schema.json` (`Corpus/schemas/pack.schema.json`, the pack meta-schema).
/// - `name`, `version` (strings, default the file's stem and `"0"`): a replay bundle
///   records them; `description`, `title`, `$comment` (optional strings).
/// - `x-slate-discriminator` (string, default `"type"`): the member naming the action type
///   in a text action. A schema that declares it (`properties` or `required`) sees it,
///   and a tool call's arguments get it (the tool name); for any other schema it is
///   removed before validation, so one schema serves a text action and a tool call.
/// - `x-slate-format-assert` (boolean, default false): assert `format` (see ``Format``).
/// - `x-slate-tools`: tool definitions imported as actions (see
///   ``init(document:defaultName:loadFile:)``).
/// - `x-slate-coerce` (array of ``Coercion`` names, default `[]`): coercions for every
///   action that does not declare its own list.
/// - `$defs` (object of schemas): shared definitions, referenced as `#/$defs/name`.
///   References are JSON Pointer fragments into this document.
/// - `x-slate-actions` (a non-empty object, unless `x-slate-tools` gives the actions):
///   action type → schema (an object schema: JSON Schema 2020-12, or draft-07 where its
///   keywords mean the same, within the supported subset, see ``SchemaCompiler``), its own
///   schema resource (`#/$defs/X` inside it names its own `$defs` first, then the pack's),
///   which may carry, at its root only:
///   - `x-slate-key`: the fields that identify the entity the action writes. Either an
///     array of JSON Pointers into the payload, or an object `{"fields": [...],
///     "normalize": [...]}` whose fields are pointers or `{"pointer": "/p", "normalize":
///     [...]}`; `normalize` lists ``KeyNormalization`` steps (`trim`, `casefold`, `nfc`) for
///     string values (a field's own list replaces the object's). `"fields": []` declares
///     one action of its queue per scope (a singleton such as the turn's plan). Without
///     `x-slate-key` the whole payload is the key (content-addressed: an identical
///     request is a duplicate). Keys are declared, never guessed.
///   - `x-slate-queue` (string, default: the action type): the dedup queue, also the key's
///     namespace: `scene`, `character`, `set`, `prop`, `poster`, or the pack's own.
///   - `x-slate-effects` (array of unique strings, default `[]`): the side effects the
///     action implies, declared before dispatch: `image`, `video`, `reference`, `poster`,
///     `frame`, or the pack's own.
///   - `x-slate-phase` (string): the phase an action of this type belongs to when the
///     caller does not say (``ActionMetadata/phase`` wins).
///   - `x-slate-upsert` (boolean, default false): whether the same key with a different
///     payload is an update (true) or a conflict (false) for the dispatcher.
///   - `x-slate-coerce` (array of coercion names): replaces the pack's default list.
///   - `x-slate-format-assert` (boolean): replaces the pack's.
///   - `x-slate-description` (string): the description of the action as a tool.
///
/// Queue, effect and phase names are 1–64 characters of `A–Z a–z 0–9 _ . -`.
public struct SchemaPack: Sendable {
  public let name: String
  public let version: String
  public let description: String?
  public let discriminator: String
  /// `x-slate-format-assert` at the top: `format` is asserted in every action that does
  /// not say otherwise.
  public let assertFormats: Bool
  /// The actions in document order.
  public let actions: [ActionDeclaration]
  /// The pack document as parsed.
  public let document: JSONValue

  static let topLevel: Set<String> = [
    "$schema", "name", "version", "description", "title", "$comment", "x-slate-discriminator", "x-slate-coerce",
    "x-slate-format-assert", "x-slate-tools", "$defs", "x-slate-actions",
  ]
  static let actionExtensions: Set<String> = [
    "x-slate-key", "x-slate-queue", "x-slate-effects", "x-slate-phase", "x-slate-upsert", "x-slate-coerce",
    "x-slate-format-assert", "x-slate-description",
  ]

  /// Reads the file a pack's `x-slate-tools` names (a path relative to the pack); nil
  /// when it cannot be read.
  public typealias FileLoader = @Sendable (String) -> [UInt8]?

  /// The `$id` of Slate's pack meta-schema (`Corpus/schemas/pack.schema.json`), which a
  /// pack's `$schema` may name. The `.invalid` domain (RFC 2606) never resolves: an editor
  /// maps the URI to the file in its settings, or the pack names the file by a relative
  /// path ending in `pack.schema.json`.
  public static let metaSchemaURI = "https://slate.invalid/schemas/pack.schema.json"

  /// The name of a pack without `"name"` when the caller knows no file: `pack`.
  public static let defaultName = "pack"

  /// Parses a pack document's JSON bytes. `defaultName` (the file's stem, for a file) is
  /// the name of a pack without `"name"`.
  public init(bytes: [UInt8], defaultName: String? = nil, loadFile: FileLoader? = nil) throws(SchemaError) {
    let document: JSONValue
    do {
      document = try SimdjsonParser(limits: JSONLimits(maxBytes: max(bytes.count, JSONLimits.default.maxBytes)))
        .parse(bytes)
    } catch {
      throw .invalidJSON(error)
    }
    try self.init(document: document, defaultName: defaultName, loadFile: loadFile)
  }

  /// Reads a pack document's declarations (schemas are compiled by ``compile()``).
  ///
  /// `name` defaults to `defaultName` (else ``defaultName``) and `version` to `"0"`.
  ///
  /// `x-slate-tools` imports tool definitions (see ``ToolDefinition/read(_:at:)``) as
  /// actions: each tool becomes the action type of its name, whose schema is its
  /// parameters, with its description as `x-slate-description`, plus the extensions that
  /// `{"source": …, "actions": {"tool": {"x-slate-key": …}}}` gives it. The pack's
  /// ``document`` is then the expanded one (the tools under `x-slate-actions`, no
  /// `x-slate-tools`), and error paths point there. A string source is read with
  /// `loadFile`.
  public init(document: JSONValue, defaultName: String? = nil, loadFile: FileLoader? = nil) throws(SchemaError) {
    guard case .object(var root) = document else { throw .invalidPack(schemaPath: "", reason: "a pack must be an object") }
    for key in root.keys where !SchemaPack.topLevel.contains(key) {
      throw .unsupportedKeyword(keyword: key, schemaPath: JSONPointer(tokens: [key]).description)
    }
    if let tools = root["x-slate-tools"] { root = try SchemaPack.importTools(tools, into: root, loadFile) }
    func string(_ key: String, required: Bool) throws(SchemaError) -> String? {
      guard let value = root[key] else {
        if required { throw .invalidPack(schemaPath: "", reason: "a pack needs \"\(key)\" (a string)") }
        return nil
      }
      guard let text = value.stringValue, !text.isEmpty else {
        throw .invalidPack(schemaPath: "/" + key, reason: "\"\(key)\" must be a non-empty string")
      }
      return text
    }
    if let value = root["$schema"] {
      guard let uri = value.stringValue,
        uri == SchemaCompiler.dialect || uri == SchemaCompiler.dialect + "#" || uri == SchemaPack.metaSchemaURI
          || (!uri.contains("://") && (uri == "pack.schema.json" || uri.hasSuffix("/pack.schema.json")))
      else {
        throw .invalidPack(schemaPath: "/$schema",
                           reason: "$schema must be \"\(SchemaCompiler.dialect)\", \"\(SchemaPack.metaSchemaURI)\" or a relative path to pack.schema.json")
      }
    }
    self.name = try string("name", required: false) ?? defaultName ?? SchemaPack.defaultName
    self.version = try string("version", required: false) ?? "0"
    self.description = try string("description", required: false)
    _ = try string("title", required: false)
    _ = try string("$comment", required: false)
    if let value = root["x-slate-discriminator"] {
      guard let text = value.stringValue, !text.isEmpty else {
        throw .invalidExtension(keyword: "x-slate-discriminator", schemaPath: "/x-slate-discriminator",
                                reason: "must be a non-empty string")
      }
      self.discriminator = text
    } else {
      self.discriminator = "type"
    }
    self.assertFormats = try SchemaPack.flag(root["x-slate-format-assert"], "x-slate-format-assert",
                                             at: "/x-slate-format-assert") ?? false
    let defaultCoercions = try root["x-slate-coerce"].map { (value) throws(SchemaError) in
      try SchemaPack.coercions(value, at: "/x-slate-coerce")
    } ?? []
    guard case .object(let actions)? = root["x-slate-actions"], !actions.isEmpty else {
      // The path names the member when it is there, else the pack (as for "name").
      throw .invalidPack(schemaPath: root["x-slate-actions"] == nil ? "" : "/x-slate-actions",
                         reason: "a pack needs \"x-slate-actions\": a non-empty object of action schemas")
    }
    var declarations: [ActionDeclaration] = []
    for type in actions.keys {
      guard !type.isEmpty else { throw .invalidPack(schemaPath: "/x-slate-actions/", reason: "an action type is empty") }
      declarations.append(try ActionDeclaration(type: type, schema: actions[type]!, defaultCoercions: defaultCoercions,
                                                assertFormats: assertFormats))
    }
    self.actions = declarations
    self.document = .object(root)
  }

  /// Adds the tools of `x-slate-tools` to `x-slate-actions` and removes `x-slate-tools`.
  static func importTools(_ value: JSONValue, into root: JSONObject, _ loadFile: FileLoader?) throws(SchemaError)
    -> JSONObject
  {
    func invalid(_ path: String, _ reason: String) -> SchemaError {
      .invalidExtension(keyword: "x-slate-tools", schemaPath: path, reason: reason)
    }
    var source = value
    var path = "/x-slate-tools"
    var extensions = JSONObject()
    if case .object(let object) = value, let inner = object["source"] {
      for key in object.keys where key != "source" && key != "actions" { throw invalid(path, "unknown member \"\(key)\"") }
      source = inner
      path += "/source"
      if let actions = object["actions"] {
        guard case .object(let map) = actions else { throw invalid("/x-slate-tools/actions", "must be an object: tool → extensions") }
        extensions = map
      }
    }
    if case .string(let file) = source {
      guard let loadFile, let bytes = loadFile(file) else { throw invalid(path, "cannot read the tools file \"\(file)\"") }
      do {
        source = try SimdjsonParser(limits: JSONLimits(maxBytes: max(bytes.count, JSONLimits.default.maxBytes))).parse(bytes)
      } catch {
        throw invalid(path, "\(file) is not JSON: \(error.code.rawValue) at byte \(error.offset): \(error.message)")
      }
    }
    let tools = try ToolDefinition.read(source, at: path)
    var actions = root["x-slate-actions"]?.objectValue ?? JSONObject()
    var names = Set<String>()
    for tool in tools {
      guard actions[tool.name] == nil, names.insert(tool.name).inserted else {
        throw .invalidPack(schemaPath: "/x-slate-actions", reason: "the tool \"\(tool.name)\" is declared twice")
      }
      guard case .object(var schema) = tool.parameters else {
        throw invalid(path, "the parameters of the tool \"\(tool.name)\" must be an object schema")
      }
      if let description = tool.description, schema["x-slate-description"] == nil {
        schema.append(key: "x-slate-description", value: .string(description))
      }
      if let added = extensions[tool.name] {
        guard case .object(let members) = added else {
          throw invalid("/x-slate-tools/actions/" + tool.name, "must be an object of x-slate-* extensions")
        }
        for member in members.members {
          guard SchemaPack.actionExtensions.contains(member.key) else {
            throw .unsupportedKeyword(keyword: member.key,
                                      schemaPath: JSONPointer(tokens: ["x-slate-tools", "actions", tool.name, member.key]).description)
          }
          schema.members.removeAll { $0.key == member.key }
          schema.append(key: member.key, value: member.value)
        }
      }
      actions.append(key: tool.name, value: .object(schema))
    }
    for name in extensions.keys where !names.contains(name) {
      throw invalid("/x-slate-tools/actions/" + name, "names no tool (the tools are \(tools.map(\.name).joined(separator: ", ")))")
    }
    var out = JSONObject(root.members.filter { $0.key != "x-slate-tools" && $0.key != "x-slate-actions" })
    out.append(key: "x-slate-actions", value: .object(actions))
    return out
  }

  /// Compiles every action schema and the shared `$defs` once.
  public func compile() throws(SchemaError) -> CompiledPack { try CompiledPack(pack: self) }

  /// A boolean extension, or nil when absent.
  static func flag(_ value: JSONValue?, _ keyword: String, at path: String) throws(SchemaError) -> Bool? {
    guard let value else { return nil }
    guard case .bool(let flag) = value else { throw .invalidExtension(keyword: keyword, schemaPath: path, reason: "must be a boolean") }
    return flag
  }

  static func coercions(_ value: JSONValue, at path: String) throws(SchemaError) -> CoercionSet {
    guard case .array(let names) = value else {
      throw .invalidExtension(keyword: "x-slate-coerce", schemaPath: path, reason: "must be an array of coercion names")
    }
    var set = CoercionSet()
    for name in names {
      guard let text = name.stringValue, let coercion = Coercion(rawValue: text) else {
        throw .invalidExtension(keyword: "x-slate-coerce", schemaPath: path,
                                reason: "\(name) is not one of \(Coercion.allCases.map(\.rawValue).joined(separator: ", "))")
      }
      set.insert(CoercionSet(coercion))
    }
    return set
  }

  /// 1–64 characters of `A–Z a–z 0–9 _ . -`.
  static func isName(_ text: String) -> Bool {
    !text.isEmpty && text.utf8.count <= 64
      && text.utf8.allSatisfy { c in
        (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x5F || c == 0x2E || c == 0x2D
      }
  }
}

/// What a pack declares about one action type, besides its schema.
public struct ActionDeclaration: Sendable {
  public let type: String
  /// Nil: the whole payload is the key.
  public let key: KeyDeclaration?
  public let queue: String
  public let effects: [String]
  public let phase: String?
  public let upsert: Bool
  public let coercions: CoercionSet
  /// Whether `format` is asserted for this action (`x-slate-format-assert`, the action's or
  /// else the pack's).
  public let assertFormats: Bool
  /// The description a tool definition gives the model: `x-slate-description` (an imported
  /// tool's description), else the schema's root `description`.
  public let toolDescription: String?
  /// Where the schema is in the pack document.
  public var schemaPointer: JSONPointer { JSONPointer(tokens: ["x-slate-actions", type]) }

  init(type: String, schema: JSONValue, defaultCoercions: CoercionSet, assertFormats: Bool) throws(SchemaError) {
    let base = JSONPointer(tokens: ["x-slate-actions", type]).description
    guard case .object(let object) = schema else {
      throw .invalidPack(schemaPath: base, reason: "an action schema must be an object")
    }
    for key in object.keys where key.hasPrefix("x-slate-") && !SchemaPack.actionExtensions.contains(key) {
      throw .unsupportedKeyword(keyword: key, schemaPath: JSONPointer(tokens: ["x-slate-actions", type, key]).description)
    }
    func name(_ keyword: String) throws(SchemaError) -> String? {
      guard let value = object[keyword] else { return nil }
      guard let text = value.stringValue, SchemaPack.isName(text) else {
        throw .invalidExtension(keyword: keyword, schemaPath: base + "/" + keyword,
                                reason: "must be 1–64 characters of A–Z a–z 0–9 _ . -")
      }
      return text
    }
    self.type = type
    self.queue = try name("x-slate-queue") ?? type
    self.phase = try name("x-slate-phase")
    if let value = object["x-slate-effects"] {
      let path = base + "/x-slate-effects"
      guard case .array(let list) = value else {
        throw .invalidExtension(keyword: "x-slate-effects", schemaPath: path, reason: "must be an array of effect names")
      }
      var effects: [String] = []
      for item in list {
        guard let text = item.stringValue, SchemaPack.isName(text) else {
          throw .invalidExtension(keyword: "x-slate-effects", schemaPath: path,
                                  reason: "\(item) is not an effect name (1–64 characters of A–Z a–z 0–9 _ . -)")
        }
        guard !effects.contains(text) else {
          throw .invalidExtension(keyword: "x-slate-effects", schemaPath: path, reason: "lists \"\(text)\" twice")
        }
        effects.append(text)
      }
      self.effects = effects
    } else {
      self.effects = []
    }
    if let value = object["x-slate-description"] {
      guard let text = value.stringValue else {
        throw .invalidExtension(keyword: "x-slate-description", schemaPath: base + "/x-slate-description", reason: "must be a string")
      }
      self.toolDescription = text
    } else {
      self.toolDescription = object["description"]?.stringValue
    }
    self.upsert = try SchemaPack.flag(object["x-slate-upsert"], "x-slate-upsert", at: base + "/x-slate-upsert") ?? false
    self.assertFormats = try SchemaPack.flag(object["x-slate-format-assert"], "x-slate-format-assert",
                                             at: base + "/x-slate-format-assert") ?? assertFormats
    self.coercions = try object["x-slate-coerce"].map { (value) throws(SchemaError) in
      try SchemaPack.coercions(value, at: base + "/x-slate-coerce")
    } ?? defaultCoercions
    self.key = try object["x-slate-key"].map { (value) throws(SchemaError) in
      try KeyDeclaration(value, at: base + "/x-slate-key")
    }
  }
}

/// The fields that identify an action's entity, and how each is normalised.
public struct KeyDeclaration: Sendable, Equatable {
  public struct Field: Sendable, Equatable {
    public var pointer: JSONPointer
    public var normalization: Set<KeyNormalization> { didSet { steps = KeyNormalization.Steps(normalization) } }
    /// ``normalization`` as a bit set, read per key (a `Set`'s lookups hash each step's name).
    private(set) var steps: KeyNormalization.Steps

    public init(pointer: JSONPointer, normalization: Set<KeyNormalization>) {
      self.pointer = pointer
      self.normalization = normalization
      self.steps = KeyNormalization.Steps(normalization)
    }
  }

  public var fields: [Field]

  public init(fields: [Field]) { self.fields = fields }

  init(_ value: JSONValue, at path: String) throws(SchemaError) {
    func invalid(_ reason: String) -> SchemaError { .invalidExtension(keyword: "x-slate-key", schemaPath: path, reason: reason) }
    func steps(_ value: JSONValue?) throws(SchemaError) -> Set<KeyNormalization> {
      guard let value else { return [] }
      guard case .array(let names) = value else { throw invalid("normalize must be an array of trim, casefold, nfc") }
      var out = Set<KeyNormalization>()
      for name in names {
        guard let text = name.stringValue, let step = KeyNormalization(rawValue: text) else {
          throw invalid("\(name) is not a normalisation (trim, casefold, nfc)")
        }
        out.insert(step)
      }
      return out
    }
    func pointer(_ value: JSONValue) throws(SchemaError) -> JSONPointer {
      guard let text = value.stringValue else { throw invalid("\(value) is not a JSON Pointer string") }
      let parsed: JSONPointer
      do {
        parsed = try JSONPointer(text)
      } catch {
        throw invalid("\"\(text)\" is not a JSON Pointer (\(error.code))")
      }
      guard !parsed.tokens.isEmpty else {
        throw invalid("\"\" names the whole payload: omit x-slate-key for a content-addressed key")
      }
      return parsed
    }
    let list: [JSONValue]
    var defaults: Set<KeyNormalization> = []
    switch value {
    case .array(let items):
      list = items
    case .object(let object):
      for key in object.keys where key != "fields" && key != "normalize" { throw invalid("unknown member \"\(key)\"") }
      guard case .array(let items)? = object["fields"] else { throw invalid("needs \"fields\": an array") }
      list = items
      defaults = try steps(object["normalize"])
    default:
      throw invalid("must be an array of JSON Pointers or an object with \"fields\"")
    }
    var fields: [Field] = []
    for item in list {
      if case .object(let field) = item {
        for key in field.keys where key != "pointer" && key != "normalize" { throw invalid("unknown field member \"\(key)\"") }
        guard let p = field["pointer"] else { throw invalid("a field object needs \"pointer\"") }
        let own = field["normalize"]
        fields.append(Field(pointer: try pointer(p), normalization: own == nil ? defaults : try steps(own)))
      } else {
        fields.append(Field(pointer: try pointer(item), normalization: defaults))
      }
    }
    guard Set(fields.map(\.pointer)).count == fields.count else { throw invalid("a field is listed twice") }
    self.fields = fields
  }
}
