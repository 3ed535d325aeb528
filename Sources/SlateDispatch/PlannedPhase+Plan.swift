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

extension TurnRecord {
  /// A plan's stored form in a ledger: `[{"name":…,"actions":[…],"expected_count":n}]`,
  /// `expected_count` absent when nil (read back by ``plan(json:)``).
  public static func planJSON(_ plan: [PlannedPhase]) -> JSONValue {
    JSONValue.array(plan.map { phase in
      var object = JSONObject()
      object.append(key: "name", value: .string(phase.name))
      object.append(key: "actions", value: .array(phase.actions.map { .string($0) }))
      if let count = phase.expectedCount { object.append(key: "expected_count", value: .number(JSONNumber(count))) }
      return .object(object)
    })
  }

  /// Reads ``planJSON(_:)`` back, strictly: `ledger.corrupt` (what: `plan`) naming the first
  /// entry that is not a planned phase.
  public static func plan(json value: JSONValue) throws(LedgerError) -> [PlannedPhase] {
    func corrupt(_ message: String) -> LedgerError { .corrupt(what: "plan", message: message) }
    guard let phases = value.arrayValue else { throw corrupt("the plan \(value) is not an array") }
    var plan: [PlannedPhase] = []
    plan.reserveCapacity(phases.count)
    for phase in phases {
      guard let name = phase["name"]?.stringValue, let actions = phase["actions"]?.arrayValue else {
        throw corrupt("the planned phase \(phase) has no name or actions")
      }
      var types: [String] = []
      for action in actions {
        guard let type = action.stringValue else { throw corrupt("the planned action \(action) is not a string") }
        types.append(type)
      }
      var count: Int?
      if let number = phase["expected_count"] {
        guard let exact = number.numberValue?.int64Value.flatMap({ Int(exactly: $0) }) else {
          throw corrupt("the expected count \(number) is not an integer")
        }
        count = exact
      }
      plan.append(PlannedPhase(name: name, actions: types, expectedCount: count))
    }
    return plan
  }
}
