import SlateDispatch
import SlateJSON
import SlateTurn
import Testing

/// The JSON renderings of the dispatcher's records (what `slate replay --json`, `slate
/// turns` and `slate turn show` print).
@Suite struct JSONRenderingTests {
  @Test func queuesListTheirKeysInTurnOrder() {
    var result = DispatchResult()
    for (i, name) in ["s3", "s1", "s2"].enumerated() {
      let key = ActionKey(hex: name, namespace: "scene", readable: "scene:" + name, canonicalBytes: [])
      result.record(DispatchResult.Entry(key: key, queue: "scene", type: "create_scene", phase: nil, ordinal: [2, 0, 1][i],
                                         outcome: .applied()))
    }
    #expect(result.keys(queue: "scene").map(\.readable) == ["scene:s1", "scene:s2", "scene:s3"])
    #expect(result.queues == ["scene"])
    let json = result.json
    #expect(json["queues"]?["scene"] == ["scene:s1", "scene:s2", "scene:s3"])
    #expect(json["counts"]?["applied"] == 3)
  }

  @Test func turnRecordJSON() throws {
    var record = TurnRecord(id: "t1", project: "film", createdAt: Timestamp(milliseconds: 5),
                            plan: [PlannedPhase(name: "cast", actions: ["add_character"], expectedCount: 3)])
    try record.transition(to: .failed, at: Timestamp(milliseconds: 9), reason: "turn.stale",
                          recoverability: .retryFromStart)
    #expect(record.json == [
      "id": "t1", "project": "film", "scope": "turn", "status": "failed", "created_at": 5, "updated_at": 9,
      "finished_at": 9, "plan": [["name": "cast", "actions": ["add_character"], "expected_count": 3]],
      "reason": "turn.stale", "recoverability": "retry_from_start", "revision": 0,
    ])
  }
}
