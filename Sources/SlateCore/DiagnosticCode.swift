/// A stable diagnostic code, `layer.reason` (`sse.line_too_long`, `json.truncated`,
/// `dialect.no_terminal_event`, `stream.prose_text`, `audit.phase_missing` …): the one type
/// every layer's codes take where diagnostics meet (``Severity`` is the other half).
///
/// As GRDB's `ResultCode`, the known codes are static constants declared by each layer in
/// its own module:
///
/// ```swift
/// extension DiagnosticCode {
///   public static let sseLineTooLong: DiagnosticCode = "sse.line_too_long"
/// }
/// ```
///
/// A code is its raw string: printing it, comparing it or writing it to a ledger gives the
/// same text a bare `String` gave, and a string literal is a code (`code: "x.y"`).
public struct DiagnosticCode: RawRepresentable, Hashable, Sendable, Comparable, ExpressibleByStringLiteral,
  CustomStringConvertible
{
  /// `layer.reason`.
  public var rawValue: String

  public init(rawValue: String) { self.rawValue = rawValue }

  public init(_ rawValue: String) { self.rawValue = rawValue }

  /// The code of a layer's closed code enumeration (whose raw values are the codes).
  public init<Code: RawRepresentable>(_ code: Code) where Code.RawValue == String { rawValue = code.rawValue }

  public init(stringLiteral value: String) { rawValue = value }

  /// The part before the first dot: `sse`, `json`, `dialect`, `stream`, `audit` …
  public var layer: Substring { rawValue.prefix { $0 != "." } }

  public var description: String { rawValue }

  public static func < (a: DiagnosticCode, b: DiagnosticCode) -> Bool { a.rawValue < b.rawValue }
}
