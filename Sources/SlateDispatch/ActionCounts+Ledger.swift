import SlateJSON

extension ActionCounts {
  /// The figures as a JSON object, in ``named`` order (`actions` first).
  public var json: JSONValue {
    .object(JSONObject(named.map { JSONMember(key: $0.name, value: .number(JSONNumber($0.value))) }))
  }

  /// The figures of a ``json`` object; nil when it is not one (a part missing or not an
  /// integer, or `actions` not their sum).
  public init?(json: JSONValue) {
    var parts: [Int] = []
    for name in ["applied", "duplicates", "conflicts", "rejected", "failed", "ambiguous", "planned"] {
      guard let value = json[name]?.numberValue?.int64Value.flatMap({ Int(exactly: $0) }) else { return nil }
      parts.append(value)
    }
    self.init(applied: parts[0], duplicates: parts[1], conflicts: parts[2], rejected: parts[3], failed: parts[4],
              ambiguous: parts[5], planned: parts[6])
    guard json["actions"]?.numberValue?.int64Value == Int64(actions) else { return nil }
  }

  /// The per-action figures stored with a turn: the `actions` detail of its last
  /// `turn.transition` event that has one (the run that finalised it passes them to
  /// ``Dispatcher/finalize(turn:as:reason:counts:)``); nil when none was stored. O(events).
  public static func recorded(in events: [LedgerEvent]) -> ActionCounts? {
    for event in events.reversed() where event.kind == "turn.transition" {
      if let counts = event.detail["actions"].flatMap({ ActionCounts(json: $0) }) { return counts }
    }
    return nil
  }
}
