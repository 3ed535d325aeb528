import SlateCore
import SlateJSON

/// One result of the ``IntegrityAudit``: a stable code, a severity and a sentence a user
/// can read.
public struct Finding: Sendable, Hashable {
  /// The one scale of every layer (``SlateCore/Severity``).
  public typealias Severity = SlateCore.Severity

  /// `audit.*` (``DiagnosticCode/auditPhasesLanded`` …).
  public var code: DiagnosticCode
  public var severity: Severity
  public var message: String
  /// The action key it is about (readable), if one.
  public var key: String?
  /// The phase it is about, if one.
  public var phase: String?

  public init(code: DiagnosticCode, severity: Severity, message: String, key: String? = nil, phase: String? = nil) {
    self.code = code
    self.severity = severity
    self.message = message
    self.key = key
    self.phase = phase
  }

  /// `{"code","severity","message","key"?,"phase"?}`.
  public var json: JSONValue {
    var object = JSONObject([
      JSONMember(key: "code", value: .string(code.rawValue)), JSONMember(key: "severity", value: .string(severity.rawValue)),
      JSONMember(key: "message", value: .string(message)),
    ])
    if let key { object.append(key: "key", value: .string(key)) }
    if let phase { object.append(key: "phase", value: .string(phase)) }
    return .object(object)
  }
}

/// The codes of the ``IntegrityAudit``.
extension DiagnosticCode {
  public static let auditAmbiguous: DiagnosticCode = "audit.ambiguous"
  public static let auditBudget: DiagnosticCode = "audit.budget"
  public static let auditConflict: DiagnosticCode = "audit.conflict"
  public static let auditDuplicates: DiagnosticCode = "audit.duplicates"
  public static let auditEffectNotQueued: DiagnosticCode = "audit.effect_not_queued"
  public static let auditFailed: DiagnosticCode = "audit.failed"
  public static let auditPhaseShort: DiagnosticCode = "audit.phase_short"
  public static let auditPhaseUnplanned: DiagnosticCode = "audit.phase_unplanned"
  public static let auditPhasesLanded: DiagnosticCode = "audit.phases_landed"
  public static let auditPhasesNotLanded: DiagnosticCode = "audit.phases_not_landed"
  public static let auditPlanned: DiagnosticCode = "audit.planned"
  public static let auditRejection: DiagnosticCode = "audit.rejection"
}
