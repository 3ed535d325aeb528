import Foundation
import SlateJSON
import SlateTestSupport
import Testing

/// `slate pack check` and `slate pack tools`.
@Suite struct PackCommandTests {
  @Test func checkListsWhatThePackDeclares() throws {
    guard let result = try SlateCLI.run(["pack", "check", "Corpus/schemas/tools/openai-chat.pack.json"]) else { return }
    #expect(result.status == 0, "\(result.errorOutput)")
    #expect(result.lines.first == #"pack openai-chat 0: 7 action types, discriminator "type""#)
    #expect(result.lines.contains("GetWeatherArgs  key /city(trim,casefold),/country(trim,casefold)  queue weather  effects -"))
    #expect(result.lines.contains("final_result  key singleton  queue final_result  effects -  phase answer"))
    #expect(result.lines.last?.hasPrefix("keywords: $defs $ref additionalProperties") == true)
  }

  @Test func toolsPrintsTheProvidersArray() throws {
    guard let result = try SlateCLI.run(["pack", "tools", "Corpus/schemas/film.json", "--provider", "anthropic"]) else { return }
    #expect(result.status == 0, "\(result.errorOutput)")
    let tools = try SimdjsonParser().parse(result.lines.joined()).arrayValue ?? []
    #expect(tools.count == 11)
    #expect(tools.first?["name"] == "plan")
    // The film pack's shared $defs travel with each tool that references them.
    #expect(tools.first { $0["name"] == "create_scene" }?["input_schema"]?["$defs"]?["sceneId"] != nil)
  }

  @Test func mistakesExitWithTwo() throws {
    guard let provider = try SlateCLI.run(["pack", "tools", "Corpus/schemas/film.json", "--provider", "cohere"]) else { return }
    #expect(provider.status == 2)
    #expect(provider.errorOutput.contains("--provider must be one of openai, openai-responses, anthropic, gemini"))
    guard let pack = try SlateCLI.run(["pack", "check", "Corpus/schemas/film-actions.jsonl"]) else { return }
    #expect(pack.status == 2)
  }
}
