import SlateJSON

extension PlannedPhase {
  /// The phases of a plan payload: `{"phases":[{"name":…,"actions":[…],"expected_count":n}]}`
  /// (the pack's plan action, ``Dispatcher/planType``). Entries without a string name are
  /// skipped; a repeated name keeps its first entry.
  public static func phases(fromPlan payload: JSONValue) -> [PlannedPhase] {
    var out: [PlannedPhase] = []
    for item in payload["phases"]?.arrayValue ?? [] {
      guard let name = item["name"]?.stringValue, !out.contains(where: { $0.name == name }) else { continue }
      let actions = item["actions"]?.arrayValue?.compactMap(\.stringValue) ?? []
      let expected = item["expected_count"]?.numberValue?.int64Value.map { Int(clamping: $0) }
      out.append(PlannedPhase(name: name, actions: actions, expectedCount: expected))
    }
    return out
  }
}
