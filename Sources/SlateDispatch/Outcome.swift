import SlateJSON

/// What became of one action (one idempotency key) in a dispatch.
///
/// ``Kind`` is ordered by **precedence**, lowest first; ``DispatchResult/merge(_:)`` keeps
/// the outcome of higher precedence for a key, so a retry that applied an action wins over
/// the attempt that failed, and a later replay's `duplicate` does not hide the `applied` of
/// the run that did the work:
///
/// `planned < failed < conflict < ambiguous < duplicate < applied`
///
/// Between two outcomes of the same kind the one with more ``attempts`` wins, then the
/// one whose ``json`` is greater in canonical byte order, so the choice never depends on
/// the order in which results arrive.
public struct Outcome: Hashable, Sendable, CustomStringConvertible {
  public enum Kind: String, Sendable, CaseIterable, Comparable {
    /// Declared, not called: a dry run, or a call that has not happened yet.
    case planned
    /// The handler failed: ``Outcome/retryable`` says whether a later run may try again
    /// (transient failures that exhausted their budget, an open circuit) or not
    /// (permanent failures).
    case failed
    /// The key was already recorded with another payload and the action type does not
    /// declare `x-slate-upsert`: reported, not applied.
    case conflict
    /// The call went out and no answer came: the effect may or may not have happened.
    case ambiguous
    /// The key was already applied (by an earlier run, batch or dispatcher): nothing was
    /// called; ``Outcome/result`` is the recorded one.
    case duplicate
    /// The handler succeeded (an insert, or an update of an upsert action).
    case applied

    var rank: Int {
      switch self {
      case .planned: 0
      case .failed: 1
      case .conflict: 2
      case .ambiguous: 3
      case .duplicate: 4
      case .applied: 5
      }
    }

    public static func < (a: Kind, b: Kind) -> Bool { a.rank < b.rank }
  }

  public var kind: Kind
  /// The handler's answer (applied), the recorded answer (duplicate), else usually nil.
  public var result: JSONValue?
  /// A stable code for failed, conflict and ambiguous outcomes (`handler.timeout`,
  /// `dispatch.conflict`, `dispatch.circuit_open`, the handler's own codes …).
  public var code: String?
  public var message: String?
  /// Whether a later run may call the handler again for this key (see ``Kind/failed``;
  /// an ambiguous outcome is retryable only when the handler is idempotent by key).
  public var retryable: Bool
  /// Handler calls made for this key in the dispatch that produced the outcome.
  public var attempts: Int

  public init(kind: Kind, result: JSONValue? = nil, code: String? = nil, message: String? = nil,
              retryable: Bool = false, attempts: Int = 0)
  {
    self.kind = kind
    self.result = result
    self.code = code
    self.message = message
    self.retryable = retryable
    self.attempts = attempts
  }

  public static func applied(_ result: JSONValue? = nil, attempts: Int = 1) -> Outcome {
    Outcome(kind: .applied, result: result, attempts: attempts)
  }

  public static let planned = Outcome(kind: .planned)

  public static func failed(code: String, message: String, retryable: Bool, attempts: Int) -> Outcome {
    Outcome(kind: .failed, code: code, message: message, retryable: retryable, attempts: attempts)
  }

  public static func ambiguous(code: String, message: String, retryable: Bool, attempts: Int) -> Outcome {
    Outcome(kind: .ambiguous, code: code, message: message, retryable: retryable, attempts: attempts)
  }

  /// The outcome a replay reports for a key recorded as `recorded`.
  public static func duplicate(of recorded: Outcome) -> Outcome {
    Outcome(kind: .duplicate, result: recorded.result, code: recorded.code, message: recorded.message)
  }

  public static func conflict(message: String) -> Outcome {
    Outcome(kind: .conflict, code: "dispatch.conflict", message: message)
  }

  /// `{"kind":…, "result":…, "code":…, "message":…, "retryable":…, "attempts":…}`, absent
  /// members omitted. The stored form in a ledger (see ``init(json:)``).
  public var json: JSONValue {
    var object = JSONObject()
    object.append(key: "kind", value: .string(kind.rawValue))
    if let result { object.append(key: "result", value: result) }
    if let code { object.append(key: "code", value: .string(code)) }
    if let message { object.append(key: "message", value: .string(message)) }
    if retryable { object.append(key: "retryable", value: true) }
    if attempts != 0 { object.append(key: "attempts", value: .number(JSONNumber(attempts))) }
    return .object(object)
  }

  /// Reads ``json`` back; `ledger.corrupt` when it is not an outcome.
  public init(json: JSONValue) throws(LedgerError) {
    guard let kindName = json["kind"]?.stringValue, let kind = Kind(rawValue: kindName) else {
      throw .corrupt(what: "outcome", message: "no known \"kind\" in \(json)")
    }
    self.init(kind: kind, result: json["result"], code: json["code"]?.stringValue,
              message: json["message"]?.stringValue, retryable: json["retryable"]?.boolValue ?? false,
              attempts: json["attempts"]?.numberValue?.int64Value.map { Int($0) } ?? 0)
  }

  public var description: String {
    var text = kind.rawValue
    if let code { text += " (\(code))" }
    if let message { text += ": \(message)" }
    return text
  }
}
