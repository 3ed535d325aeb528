import SlateJSON

extension CompiledPack {
  /// Classifies value after value with one validator: its tables are taken from the pack
  /// and its stacks allocated once, when the classifier is made, instead of for every
  /// value (``CompiledPack/classify(_:metadata:options:)`` makes a classifier per call).
  /// The results are those of ``CompiledPack/classify(_:metadata:options:)``. Not
  /// `Sendable`: one owner at a time (a turn pipeline keeps one per stream).
  public struct Classifier {
    public let compiled: CompiledPack
    var validator: Validator

    public init(_ compiled: CompiledPack) {
      self.compiled = compiled
      validator = Validator(program: compiled.program, options: .default, coercions: [], locator: nil, wholeRange: nil)
    }

    /// Turns one framed value into an action or a rejection.
    ///
    /// 1. The type: ``ActionMetadata/toolName`` for a tool call (the value is the payload),
    ///    else the pack's discriminator member. A schema that declares the discriminator
    ///    member (in its `properties` or `required`, see ``CompiledPack/declares(_:schemaAt:in:)``) sees
    ///    it: a text action keeps it, and a tool call's arguments get it (the tool name)
    ///    when they lack it. For any other schema it is removed from a text action.
    /// 2. The payload is validated against the type's schema, with the type's coercions
    ///    when ``ValidationOptions/applyCoercions`` is on.
    /// 3. The key: the declared fields of the validated payload, normalised and hashed
    ///    (see ``IdempotencyKey``); a missing field is a `schema.key_missing` rejection.
    public mutating func classify(_ value: JSONValue, metadata: ActionMetadata = ActionMetadata(),
                                  options: ValidationOptions = .default) -> Result<Action, Rejection>
    {
      let actionType: String
      var payload = value
      let found: CompiledPack.Entry?
      if let toolName = metadata.toolName {
        actionType = toolName
        found = compiled.entries[Utf8Key(actionType)]
      } else {
        let name = compiled.pack.discriminator
        guard case .object(let object) = value, case .string(let named)? = Validator.member(name, of: object) else {
          let present = value.objectValue.map { Validator.member(name, of: $0) != nil } ?? false
          let problem = CompiledPack.problem(.missingDiscriminator, present ? JSONPointer(tokens: [name]) : .root,
                                             "a text action must be an object whose \"\(name)\" member is a string naming its type",
                                             metadata)
          return .failure(compiled.rejection(nil, value, metadata, [problem]))
        }
        actionType = named
        found = compiled.entries[Utf8Key(actionType)]  // looked up once
        if found?.keepsDiscriminator != true {
          var members: [JSONMember] = []
          members.reserveCapacity(object.members.count)
          for member in object.members where !codePointsEqual(member.key, name) { members.append(member) }
          payload = .object(JSONObject(members))
        }
      }
      guard let entry = found else {
        let problem = CompiledPack.problem(.unknownAction, .root,
                                           "\"\(actionType)\" is not an action of the pack \(compiled.pack.name) \(compiled.pack.version)",
                                           metadata)
        return .failure(compiled.rejection(actionType, value, metadata, [problem]))
      }
      let declaration = entry.declaration
      if metadata.toolName != nil { payload = compiled.withDiscriminator(payload, entry, actionType) }
      validator.reset(options: options, coercions: declaration.coercions, locator: metadata.locator,
                      wholeRange: metadata.textRange, assertFormats: declaration.assertFormats)
      let result = validator.run(entry.node, payload)
      validator.locator = nil  // the value's locator is not kept past its validation
      guard result.isValid else { return .failure(compiled.rejection(actionType, value, metadata, result.errors, result.warnings)) }

      let key: IdempotencyKey
      if let declared = declaration.key {
        switch declared.key(for: result.value, namespace: declaration.queue) {
        case .success(let found):
          key = found
        case .failure(let missing):
          let problems = missing.pointers.map {
            CompiledPack.problem(.keyMissing, $0, "the key field \($0.description) is missing", metadata)
          }
          return .failure(compiled.rejection(actionType, value, metadata, problems, result.warnings))
        }
      } else {
        key = IdempotencyKey(namespace: declaration.queue, content: result.value)
      }
      return .success(Action(type: actionType, payload: .value(result.value), key: key, queue: declaration.queue,
                             effects: declaration.effects, upsert: declaration.upsert,
                             phase: metadata.phase ?? declaration.phase, index: metadata.index,
                             rawOffset: metadata.rawOffset, textRange: metadata.textRange, warnings: result.warnings))
    }

    /// ``classify(_:metadata:options:)`` for a value kept as simdjson's parse: the same
    /// action or rejection. When the value is its own payload (a text action whose schema
    /// keeps the discriminator, or a tool call's arguments that need no member added), its
    /// schema node is evaluated directly, and it passes with no coercion
    /// (``Validator/passes(_:_:)``) and has every key field, the action holds the document:
    /// validated, keyed and batched without a tree built. Anything else (a rejection, a
    /// coercion, a schema or value the pass does not show) is classified from the built
    /// value, as before. Complexity: the pass's O(nodes reached) plus the key's, then, only
    /// when not shown, the built path's.
    public mutating func classify(document: JSONDocumentCopy, metadata: ActionMetadata = ActionMetadata(),
                                  options: ValidationOptions = .default) -> Result<Action, Rejection>
    {
      let action: Action? = document.withRoot { root in
        let actionType: String
        if let toolName = metadata.toolName {
          actionType = toolName
        } else {
          guard let named = root.isObject ? Validator.member(compiled.pack.discriminator, of: root)?.string : nil else {
            return nil
          }
          actionType = named
        }
        guard let entry = compiled.entries[Utf8Key(actionType)] else { return nil }
        // The payload is the value itself, or a text action's value without its
        // discriminator members; a tool call's arguments that would get one are built.
        let omits = metadata.toolName == nil && !entry.keepsDiscriminator
        if metadata.toolName != nil, entry.keepsDiscriminator, root.isObject,
           Validator.member(compiled.pack.discriminator, of: root) == nil
        {
          return nil
        }
        let discriminator = compiled.pack.discriminator
        var name = discriminator
        return name.withUTF8 { name -> Action? in
          let omitted = omits ? UnsafeRawBufferPointer(name) : nil
          let declaration = entry.declaration
          validator.reset(options: options, coercions: declaration.coercions, locator: nil,
                          wholeRange: metadata.textRange, assertFormats: declaration.assertFormats)
          guard validator.passes(entry.node, root, omitting: omitted) else { return nil }
          let key: IdempotencyKey
          if let declared = declaration.key {
            // A key field under the omitted member would resolve in the document and not in
            // the payload: built.
            if omits, declared.fields.contains(where: { $0.pointer.tokens.first.map { codePointsEqual($0, discriminator) } ?? true }) {
              return nil
            }
            guard case .success(let found) = declared.key(for: root, namespace: declaration.queue) else { return nil }
            key = found
          } else {
            key = IdempotencyKey(namespace: declaration.queue, content: root, omittingRootMembers: omitted)
          }
          return Action(type: actionType, payload: .document(document, omitting: omits ? discriminator : nil), key: key,
                        queue: declaration.queue, effects: declaration.effects, upsert: declaration.upsert,
                        phase: metadata.phase ?? declaration.phase, index: metadata.index,
                        rawOffset: metadata.rawOffset, textRange: metadata.textRange, warnings: [])
        }
      }
      if let action { return .success(action) }
      return classify(document.value, metadata: metadata, options: options)
    }
  }
}
