import SlateCore

/// The `dialect.*` and `stream.*` codes (``DialectDiagnostic/Code`` and
/// ``StreamDiagnostic/Code`` are their closed sets) as diagnostic codes.
extension DiagnosticCode {
  public static let dialectInvalidPayload = DiagnosticCode(DialectDiagnostic.Code.invalidPayload)
  public static let dialectEmptyPayload = DiagnosticCode(DialectDiagnostic.Code.emptyPayload)
  public static let dialectUnexpectedPayload = DiagnosticCode(DialectDiagnostic.Code.unexpectedPayload)
  public static let dialectUnknownEvent = DiagnosticCode(DialectDiagnostic.Code.unknownEvent)
  public static let dialectEventTypeMismatch = DiagnosticCode(DialectDiagnostic.Code.eventTypeMismatch)
  public static let dialectEventAfterTerminal = DiagnosticCode(DialectDiagnostic.Code.eventAfterTerminal)
  public static let dialectNewCallOnReusedIndex = DiagnosticCode(DialectDiagnostic.Code.newCallOnReusedIndex)
  public static let dialectToolFragmentWithoutCall = DiagnosticCode(DialectDiagnostic.Code.toolFragmentWithoutCall)
  public static let dialectCallWithoutName = DiagnosticCode(DialectDiagnostic.Code.callWithoutName)
  public static let dialectArgumentsMismatch = DiagnosticCode(DialectDiagnostic.Code.argumentsMismatch)
  public static let dialectRepeatedFinish = DiagnosticCode(DialectDiagnostic.Code.repeatedFinish)
  public static let dialectDeltaWithoutStart = DiagnosticCode(DialectDiagnostic.Code.deltaWithoutStart)
  public static let dialectDeltaAfterStop = DiagnosticCode(DialectDiagnostic.Code.deltaAfterStop)
  public static let dialectDuplicateStart = DiagnosticCode(DialectDiagnostic.Code.duplicateStart)
  public static let dialectDeltaTypeMismatch = DiagnosticCode(DialectDiagnostic.Code.deltaTypeMismatch)
  public static let dialectBlockNotStopped = DiagnosticCode(DialectDiagnostic.Code.blockNotStopped)
  public static let dialectSecondMessageStart = DiagnosticCode(DialectDiagnostic.Code.secondMessageStart)
  public static let dialectMissingMessageStart = DiagnosticCode(DialectDiagnostic.Code.missingMessageStart)
  public static let dialectCallNotEnded = DiagnosticCode(DialectDiagnostic.Code.callNotEnded)
  public static let dialectNoTerminalEvent = DiagnosticCode(DialectDiagnostic.Code.noTerminalEvent)
  public static let dialectInvalidUTF8 = DiagnosticCode(DialectDiagnostic.Code.invalidUTF8)
  public static let dialectCutInsideUTF8 = DiagnosticCode(DialectDiagnostic.Code.cutInsideUTF8)
  public static let dialectUndetectedDialect = DiagnosticCode(DialectDiagnostic.Code.undetectedDialect)
  public static let dialectInvalidJSONPath = DiagnosticCode(DialectDiagnostic.Code.invalidJSONPath)
  public static let streamProseText = DiagnosticCode(StreamDiagnostic.Code.proseText)
  public static let streamValueNotCommitted = DiagnosticCode(StreamDiagnostic.Code.valueNotCommitted)
  public static let streamTooManyActions = DiagnosticCode(StreamDiagnostic.Code.tooManyActions)
  public static let streamTooManyOpenCalls = DiagnosticCode(StreamDiagnostic.Code.tooManyOpenCalls)
}
