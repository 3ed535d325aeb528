// Every layer builds on SlateCore (one `Severity`, one `DiagnosticCode`, the `PushParser`
// contract, `SplitMix64`); importing the SSE parser gives them too.
@_exported import SlateCore

extension SSEParser: PushParser {}
