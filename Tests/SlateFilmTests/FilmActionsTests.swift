import Foundation
import SlateFilm
import SlateJSON
import SlateSchema
import SlateTestSupport
import Testing

/// The film action generator: valid for the film pack, distinct, keyed uniquely, deterministic.
@Suite struct FilmActionsTests {
  static func filmPack() throws -> CompiledPack {
    let url = SharedFixtures.projectRoot.appendingPathComponent("Corpus/schemas/film.json")
    return try CompiledPack(bytes: Array(Data(contentsOf: url)))
  }

  @Test(arguments: [1, 2, 11, 250, 5000])
  func everyActionIsValidAndKeyedUniquely(_ count: Int) throws {
    let film = try Self.filmPack()
    let actions = FilmActions.make(count: count)
    #expect(actions.count == count)
    #expect(FilmActions.type(of: actions[0]) == "plan")
    var keys = Set<String>()
    for (i, action) in actions.enumerated() {
      #expect(action.objectValue?.first?.key == "type", "action \(i) starts with its type")
      let result = film.classify(action, metadata: ActionMetadata(index: i))
      guard case .success(let classified) = result else {
        Issue.record("action \(i) \(action.text(.compact)) is rejected: \(result)")
        continue
      }
      #expect(classified.warnings.isEmpty, "action \(i) needed coercions")
      #expect(keys.insert(classified.key.readable).inserted, "action \(i) repeats key \(classified.key.readable)")
      // As a tool call: the type is the tool name, the arguments the rest.
      let call = film.classify(FilmActions.arguments(of: action), metadata: ActionMetadata(toolName: FilmActions.type(of: action)))
      #expect((try? call.get())?.key == classified.key)
    }
    #expect(Set(actions.map(\.canonicalString)).count == count)
  }

  @Test func cyclesThroughEveryTypeAfterThePlan() {
    let types = FilmActions.make(count: 21).map(FilmActions.type(of:))
    #expect(types[0] == "plan")
    #expect(Array(types[1...10]) == FilmActions.cycle)
    #expect(Array(types[11...20]) == FilmActions.cycle)
    // The plan declares each phase the turn uses, with its count.
    let plan = FilmActions.make(count: 21)[0]
    let phases = plan["phases"]?.arrayValue ?? []
    #expect(phases.compactMap { $0["name"]?.stringValue } == ["cast", "design", "scenes", "media"])
    #expect(phases.compactMap { $0["expected_count"]?.numberValue?.int64Value } == [2, 4, 4, 10])
  }

  @Test func exercisesEscapesAndMultiByteText() {
    let text = FilmActions.make(count: 250).map { $0.text(.spaced) }.joined()
    for escape in [#"\""#, #"\\"#, #"\n"#, #"\t"#] { #expect(text.contains(escape), "\(escape)") }
    let lengths = Set(text.unicodeScalars.map { String($0).utf8.count })
    #expect(lengths == [1, 2, 3, 4])
    #expect(text.contains("Élodie Brun"))
    // Even the shortest committed turn has multi-byte text after its first action.
    #expect(FilmActions.make(count: 2)[1].text(.compact).utf8.contains { $0 >= 0x80 })
  }

  @Test func isDeterministic() {
    #expect(FilmActions.make(count: 300) == FilmActions.make(count: 300))
    #expect(FilmActions.make(count: 300).map(\.canonicalString) == FilmActions.make(count: 300).map(\.canonicalString))
    #expect(FilmActions.make(count: 300, seed: 2) != FilmActions.make(count: 300))
    // A longer turn starts with the same actions after its plan (the counters are per type).
    #expect(Array(FilmActions.make(count: 50)[1...]) == Array(FilmActions.make(count: 80)[1..<50]))
  }

  @Test func splitMix64IsTheReferenceSequence() {
    // SplitMix64 from seed 0: the published first outputs (Vigna's reference implementation).
    var random = SplitMix64(seed: 0)
    #expect(random.next() == 0xE220_A839_7B1D_CDAF)
    #expect(random.next() == 0x6E78_9E6A_A1B9_65F4)
    #expect(random.next() == 0x06C4_5D18_8009_454F)
  }

  @Test func textStylesLayOutMembersInOrder() {
    let value: JSONValue = ["b": 1, "a": ["x", nil, true]]
    #expect(value.text(.compact) == #"{"b":1,"a":["x",null,true]}"#)
    #expect(value.text(.spaced) == #"{"b": 1, "a": ["x", null, true]}"#)
    #expect(value.text(.keySpaced) == #"{"b": 1,"a": ["x",null,true]}"#)
    #expect(JSONValue.string("é\"\n").text() == "\"é\\\"\\n\"")
  }
}
