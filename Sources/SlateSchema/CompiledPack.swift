import SlateJSON

/// A schema pack compiled once into a validator: immutable, `Sendable`, shareable across
/// tasks.
///
/// ``classify(_:metadata:options:)`` is the entry point for the action stream: a framed
/// value (plus what the caller knows about it) becomes an ``Action`` or a ``Rejection``.
/// Complexity per value: one validation walk (see ``Validator``), plus O(key size) to
/// normalise and hash the key.
public struct CompiledPack: Sendable {
  public let pack: SchemaPack
  let program: SchemaProgram
  let entries: [Utf8Key: Entry]

  struct Entry {
    var node: Int
    var declaration: ActionDeclaration
    /// The schema declares the discriminator member: the payload keeps it (see
    /// ``CompiledPack/classify(_:metadata:options:)``).
    var keepsDiscriminator: Bool
  }

  init(pack: SchemaPack) throws(SchemaError) {
    let roots = Set(pack.actions.map(\.schemaPointer.description))
    var compiler = SchemaCompiler(document: pack.document, extensionRoots: roots, resourceRoots: roots,
                                  rootIsSchema: false)
    var entries: [Utf8Key: Entry] = [:]
    for declaration in pack.actions {
      let tokens = declaration.schemaPointer.tokens
      entries[Utf8Key(declaration.type)] = Entry(
        node: compiler.node(at: tokens), declaration: declaration,
        keepsDiscriminator: CompiledPack.declares(pack.discriminator, schemaAt: tokens, in: pack.document))
    }
    if case .object(let defs)? = pack.document["$defs"] {
      for name in defs.keys { _ = compiler.node(at: ["$defs", name]) }
    } else if let defs = pack.document["$defs"] {
      throw .invalidSchema(schemaPath: "/$defs", reason: "$defs must be an object of schemas, not \(defs.typeName)")
    }
    self.program = try compiler.finish()
    self.pack = pack
    self.entries = entries
  }

  /// Parses and compiles a pack document; `defaultName` (the file's stem) names a pack
  /// without `"name"`.
  public init(bytes: [UInt8], defaultName: String? = nil, loadFile: SchemaPack.FileLoader? = nil) throws(SchemaError) {
    try self.init(pack: SchemaPack(bytes: bytes, defaultName: defaultName, loadFile: loadFile))
  }

  /// The keywords (and annotations) the pack's schemas use, sorted; `x-slate-*` aside.
  public var keywordsUsed: [String] {
    var used = Set<String>()
    for path in program.nodePaths {
      guard let pointer = try? JSONPointer(path), case .object(let schema)? = pointer.resolve(in: pack.document) else { continue }
      for key in schema.keys where !key.hasPrefix("x-slate-") { used.insert(key) }
    }
    return used.sorted()
  }

  /// Whether the schema at `tokens` declares `member` in its `properties` or `required`,
  /// directly or through the `$ref`s and `allOf` branches at its root (resolved as the
  /// compiler resolves them: in the action first, then in the pack). Bounded: at most 64
  /// schemas are looked at.
  static func declares(_ member: String, schemaAt tokens: [String], in document: JSONValue) -> Bool {
    var pending = [tokens]
    var seen = Set<[String]>()
    while let next = pending.popLast(), seen.count < 64 {
      guard seen.insert(next).inserted, case .object(let schema)? = JSONPointer(tokens: next).resolve(in: document) else {
        continue
      }
      if schema["properties"]?.objectValue?[member] != nil { return true }
      if schema["required"]?.arrayValue?.contains(where: { $0.stringValue == member }) == true { return true }
      if let ref = schema["$ref"]?.stringValue, let pointer = try? JSONPointer(fragment: ref) {
        let local = tokens + pointer.tokens
        pending.append(JSONPointer(tokens: local).resolve(in: document) != nil ? local : pointer.tokens)
      }
      for i in (schema["allOf"]?.arrayValue ?? []).indices { pending.append(next + ["allOf", String(i)]) }
    }
    return false
  }

