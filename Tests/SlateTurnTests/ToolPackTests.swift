import Foundation
import SlateJSON
import SlateSchema
import SlateStream
import SlateTestSupport
import SlateTurn
import Testing

/// Packs written from real tool definitions (`Corpus/schemas/tools`) compile unchanged and
/// validate the calls of the real recordings (`../shared/corpus-real`), and
/// `toolDefinitions(for:)` gives each provider's documented request shape.
@Suite struct ToolPackTests {
  static let folder = SharedFixtures.projectRoot.appendingPathComponent("Corpus/schemas/tools")

  static func load(_ name: String) throws -> CompiledPack {
    let bytes = try [UInt8](Data(contentsOf: folder.appendingPathComponent(name)))
    return try CompiledPack(bytes: bytes, defaultName: String(name.prefix { $0 != "." }), loadFile: { file in
      (try? Data(contentsOf: folder.appendingPathComponent(file))).map { [UInt8]($0) }
    })
  }

  /// pack → the recordings whose tool calls it declares (relative to corpus-real), with
  /// the number of calls each holds.
  static let cases: [(pack: String, recordings: [(String, Int)])] = [
    ("openai-chat.pack.json", [
      ("openai-chat/openai-gpt4o-two-parallel-tool-calls-usage.sse", 2),
      ("openai-chat/openai-gpt4o-final-result-json-args.sse", 1),
      ("openai-chat/openai-gpt4o-parallel-tools-obfuscation.sse", 2),
      ("openai-chat/groq-tool-call-single-chunk.sse", 1),
      ("openai-chat/mistral-tool-call-empty-name-continuation.sse", 1),
    ]),
    ("anthropic.pack.json", [
      ("anthropic/sonnet4-text-then-tool-use.sse", 1), ("anthropic/sonnet45-tool-use-empty-input.sse", 1),
      ("anthropic/sonnet45-text-tool-use-server-tool-use.sse", 1),
    ]),
    ("gemini.pack.json", [
      ("gemini/gemini20-function-call-whole.sse", 1), ("gemini/gemini3-function-call-thought-signature.sse", 1),
      ("gemini/vertex-gemini31-streamed-partial-args.sse", 2),
    ]),
    ("openai-responses.pack.json", [
      ("openai-responses/openai-text-then-function-call-seqnum.sse", 1),
      ("openai-responses/openai-function-call-no-sequence-number.sse", 1),
      ("openai-responses/openai-reasoning-summary-then-function-call.sse", 1),
      ("openai-responses/azure-function-call-obfuscation.sse", 1),
      ("openai-responses/deepseek-responses-reasoning-text-function-call.sse", 1),
    ]),
    // The union members see the discriminator: the tool name is put in.
    ("pydantic-union.pack.json", [
      ("anthropic/sonnet4-text-then-tool-use.sse", 1), ("gemini/gemini20-function-call-whole.sse", 1),
      ("openai-responses/openai-text-then-function-call-seqnum.sse", 1),
    ]),
    ("zod-union.pack.json", [
      ("anthropic/sonnet4-text-then-tool-use.sse", 1), ("openai-responses/openai-function-call-no-sequence-number.sse", 1),
    ]),
  ]

  static func outcome(_ pack: CompiledPack, _ recording: URL) throws -> (actions: [Action], rejections: [Rejection]) {
    let outcome = TurnPipelineTests.run([UInt8](try Data(contentsOf: recording)), pack: pack)
    return (outcome.actions, outcome.rejections)
  }

  @Test func packsFromRealToolDefinitionsValidateTheRecordedCalls() throws {
    guard let shared = SharedFixtures.shared else {
      print("skipping: ../shared is absent")
      return
    }
    for (name, recordings) in Self.cases {
      let pack = try Self.load(name)
      for (path, calls) in recordings {
        let (actions, rejections) = try Self.outcome(pack, shared.appendingPathComponent("corpus-real/" + path))
        #expect(rejections.isEmpty, "\(name) on \(path): \(rejections.map(\.errors))")
        #expect(actions.count == calls, "\(name) on \(path)")
      }
    }
    // The union members keep the type that was put in; the key is the declared field.
    let union = try Self.load("pydantic-union.pack.json")
    let weather = try Self.outcome(union, shared.appendingPathComponent("corpus-real/anthropic/sonnet4-text-then-tool-use.sse"))
    #expect(weather.actions.first?.payload == ["type": "get_weather", "location": "Paris"])
    #expect(weather.actions.first?.key.readable == "get_weather:paris" || weather.actions.first?.key.readable == "get_weather:Paris")
  }

