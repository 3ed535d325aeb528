import SlateJSON

/// An error the provider reported inside the stream, after its HTTP 200.
///
/// The shapes differ per provider (see `docs/provider-streams.md`, "Errors after the 200"
/// of each section); ``init(errorObject:payload:)`` reads all of them.
public struct ProviderError: Sendable, Equatable {
  /// What kind of error: the provider's `type` (`overloaded_error`, `invalid_request_error`,
  /// `insufficient_quota`), else Gemini's `status` (`UNAVAILABLE`), else the `code`, else
  /// a name the dialect gives (`prompt_blocked`, `response_failed`, `error`).
  public var kind: String
  /// The provider's `code` as text (`tool_use_failed`, `insufficient_quota`, `400`, `503`).
  public var code: String?
  public var message: String
  /// The whole event payload, for logs and replay.
  public var payload: JSONValue

  public init(kind: String, code: String?, message: String, payload: JSONValue) {
    self.kind = kind
    self.code = code
    self.message = message
    self.payload = payload
  }

  /// Reads an error object (`{"type"?, "status"?, "code"?, "message"?, …}`); a string
  /// "object" is taken as the message. O(size of the object) for the fallback message.
  init(errorObject error: JSONValue, payload: JSONValue, fallbackKind: String = "error") {
    if let text = error.stringValue {
      self.init(kind: fallbackKind, code: nil, message: text, payload: payload)
      return
    }
    let code = error["code"].flatMap(\.scalarText)
    let kind = error.nonEmptyString("type") ?? error.nonEmptyString("status") ?? code ?? fallbackKind
    let message = error.nonEmptyString("message") ?? error.canonicalString
    self.init(kind: kind, code: code, message: message, payload: payload)
  }
}