  /// The declared action types, in document order.
  public var actionTypes: [String] { pack.actions.map(\.type) }
  /// The queues the pack's actions declare (``ActionDeclaration/queue``), sorted, each once.
  public var queues: [String] { Array(Set(pack.actions.map(\.queue))).sorted() }

  public func declaration(for type: String) -> ActionDeclaration? { entries[Utf8Key(type)]?.declaration }

  /// Validates `payload` as an action of `type`, as a tool call's arguments (the
  /// discriminator is put in only for a schema that declares it; no key). Nil when the
  /// pack has no such type.
  public func validate(_ payload: JSONValue, as type: String, options: ValidationOptions = .default,
                       locator: InstanceLocator? = nil, range: Range<Int>? = nil) -> ValidationResult?
  {
    guard let entry = entries[Utf8Key(type)] else { return nil }
    let payload = withDiscriminator(payload, entry, type)
    var validator = Validator(program: program, options: options, coercions: entry.declaration.coercions,
                              locator: locator, wholeRange: range, assertFormats: entry.declaration.assertFormats)
    return validator.run(entry.node, payload)
  }

  /// Turns one framed value into an action or a rejection (see
  /// ``Classifier/classify(_:metadata:options:)``; a caller that classifies value after
  /// value keeps one ``Classifier`` instead, which reuses its validator).
  public func classify(_ value: JSONValue, metadata: ActionMetadata = ActionMetadata(),
                       options: ValidationOptions = .default) -> Result<Action, Rejection>
  {
    var classifier = Classifier(self)
    return classifier.classify(value, metadata: metadata, options: options)
  }

  /// A tool call's arguments as its schema sees them: with the discriminator member (the
  /// type) first when the schema declares it and the arguments lack it.
  func withDiscriminator(_ payload: JSONValue, _ entry: Entry, _ type: String) -> JSONValue {
    guard entry.keepsDiscriminator, case .object(var object) = payload,
      Validator.member(pack.discriminator, of: object) == nil
    else { return payload }
    object.members.insert(JSONMember(key: pack.discriminator, value: .string(type)), at: 0)
    return .object(object)
  }

  func rejection(_ actionType: String?, _ value: JSONValue, _ metadata: ActionMetadata,
                         _ errors: [ValidationError], _ warnings: [CoercionWarning] = []) -> Rejection
  {
    let phase = metadata.phase ?? actionType.flatMap { declaration(for: $0)?.phase }
    return Rejection(type: actionType, bytes: metadata.bytes ?? value.canonicalBytes, errors: errors, warnings: warnings,
                     phase: phase, index: metadata.index, rawOffset: metadata.rawOffset, textRange: metadata.textRange)
  }

  /// An error of classification itself (not of a schema keyword): no schema path.
  static func problem(_ code: ValidationError.Code, _ pointer: JSONPointer, _ message: String,
                              _ metadata: ActionMetadata) -> ValidationError
  {
    ValidationError(code: code, keyword: "", instancePath: pointer.description, schemaPath: "", message: message,
                    range: metadata.locator?(pointer) ?? metadata.textRange)
  }
}

/// One JSON Schema (not a pack) compiled for validation: the entry point for plain
/// schemas, such as the JSON-Schema-Test-Suite's. `#` refers to this schema; `$id` and
/// `$schema` are allowed at its root.
public struct CompiledSchema: Sendable {
  let program: SchemaProgram
  let root: Int

  public init(schema: JSONValue) throws(SchemaError) {
    var compiler = SchemaCompiler(document: schema)
    root = compiler.node(at: [])
    program = try compiler.finish()
  }

  /// Validates strictly (schemas outside a pack declare no coercions); `format` is
  /// asserted when ``ValidationOptions/assertFormats`` says so.
  public func validate(_ value: JSONValue, options: ValidationOptions = .default, locator: InstanceLocator? = nil,
                       range: Range<Int>? = nil) -> ValidationResult
  {
    var validator = Validator(program: program, options: options, coercions: [], locator: locator, wholeRange: range)
    return validator.run(root, value)
  }
}
