import SlateCore
import SlateStream

extension DiagnosticCode {
  /// The response's status is not 2xx: nothing of its body is read as the stream.
  public static let httpStatus: DiagnosticCode = "http.status"
  /// The response's content type is not one the dialect reads (``ContentTypePolicy``).
  public static let httpContentType: DiagnosticCode = "http.content_type"
  /// The connection was cut or reset mid-body (or the body failed otherwise): the stream
  /// ends there, a truncation exactly as a cut file's.
  public static let httpReset: DiagnosticCode = "http.reset"
  /// No response at all: the request could not be sent or its head never came.
  public static let httpConnect: DiagnosticCode = "http.connect"
}

/// Which content types an ``HTTPStream`` reads as a provider stream.
///
/// A provider stream is `text/event-stream`, whatever the dialect (parameters such as
/// `charset` are ignored, the comparison is case-insensitive). The `text` dialect reads an
/// answer that is not an event stream but the answer text itself, so it also accepts
/// `text/plain` (and ``RecordingServer`` serves every recording as `text/event-stream`,
/// so a text recording served by `slate serve` passes either way). Anything else (an HTML
/// error page behind a 200, `application/json` from a non-streaming endpoint) is
/// ``DiagnosticCode/httpContentType`` and its body is not parsed.
public struct ContentTypePolicy: Sendable, Hashable {
  /// The media types accepted (lowercase, without parameters).
  public var accepted: Set<String>

  public init(accepted: Set<String>) { self.accepted = accepted }

  /// `text/event-stream`, plus `text/plain` for the `text` dialect.
  public static func forDialect(_ dialect: DialectKind) -> ContentTypePolicy {
    ContentTypePolicy(accepted: dialect == .text ? ["text/event-stream", "text/plain"] : ["text/event-stream"])
  }

  /// The media type of a `content-type` value: lowercase, without parameters or spaces.
  public static func mediaType(_ value: String) -> String {
    String(value.prefix { $0 != ";" }.filter { $0 != " " && $0 != "\t" }).lowercased()
  }

  public func accepts(_ contentType: String?) -> Bool {
    guard let contentType else { return false }
    return accepted.contains(Self.mediaType(contentType))
  }
}
