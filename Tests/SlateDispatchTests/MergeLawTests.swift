import PropertyBased
import SlateDispatch
import SlateJSON
import Testing

/// `DispatchResult.merge` is a join: associative, commutative, idempotent, with the empty
/// result as identity, and it keeps the outcome of highest precedence.
@Suite struct MergeLawTests {
  static let keys: [ActionKey] = (0..<4).map { (i: Int) -> ActionKey in
    let namespace = i % 2 == 0 ? "scene" : "prop"
    let hex = String(repeating: String(i), count: 64)
    return ActionKey(hex: hex, namespace: namespace, readable: namespace + ":" + String(i), canonicalBytes: [UInt8(i)])
  }

  /// One part of a result, from a small universe so that parts collide often.
  static func part(_ code: Int) -> (inout DispatchResult) -> Void {
    let key = keys[code % keys.count]
    let selector = (code / keys.count) % 9
    let detail = code / (keys.count * 9)
    switch selector {
    case 0...5:
      let kind = Outcome.Kind.allCases[selector]
      let outcome = Outcome(kind: kind, result: detail % 2 == 0 ? nil : .number(JSONNumber(detail % 3)),
                            code: kind == .failed ? "c\(detail % 2)" : nil, retryable: detail % 3 == 0,
                            attempts: detail % 3)
      let entry = DispatchResult.Entry(key: key, queue: key.namespace, type: detail % 2 == 0 ? "create" : "update",
                                       phase: detail % 4 == 0 ? nil : "p\(detail % 2)", ordinal: detail % 5,
                                       outcome: outcome)
      // Odd details also count the entry as one action's (its place drawn from a small set).
      if detail % 2 == 1 {
        let ref = DispatchResult.ActionRef(batch: "b\(detail % 3)", position: code % 3)
        return { $0.record(entry, action: ref) }
      }
      return { $0.record(entry) }
    case 6:
      let effect = DispatchResult.EffectRef(key: "e\(detail % 3)", kind: detail % 2 == 0 ? "image" : "video", action: key)
      return { result in
        if detail % 2 == 0 { result.effectsRequested.insert(effect) } else { result.effectsQueued.insert(effect) }
      }
    case 7:
      let conflict = DispatchResult.Conflict(key: key, type: "create", version: "v\(detail % 2)", phase: nil)
      return { $0.conflicts.insert(conflict) }
    default:
      return {
        $0.notes.insert("n\(detail % 2)")
        $0.batches.insert("b\(detail % 3)")
        $0.phases.insert("p\(detail % 2)")
      }
    }
  }

  static let results = Gen.int(in: 0..<(4 * 9 * 12)).array(of: 0...8).map { codes in
    var result = DispatchResult()
    for code in codes { Self.part(code)(&result) }
    return result
  }

  @Test func mergeIsAssociative() async {
    await propertyCheck(count: 300, input: Self.results, Self.results, Self.results) { a, b, c in
      #expect(a.merging(b).merging(c) == a.merging(b.merging(c)))
    }
  }

  @Test func mergeIsCommutative() async {
    await propertyCheck(count: 300, input: Self.results, Self.results) { a, b in
      #expect(a.merging(b) == b.merging(a))
    }
  }

  @Test func mergeIsIdempotent() async {
    await propertyCheck(count: 300, input: Self.results, Self.results) { a, b in
      #expect(a.merging(a) == a)
      let ab = a.merging(b)
      #expect(ab.merging(b) == ab && ab.merging(a) == ab)
    }
  }

  @Test func theEmptyResultIsTheIdentity() async {
    await propertyCheck(count: 200, input: Self.results) { a in
      #expect(a.merging(DispatchResult()) == a && DispatchResult().merging(a) == a)
    }
  }

  @Test func anyOrderOfPartsGivesOneResult() async {
    await propertyCheck(count: 200, input: Gen.int(in: 0..<(4 * 9 * 12)).array(of: 0...12)) { codes in
      var forward = DispatchResult()
      for code in codes { Self.part(code)(&forward) }
      var backward = DispatchResult()
      for code in codes.reversed() { Self.part(code)(&backward) }
      var split = DispatchResult()
      for code in codes.dropFirst(codes.count / 2) { Self.part(code)(&split) }
      var head = DispatchResult()
      for code in codes.prefix(codes.count / 2) { Self.part(code)(&head) }
      #expect(forward == backward && forward == split.merging(head))
    }
  }

  @Test func theOutcomeOfHighestPrecedenceWins() async {
    #expect(Outcome.Kind.allCases.sorted() == [.planned, .failed, .conflict, .ambiguous, .duplicate, .applied])
    await propertyCheck(count: 200, input: Self.results, Self.results) { a, b in
      let merged = a.merging(b)
      for (hex, entry) in merged.entries {
        let kinds = [a.entries[hex]?.outcome.kind, b.entries[hex]?.outcome.kind].compactMap { $0 }
        #expect(entry.outcome.kind == kinds.max())
        let ordinals = [a.entries[hex]?.ordinal, b.entries[hex]?.ordinal].compactMap { $0 }
        #expect(entry.ordinal == ordinals.min())
      }
    }
    // The run that applied wins over the one that failed and the replay's duplicate.
    let key = Self.keys[0]
    func result(_ outcome: Outcome) -> DispatchResult {
      var r = DispatchResult()
      r.record(DispatchResult.Entry(key: key, queue: "scene", type: "create_scene", phase: "scenes", ordinal: 0,
                                    outcome: outcome))
      return r
    }
    let failed = result(.failed(code: "http.503", message: "busy", retryable: true, attempts: 5))
    let applied = result(.applied(["id": 7], attempts: 1))
    let replay = result(.duplicate(of: .applied(["id": 7])))
    for order in [[failed, applied, replay], [replay, failed, applied], [applied, replay, failed]] {
      #expect(DispatchResult.merge(order).outcome(for: key) == .applied(["id": 7], attempts: 1))
    }
  }
}
