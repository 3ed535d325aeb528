import SlateJSON

/// One result of the ``IntegrityAudit``: a stable code, a severity and a sentence a user
/// can read.
public struct Finding: Sendable, Hashable {
  public enum Severity: String, Sendable, CaseIterable, Comparable {
    case info
    case warning
    case error

    var rank: Int {
      switch self {
      case .info: 0
      case .warning: 1
      case .error: 2
      }
    }

    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
  }

  /// `audit.*`.
  public var code: String
  public var severity: Severity
  public var message: String
  /// The action key it is about (readable), if one.
  public var key: String?
  /// The phase it is about, if one.
  public var phase: String?

  public init(code: String, severity: Severity, message: String, key: String? = nil, phase: String? = nil) {
    self.code = code
    self.severity = severity
    self.message = message
    self.key = key
    self.phase = phase
  }

  /// `{"code","severity","message","key"?,"phase"?}`.
  public var json: JSONValue {
    var object = JSONObject([
      JSONMember(key: "code", value: .string(code)), JSONMember(key: "severity", value: .string(severity.rawValue)),
      JSONMember(key: "message", value: .string(message)),
    ])
    if let key { object.append(key: "key", value: .string(key)) }
    if let phase { object.append(key: "phase", value: .string(phase)) }
    return .object(object)
  }
}
