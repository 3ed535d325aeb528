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
  private let entries: [Utf8Key: Entry]

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

  /// Turns one framed value into an action or a rejection.
  ///
  /// 1. The type: ``ActionMetadata/toolName`` for a tool call (the value is the payload),
  ///    else the pack's discriminator member. A schema that declares the discriminator
  ///    member (in its `properties` or `required`, see ``declares(_:schemaAt:in:)``) sees
  ///    it: a text action keeps it, and a tool call's arguments get it (the tool name)
  ///    when they lack it. For any other schema it is removed from a text action.
  /// 2. The payload is validated against the type's schema, with the type's coercions
  ///    when ``ValidationOptions/applyCoercions`` is on.
  /// 3. The key: the declared fields of the validated payload, normalised and hashed
  ///    (see ``IdempotencyKey``); a missing field is a `schema.key_missing` rejection.
  public func classify(_ value: JSONValue, metadata: ActionMetadata = ActionMetadata(),
                       options: ValidationOptions = .default) -> Result<Action, Rejection>
  {
    let actionType: String
    var payload = value
    let found: Entry?
    if let toolName = metadata.toolName {
      actionType = toolName
      found = entries[Utf8Key(actionType)]
    } else {
      let name = pack.discriminator
      guard case .object(let object) = value, case .string(let named)? = Validator.member(name, of: object) else {
        let present = value.objectValue.map { Validator.member(name, of: $0) != nil } ?? false
        let problem = CompiledPack.problem(.missingDiscriminator, present ? JSONPointer(tokens: [name]) : .root,
                                           "a text action must be an object whose \"\(name)\" member is a string naming its type",
                                           metadata)
        return .failure(rejection(nil, value, metadata, [problem]))
      }
      actionType = named
      found = entries[Utf8Key(actionType)]  // looked up once
      if found?.keepsDiscriminator != true {
        var members: [JSONMember] = []
        members.reserveCapacity(object.members.count)
        for member in object.members where !utf8Equal(member.key, name) { members.append(member) }
        payload = .object(JSONObject(members))
      }
    }
    guard let entry = found else {
      let problem = CompiledPack.problem(.unknownAction, .root,
                                         "\"\(actionType)\" is not an action of the pack \(pack.name) \(pack.version)",
                                         metadata)
      return .failure(rejection(actionType, value, metadata, [problem]))
    }
    let declaration = entry.declaration
    if metadata.toolName != nil { payload = withDiscriminator(payload, entry, actionType) }
    var validator = Validator(program: program, options: options, coercions: declaration.coercions,
                              locator: metadata.locator, wholeRange: metadata.textRange,
                              assertFormats: declaration.assertFormats)
    let result = validator.run(entry.node, payload)
    guard result.isValid else { return .failure(rejection(actionType, value, metadata, result.errors, result.warnings)) }

    let key: IdempotencyKey
    if let declared = declaration.key {
      switch declared.key(for: result.value, namespace: declaration.queue) {
      case .success(let found):
        key = found
      case .failure(let missing):
        let problems = missing.pointers.map {
          CompiledPack.problem(.keyMissing, $0, "the key field \($0.description) is missing", metadata)
        }
        return .failure(rejection(actionType, value, metadata, problems, result.warnings))
      }
    } else {
      key = IdempotencyKey(namespace: declaration.queue, content: result.value)
    }
    return .success(Action(type: actionType, payload: result.value, key: key, queue: declaration.queue,
                           effects: declaration.effects, upsert: declaration.upsert,
                           phase: metadata.phase ?? declaration.phase, index: metadata.index,
                           rawOffset: metadata.rawOffset, textRange: metadata.textRange, warnings: result.warnings))
  }

  /// A tool call's arguments as its schema sees them: with the discriminator member (the
  /// type) first when the schema declares it and the arguments lack it.
  private func withDiscriminator(_ payload: JSONValue, _ entry: Entry, _ type: String) -> JSONValue {
    guard entry.keepsDiscriminator, case .object(var object) = payload,
      Validator.member(pack.discriminator, of: object) == nil
    else { return payload }
    object.members.insert(JSONMember(key: pack.discriminator, value: .string(type)), at: 0)
    return .object(object)
  }

  private func rejection(_ actionType: String?, _ value: JSONValue, _ metadata: ActionMetadata,
                         _ errors: [ValidationError], _ warnings: [CoercionWarning] = []) -> Rejection
  {
    let phase = metadata.phase ?? actionType.flatMap { declaration(for: $0)?.phase }
    return Rejection(type: actionType, bytes: metadata.bytes ?? value.canonicalBytes, errors: errors, warnings: warnings,
                     phase: phase, index: metadata.index, rawOffset: metadata.rawOffset, textRange: metadata.textRange)
  }

  /// An error of classification itself (not of a schema keyword): no schema path.
  private static func problem(_ code: ValidationError.Code, _ pointer: JSONPointer, _ message: String,
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