  @Test func aCallThatBreaksTheToolsSchemaIsRejected() throws {
    let pack = try Self.load("openai-chat.pack.json")
    let bad = pack.classify(["city": "Edinburgh", "country": "GB", "units": "k"],
                            metadata: ActionMetadata(toolName: "GetWeatherArgs"))
    #expect(bad.failure?.errors.map(\.schemaPath) == ["/x-slate-actions/GetWeatherArgs/properties/units/enum"])
    let gemini = try Self.load("gemini.pack.json")
    #expect(gemini.classify(["location": "Rome", "unit": nil], metadata: ActionMetadata(toolName: "getWeather")).success != nil)
    #expect(gemini.classify(["location": 3], metadata: ActionMetadata(toolName: "getWeather")).failure != nil)
    let anthropic = try Self.load("anthropic.pack.json")
    #expect(anthropic.classify(["noteId": "not-a-uuid"], metadata: ActionMetadata(toolName: "readNoteTree")).failure?
      .errors.map(\.code) == [.format])
  }

  /// Each provider's request shape: OpenAI Chat `{type: function, function: {name,
  /// description?, parameters, strict}}`; Responses `{type: function, name, description?,
  /// parameters, strict}`; Anthropic `{name, description?, input_schema}` with an object
  /// schema; Gemini `[{functionDeclarations: [{name, description?, parametersJsonSchema}]}]`.
  @Test(arguments: ToolProvider.allCases)
  func toolDefinitionsHaveEachProvidersShape(_ provider: ToolProvider) throws {
    let pack = try Self.load("openai-chat.pack.json")
    let printed = try SimdjsonParser().parse(JSONValue.array(pack.toolDefinitions(for: provider)).canonicalString)
    let tools = try #require(printed.arrayValue)
    var functions: [JSONObject] = []
    switch provider {
    case .openai:
      for tool in tools {
        #expect(tool["type"] == "function")
        #expect(Set(tool.objectValue?.keys ?? []) == ["type", "function"])
        functions.append(try #require(tool["function"]?.objectValue))
      }
    case .openaiResponses:
      for tool in tools {
        #expect(tool["type"] == "function")
        functions.append(try #require(tool.objectValue))
      }
    case .anthropic:
      functions = tools.compactMap(\.objectValue)
    case .gemini:
      #expect(tools.count == 1)
      functions = (tools.first?["functionDeclarations"]?.arrayValue ?? []).compactMap(\.objectValue)
    }
    #expect(functions.map { $0["name"]?.stringValue ?? "" } == pack.actionTypes)
    let schemaKey = [ToolProvider.openai: "parameters", .openaiResponses: "parameters", .anthropic: "input_schema",
                     .gemini: "parametersJsonSchema"][provider]!
    let allowed: Set<String> = provider == .openai || provider == .openaiResponses
      ? ["type", "name", "description", "parameters", "strict"] : ["name", "description", schemaKey]
    for function in functions {
      #expect(Set(function.keys).isSubset(of: allowed), "\(function.keys)")
      let parameters = try #require(function[schemaKey]?.objectValue)
      #expect(parameters["type"] == "object")
      #expect(!parameters.keys.contains { $0.hasPrefix("x-slate-") })
      if provider == .openai || provider == .openaiResponses { #expect(function["strict"]?.boolValue != nil) }
    }
    let byName = Dictionary(uniqueKeysWithValues: functions.map { ($0["name"]?.stringValue ?? "", $0) })
    #expect(byName["final_result"]?["description"] == "The final response which ends this conversation")
    if provider == .openai {
      // strict where OpenAI's rules allow it: closed objects with every property required.
      #expect(byName["GetWeatherArgs"]?["strict"] == true)
      #expect(byName["final_result"]?["strict"] == true)
      #expect(byName["weather"]?["strict"] == false)
      #expect(byName["webSearchTool"]?["strict"] == false)
    }
  }

  /// What `toolDefinitions` prints imports back as the same actions (both directions).
  @Test(arguments: ToolProvider.allCases)
  func printedToolsImportBack(_ provider: ToolProvider) throws {
    let pack = try Self.load("openai-chat.pack.json")
    let tools = JSONValue.array(pack.toolDefinitions(for: provider))
    let back = try SchemaPack(document: ["x-slate-tools": tools]).compile()
    #expect(back.actionTypes == pack.actionTypes)
    #expect(back.classify(["city": "Edinburgh", "country": "GB", "units": "c"], metadata: ActionMetadata(toolName: "GetWeatherArgs")).success != nil)
    #expect(back.classify(["answers": [["label": 1]]], metadata: ActionMetadata(toolName: "final_result")).failure != nil)
  }
}

extension Result {
  fileprivate var failure: Failure? { if case .failure(let f) = self { f } else { nil } }
  fileprivate var success: Success? { if case .success(let s) = self { s } else { nil } }
}
