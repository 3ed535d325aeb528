import SlateJSON

/// The providers whose tool definitions a pack reads (`x-slate-tools`) and writes
/// (``CompiledPack/toolDefinitions(for:)``, `slate pack tools`).
public enum ToolProvider: String, Sendable, CaseIterable {
  /// OpenAI Chat Completions: `{"type":"function","function":{"name","description","parameters","strict"}}`.
  case openai
  /// OpenAI Responses: `{"type":"function","name","description","parameters","strict"}`.
  case openaiResponses = "openai-responses"
  /// Anthropic Messages: `{"name","description","input_schema"}`.
  case anthropic
  /// Gemini: `{"functionDeclarations":[{"name","description","parametersJsonSchema"}]}`.
  case gemini
}

/// One function tool as a provider declares it: its name, description and parameters (a
/// JSON Schema; Gemini's OpenAPI-style `parameters` are translated, see
/// ``init(gemini:at:)``).
public struct ToolDefinition: Sendable, Equatable {
  public var name: String
  public var description: String?
  public var parameters: JSONValue

  public init(name: String, description: String?, parameters: JSONValue) {
    self.name = name
    self.description = description
    self.parameters = parameters
  }

  /// The parameters of a tool that declares none: an object with no properties.
  static let noParameters: JSONValue = ["type": "object", "properties": .object(JSONObject())]

  /// Reads a tools document in any of the shapes providers take: an OpenAI Chat or
  /// Responses `tools` array, an Anthropic `tools` array, a Gemini `tools` array (objects
  /// with `functionDeclarations`), a bare `functionDeclarations` list or object, or a
  /// request body with a `tools` member. Each entry's shape is recognised on its own, so
  /// one array may mix them. A non-function tool (a provider's built-in search, …) is
  /// `schema.invalid_extension`: it declares nothing Slate could validate.
  public static func read(_ value: JSONValue, at path: String) throws(SchemaError) -> [ToolDefinition] {
    func invalid(_ at: String, _ reason: String) -> SchemaError {
      .invalidExtension(keyword: "x-slate-tools", schemaPath: at, reason: reason)
    }
    switch value {
    case .object(let object):
      if let declarations = object["functionDeclarations"] { return try read(declarations, at: path + "/functionDeclarations") }
      if let tools = object["tools"] { return try read(tools, at: path + "/tools") }
      throw invalid(path, "must be a tools array, {\"functionDeclarations\": [...]} or a request with \"tools\"")
    case .array(let entries):
      var tools: [ToolDefinition] = []
      for (i, entry) in entries.enumerated() {
        let at = path + "/" + String(i)
        guard case .object(let tool) = entry else { throw invalid(at, "a tool must be an object") }
        func name(_ object: JSONObject, _ at: String) throws(SchemaError) -> String {
          guard let text = object["name"]?.stringValue, !text.isEmpty else { throw invalid(at, "a tool needs a \"name\"") }
          return text
        }
        let description = { (object: JSONObject) in object["description"]?.stringValue }
        if case .object(let function)? = tool["function"] {  // OpenAI Chat
          tools.append(ToolDefinition(name: try name(function, at + "/function"), description: description(function),
                                      parameters: function["parameters"] ?? noParameters))
        } else if let schema = tool["input_schema"] {  // Anthropic
          tools.append(ToolDefinition(name: try name(tool, at), description: description(tool), parameters: schema))
        } else if let declarations = tool["functionDeclarations"] {  // a Gemini tool
          tools.append(contentsOf: try read(declarations, at: at + "/functionDeclarations"))
        } else if tool["type"]?.stringValue == "function" {  // OpenAI Responses
          tools.append(ToolDefinition(name: try name(tool, at), description: description(tool),
                                      parameters: tool["parameters"] ?? noParameters))
        } else if tool["type"] == nil, tool["name"] != nil {  // a Gemini function declaration
          tools.append(try ToolDefinition(gemini: tool, at: at))
        } else {
          throw invalid(at, "not a function tool (\(tool["type"]?.stringValue.map { "type \"\($0)\"" } ?? "no name")): "
            + "only function tools declare parameters Slate can validate")
        }
      }
      return tools
    default:
      throw invalid(path, "must be a tools array or an object")
    }
  }

  /// A Gemini `FunctionDeclaration`: `parametersJsonSchema` is taken as it is;
  /// `parameters` (Gemini's OpenAPI 3.0 subset) is translated: type names in any case
  /// (`OBJECT` → `object`), `nullable: true` adds `null` to the type (and to an `enum`),
  /// `example` becomes `examples`, and `propertyOrdering` (generation order, no
  /// constraint) is dropped. Anything else is kept, so the compiler refuses what it does
  /// not know.
  init(gemini tool: JSONObject, at path: String) throws(SchemaError) {
    guard let name = tool["name"]?.stringValue, !name.isEmpty else {
      throw .invalidExtension(keyword: "x-slate-tools", schemaPath: path, reason: "a function declaration needs a \"name\"")
    }
    self.name = name
    self.description = tool["description"]?.stringValue
    if let schema = tool["parametersJsonSchema"] {
      self.parameters = schema
    } else if let schema = tool["parameters"] {
      self.parameters = ToolDefinition.fromOpenAPI(schema)
    } else {
      self.parameters = ToolDefinition.noParameters
    }
  }

  static func fromOpenAPI(_ value: JSONValue) -> JSONValue {
    switch value {
    case .array(let items):
      return .array(items.map { fromOpenAPI($0) })
    case .object(let object):
      var out = JSONObject()
      let nullable = object["nullable"]?.boolValue == true
      for member in object.members {
        switch member.key {
        case "propertyOrdering", "nullable": continue
        case "type":
          let lowered: JSONValue = member.value.stringValue.map { .string(asciiLowercase($0)) } ?? member.value
          out.append(key: "type", value: nullable ? .array([lowered, "null"]) : lowered)
        case "example": out.append(key: "examples", value: .array([member.value]))
        case "enum":
          out.append(key: "enum", value: nullable ? .array((member.value.arrayValue ?? []) + [.null]) : member.value)
        case "properties", "$defs", "definitions":
          out.append(key: member.key, value: .object(JSONObject((member.value.objectValue?.members ?? []).map {
            JSONMember(key: $0.key, value: fromOpenAPI($0.value))
          })))
        case "items", "anyOf", "oneOf", "allOf", "not", "additionalProperties":
          out.append(key: member.key, value: fromOpenAPI(member.value))
        default: out.append(key: member.key, value: member.value)
        }
      }
      return .object(out)
    default:
      return value
    }
  }

  static func asciiLowercase(_ s: String) -> String {
    String(decoding: s.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
  }
}
