import Foundation
import SlateTurn
import SlateStream
import SlateJSON
import SlateSchema
import SlateTestSupport
import Testing

/// The pipeline with the film pack: each value becomes an action or a rejection, with
/// offsets and error ranges in the channel's text, and batches whose ids do not depend on
/// chunking.
@Suite struct TurnPipelineTests {
  static func film() throws -> CompiledPack {
    try CompiledPack(bytes: [UInt8](Data(contentsOf: SharedFixtures.projectRoot.appendingPathComponent("Corpus/schemas/film.json"))))
  }

  struct Outcome {
    var actions: [Action] = []
    var rejections: [Rejection] = []
    var batches: [ActionBatch] = []
    var summary: TurnSummary!
  }

  static func run(_ bytes: [UInt8], pack: CompiledPack, cuts: [Int] = [], options: ActionStreamOptions = .default) -> Outcome {
    var pipeline = TurnPipeline(pack: pack, options: options)
    var items: [TurnItem] = []
    for chunk in SeededChunking.chunks(of: bytes, cuts: cuts) { pipeline.feed(chunk, into: &items) }
    var outcome = Outcome()
    outcome.summary = pipeline.finish(into: &items)
    for item in items {
      switch item {
      case .action(let action, _): outcome.actions.append(action)
      case .rejected(let rejection, _): outcome.rejections.append(rejection)
      case .batch(let batch): outcome.batches.append(batch)
      case .stream: break
      }
    }
    return outcome
  }

  @Test func everyValueIsClassifiedAsTheSamePackClassifiesIt() throws {
    let pack = try Self.film()
    let text = try [UInt8](Data(contentsOf: SharedFixtures.projectRoot.appendingPathComponent("Corpus/schemas/film-actions.jsonl")))
    let outcome = Self.run(text, pack: pack)
    let direct = try String(decoding: text, as: UTF8.self).split(separator: "\n").map {
      pack.classify(try SimdjsonParser().parse(String($0)))
    }
    #expect(outcome.actions.map(\.key) == direct.compactMap { try? $0.get().key })
    #expect(outcome.rejections.count == direct.filter { (try? $0.get()) == nil }.count)
    #expect(outcome.summary.actions + outcome.summary.rejected == outcome.summary.stream.values)
    #expect(outcome.actions.first?.type == "plan")
    #expect(outcome.actions.allSatisfy { $0.rawOffset != nil && $0.textRange != nil && $0.index != nil })
  }

  @Test func aRejectionPointsAtTheOffendingTextInTheChannel() throws {
    let text = #"[{"type":"create_scene","scene_id":"s1","title":"One"}, {"type":"create_scene","scene_id":"bad id","title":"Two"}]"#
    let outcome = Self.run(Array(text.utf8), pack: try Self.film())
    #expect(outcome.actions.map(\.key.readable) == ["scene:s1"])
    let rejection = try #require(outcome.rejections.first)
    let error = try #require(rejection.errors.first { $0.instancePath == "/scene_id" })
    let range = try #require(error.range)
    let bytes = Array(text.utf8)
    #expect(String(decoding: bytes[range], as: UTF8.self) == #""bad id""#)
    #expect(String(decoding: rejection.bytes, as: UTF8.self) == #"{"type":"create_scene","scene_id":"bad id","title":"Two"}"#)
  }

  @Test func toolCallsAreActionsNamedAfterTheTool() throws {
    var sse = SSEText()
    sse.chatTool(index: 0, id: "call_1", name: "add_prop", arguments: #"{"name":"Brass lamp","description":"dented"}"#)
    sse.chatTool(index: 1, id: "call_2", name: "launch_rocket", arguments: "{}")
    sse.chat("{}", finish: "tool_calls")
    sse.data("[DONE]")
    let outcome = Self.run(sse.bytes, pack: try Self.film())
    #expect(outcome.actions.map(\.type) == ["add_prop"])
    #expect(outcome.actions.first?.key.readable == "prop:brass lamp")
    #expect(outcome.rejections.map(\.type) == ["launch_rocket"])
    #expect(outcome.rejections.first?.errors.map(\.code) == [.unknownAction])
  }

  @Test func batchIdsDoNotDependOnChunking() throws {
    let pack = try Self.film()
    let text = try [UInt8](Data(contentsOf: SharedFixtures.projectRoot.appendingPathComponent("Corpus/schemas/film-actions.jsonl")))
    let whole = Self.run(text, pack: pack)
    #expect(!whole.batches.isEmpty)
    #expect(whole.batches.reduce(0) { $0 + $1.items.count } == whole.summary.stream.values)
    for seed in UInt64(1)...3 {
      let cuts = SeededChunking.randomCuts(count: text.count, maxChunk: 13, seed: seed)
      #expect(Self.run(text, pack: pack, cuts: cuts).batches.map(\.id) == whole.batches.map(\.id))
    }
  }
}
