// Every layer builds on SlateCore (one `Severity`, one `DiagnosticCode`, the `PushParser`
// contract, `SplitMix64`); importing SlateJSON gives them too.
@_exported import SlateCore

/// The framer is a push parser of text bytes: its convenience overloads (`[UInt8]`, slices,
/// any byte sequence, returning arrays) and its `AsyncSequence` adapter come from SlateCore.
extension JSONFramer: PushParser {}

/// The `json.*` codes (``JSONErrorCode`` is their closed set) as diagnostic codes.
extension DiagnosticCode {
  public static let jsonUnexpectedByte = DiagnosticCode(JSONErrorCode.unexpectedByte)
  public static let jsonInvalidUTF8 = DiagnosticCode(JSONErrorCode.invalidUTF8)
  public static let jsonInvalidEscape = DiagnosticCode(JSONErrorCode.invalidEscape)
  public static let jsonInvalidNumber = DiagnosticCode(JSONErrorCode.invalidNumber)
  public static let jsonNumberOutOfRange = DiagnosticCode(JSONErrorCode.numberOutOfRange)
  public static let jsonDepthExceeded = DiagnosticCode(JSONErrorCode.depthExceeded)
  public static let jsonValueTooLarge = DiagnosticCode(JSONErrorCode.valueTooLarge)
  public static let jsonTooManyValues = DiagnosticCode(JSONErrorCode.tooManyValues)
  public static let jsonTrailingContent = DiagnosticCode(JSONErrorCode.trailingContent)
  public static let jsonTruncated = DiagnosticCode(JSONErrorCode.truncated)
}
