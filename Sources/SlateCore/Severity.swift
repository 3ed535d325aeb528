/// How much a diagnostic matters, on one scale for every layer (SSE, dialects, framer,
/// stream, audit): `info < warning < error`. Printed as its raw value.
public enum Severity: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
  /// Worth knowing; nothing was lost.
  case info
  /// Something is off, but nothing a consumer relies on was lost.
  case warning
  /// Data was lost, or the input was not well formed where it matters.
  case error

  private var rank: Int {
    switch self {
    case .info: 0
    case .warning: 1
    case .error: 2
    }
  }

  public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}
