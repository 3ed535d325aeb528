// Every layer builds on SlateCore (one `Severity`, one `DiagnosticCode`, the `PushParser`
// contract, `SplitMix64`); importing SlateJSON gives them too.
@_exported import SlateCore

/// The framer is a push parser of text bytes: its convenience overloads (`[UInt8]`, slices,
/// any byte sequence, returning arrays) and its `AsyncSequence` adapter come from SlateCore.
extension JSONFramer: PushParser {}

/// The `json.*` codes of JSON syntax and limit errors, the closed set of this layer, shared by
/// the one-shot parser (``JSONParseError``) and the incremental framer (``FramerDiagnostic``).
extension DiagnosticCode {
  public static let jsonUnexpectedByte: DiagnosticCode = "json.unexpected_byte"
  public static let jsonInvalidUTF8: DiagnosticCode = "json.invalid_utf8"
  public static let jsonInvalidEscape: DiagnosticCode = "json.invalid_escape"
  public static let jsonInvalidNumber: DiagnosticCode = "json.invalid_number"
  /// A number simdjson cannot hold: beyond a double's range, or an integer lexeme outside
  /// [-2⁶³, 2⁶⁴ - 1].
  public static let jsonNumberOutOfRange: DiagnosticCode = "json.number_out_of_range"
  public static let jsonDepthExceeded: DiagnosticCode = "json.depth_exceeded"
  public static let jsonValueTooLarge: DiagnosticCode = "json.value_too_large"
  /// More framed values than ``FramerLimits/maxValues`` (the incremental framer only).
  public static let jsonTooManyValues: DiagnosticCode = "json.too_many_values"
  public static let jsonTrailingContent: DiagnosticCode = "json.trailing_content"
  public static let jsonTruncated: DiagnosticCode = "json.truncated"

  /// Every `json.*` code.
  public static let jsonCodes: [DiagnosticCode] = [
    .jsonUnexpectedByte, .jsonInvalidUTF8, .jsonInvalidEscape, .jsonInvalidNumber, .jsonNumberOutOfRange,
    .jsonDepthExceeded, .jsonValueTooLarge, .jsonTooManyValues, .jsonTrailingContent, .jsonTruncated,
  ]
}
