import SlateCore
import SlateJSON
import Testing

@testable import SlateSchema

/// What is kept from value to value (a pipeline's classifier and its validator, the
/// batcher's canonical writer) gives what a fresh one per value gives, whatever came
/// before: valid and rejected values, coercions, both error modes and the depth limit,
/// interleaved on seeded sequences.
@Suite struct ReuseAcrossValuesTests {
  /// A film example, mutated: a member dropped, retyped, its case changed, a number
  /// written as a string, an unknown member, null, a deep array, or left as it is.
  static func mutated(_ example: JSONValue, _ random: inout SplitMix64) -> JSONValue {
    guard case .object(var object) = example, !object.members.isEmpty else { return example }
    let i = random.below(object.members.count)
    switch random.below(9) {
    case 0: object.members.remove(at: i)
    case 1: object.members[i].value = .number(JSONNumber(Int64(random.below(100))))
    case 2:
      if case .string(let s) = object.members[i].value { object.members[i].value = .string(s.uppercased()) }
    case 3:
      if case .number(let n) = object.members[i].value { object.members[i].value = .string(n.lexeme) }
    case 4: object.members.insert(JSONMember(key: "unexpected_\(random.below(3))", value: .bool(true)), at: i)
    case 5: object.members[i].value = .null
    case 6:
      var deep: JSONValue = .array([])
      for _ in 0..<random.below(40) { deep = .array([deep]) }
      object.members[i].value = deep
    case 7: object.members.append(object.members[i])  // a duplicate key
    default: break
    }
    return .object(object)
  }

  @Test func oneClassifierGivesWhatAFreshOneGivesValueAfterValue() throws {
    let film = try filmPack()
    let examples = try FilmPackTests.examples()
    var random = SplitMix64(seed: 0x5EED_0C1A)
    let modes: [ValidationOptions] = [
      .default,
      ValidationOptions(mode: .allErrors, applyCoercions: false),
      ValidationOptions(mode: .firstError),
      ValidationOptions(mode: .firstError, applyCoercions: false, maxDepth: 8),
      ValidationOptions(mode: .allErrors, maxDepth: 6, assertFormats: true),
    ]
    var classifier = CompiledPack.Classifier(film)
    var (actions, rejections, warned) = (0, 0, 0)
    for round in 0..<3000 {
      let value = ReuseAcrossValuesTests.mutated(random.pick(examples), &random)
      let options = random.pick(modes)
      let metadata = ActionMetadata(index: round, textRange: round..<(round + 10))
      let reused = classifier.classify(value, metadata: metadata, options: options)
      let fresh = film.classify(value, metadata: metadata, options: options)
      #expect(reused == fresh, "round \(round): \(value.canonicalString)")
      switch fresh {
      case .success(let action):
        actions += 1
        if !action.warnings.isEmpty { warned += 1 }
      case .failure: rejections += 1
      }
    }
    // The sequence mixes every outcome.
    #expect(actions > 300 && rejections > 300 && warned > 20, "\(actions) \(rejections) \(warned)")
  }

  @Test func oneCanonicalWriterGivesTheDefinitionValueAfterValue() {
    var random = SplitMix64(seed: 0xCA70_11CA)
    var writer = CanonicalWriter()
    for round in 0..<3000 {
      let v = KeyPinTests.value(&random, depth: 0)
      var out: [UInt8] = random.below(2) == 0 ? [] : [0x20]  // appends after what is there
      let before = out
      writer.write(v, into: &out)
      #expect(out == before + KeyPinTests.canonical(v), "round \(round): \(v)")
    }
  }
}
