import SlateJSON

extension CompiledPack {
  /// The `tools` array to send to `provider`: one function tool per action type, in the
  /// pack's order, so that one file is the source of what the model may call and of what
  /// Slate accepts.
  ///
  /// - name: the action type; description: ``ActionDeclaration/toolDescription``;
  /// - parameters: the action schema without its `x-slate-*` members, with the pack's
  ///   shared `$defs` that it references (directly or through each other) copied into its
  ///   own `$defs`, where `#/$defs/X` then resolves as it did in the pack;
  /// - OpenAI (Chat and Responses): `strict: true` where OpenAI's structured-outputs rules
  ///   allow it (see ``allowsStrict(_:)``), else `strict: false`;
  /// - Gemini: one `{"functionDeclarations": [...]}` tool, with `parametersJsonSchema`
  ///   (JSON Schema, not Gemini's OpenAPI subset).
  public func toolDefinitions(for provider: ToolProvider) -> [JSONValue] {
    var tools: [JSONValue] = []
    var declarations: [JSONValue] = []
    for declaration in pack.actions {
      let parameters = toolParameters(declaration)
      var function = JSONObject()
      if provider == .openaiResponses { function.append(key: "type", value: "function") }
      function.append(key: "name", value: .string(declaration.type))
      if let description = declaration.toolDescription { function.append(key: "description", value: .string(description)) }
      switch provider {
      case .openai, .openaiResponses:
        function.append(key: "parameters", value: parameters)
        function.append(key: "strict", value: .bool(CompiledPack.allowsStrict(parameters)))
        tools.append(provider == .openai ? ["type": "function", "function": .object(function)] : .object(function))
      case .anthropic:
        function.append(key: "input_schema", value: parameters)
        tools.append(.object(function))
      case .gemini:
        function.append(key: "parametersJsonSchema", value: parameters)
        declarations.append(.object(function))
      }
    }
    return provider == .gemini ? [["functionDeclarations": .array(declarations)]] : tools
  }

  /// An action's schema as a tool's parameters (see ``toolDefinitions(for:)``).
  public func toolParameters(_ declaration: ActionDeclaration) -> JSONValue {
    guard case .object(let schema)? = declaration.schemaPointer.resolve(in: pack.document) else { return .bool(true) }
    var out = JSONObject(schema.members.filter { !$0.key.hasPrefix("x-slate-") })
    let own = schema["$defs"]?.objectValue ?? JSONObject()
    let shared = pack.document["$defs"]?.objectValue ?? JSONObject()
    var copied = JSONObject()
    var pending = CompiledPack.defsReferenced(by: .object(out))
    while let name = pending.popLast() {
      guard own[name] == nil, copied[name] == nil, let definition = shared[name] else { continue }
      copied.append(key: name, value: definition)
      pending.append(contentsOf: CompiledPack.defsReferenced(by: definition))
    }
    if !copied.isEmpty {
      var defs = own
      for member in copied.members { defs.append(key: member.key, value: member.value) }
      out.members.removeAll { $0.key == "$defs" }
      out.append(key: "$defs", value: .object(defs))
    }
    return .object(out)
  }

  /// The names `X` of every `$ref: "#/$defs/X"` in `value` (iterative walk).
  static func defsReferenced(by value: JSONValue) -> [String] {
    var names: [String] = []
    var stack = [value]
    while let next = stack.popLast() {
      switch next {
      case .object(let object):
        for member in object.members {
          if member.key == "$ref", let ref = member.value.stringValue, let pointer = try? JSONPointer(fragment: ref),
            pointer.tokens.count == 2, pointer.tokens[0] == "$defs"
          {
            names.append(pointer.tokens[1])
          } else {
            stack.append(member.value)
          }
        }
      case .array(let items): stack.append(contentsOf: items)
      default: break
      }
    }
    return names
  }

  /// The keywords OpenAI's structured outputs accept in a strict tool's parameters
  /// (`default` as openai-python's `pydantic_function_tool` sends it under strict).
  static let strictKeywords: Set<String> = [
    "type", "properties", "required", "additionalProperties", "items", "enum", "const", "anyOf", "$ref", "$defs",
    "definitions", "description", "title", "pattern", "format", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "multipleOf", "minItems", "maxItems", "default",
  ]

  /// Whether OpenAI's strict mode (structured outputs) accepts `parameters`: an object at
  /// the root (not an `anyOf`); every object schema with `additionalProperties: false` and
  /// all of its properties in `required`; only ``strictKeywords``. Iterative walk.
  public static func allowsStrict(_ parameters: JSONValue) -> Bool {
    guard case .object(let root) = parameters, root["type"]?.stringValue == "object", root["anyOf"] == nil else {
      return false
    }
    var stack: [JSONValue] = [parameters]
    while let next = stack.popLast() {
      guard case .object(let schema) = next else { return false }  // boolean schemas are not accepted
      for key in schema.keys where !strictKeywords.contains(key) { return false }
      let isObject = schema["type"]?.stringValue == "object"
        || schema["type"]?.arrayValue?.contains("object") == true || schema["properties"] != nil
      if isObject {
        guard schema["additionalProperties"] == .bool(false) else { return false }
        let names = Set(schema["properties"]?.objectValue?.keys ?? [])
        let required = Set((schema["required"]?.arrayValue ?? []).compactMap(\.stringValue))
        guard names == required else { return false }
      }
      for key in ["properties", "$defs", "definitions"] {
        stack.append(contentsOf: (schema[key]?.objectValue?.members ?? []).map(\.value))
      }
      if let items = schema["items"] { stack.append(items) }
      stack.append(contentsOf: schema["anyOf"]?.arrayValue ?? [])
    }
    return true
  }
}
