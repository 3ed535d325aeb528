import SlateCore

/// The `dialect.*` codes (``DialectDiagnostic/Code`` is their closed set) as diagnostic codes.
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
}

/// The `stream.*` codes: what the action stream reports itself (the other layers' codes pass
/// through ``StreamDiagnostic``).
extension DiagnosticCode {
  /// The answer text is not JSON (``TextFraming/auto`` found prose): it is not framed.
  public static let streamProseText: DiagnosticCode = "stream.prose_text"
  /// A tool call's value was complete but the call never received its end signal, so it
  /// was not committed.
  public static let streamValueNotCommitted: DiagnosticCode = "stream.value_not_committed"
  /// More actions than ``ActionStreamOptions/maxActions``: the rest are not emitted.
  public static let streamTooManyActions: DiagnosticCode = "stream.too_many_actions"
  /// More tool calls open at once than ``ActionStreamOptions/maxOpenCalls``: the new call
  /// is not framed.
  public static let streamTooManyOpenCalls: DiagnosticCode = "stream.too_many_open_calls"
  /// An event that may have carried bytes of this channel could not be read (a
  /// ``Delta/Kind/gap(_:)``): the value in progress is dropped and nothing more on the
  /// channel is framed (error; the stream's status is ``StreamStatus/gap(at:)``).
  public static let streamGap: DiagnosticCode = "stream.gap"
  /// The answer text starts with a UTF-8 byte order mark: skipped (info).
  public static let streamByteOrderMark: DiagnosticCode = "stream.byte_order_mark"
}
