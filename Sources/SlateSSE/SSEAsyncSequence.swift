/// Parses an asynchronous sequence of byte chunks (an `AsyncHTTPClient` body, a
/// `URLSession` stream cut into chunks, a file read in blocks) into ``SSEOutput``s: the
/// events, comments and diagnostics each chunk completes, then, when the base sequence
/// ends, the tail ``SSEParser/finish(into:)`` reports. The generic ``PushParserSequence``
/// over an ``SSEParser``: yields exactly what feeding the same chunks to the parser yields.
@available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, visionOS 2.0, *)
public typealias SSEAsyncSequence<Base: AsyncSequence> = PushParserSequence<Base, SSEParser>
where Base.Element: Sequence, Base.Element.Element == UInt8

@available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, visionOS 2.0, *)
extension PushParserSequence where Parser == SSEParser {
  /// `base`'s chunks parsed as a `text/event-stream` with `options`.
  @inlinable
  public init(_ base: Base, options: SSEParser.Options = .default) {
    self.init(base, parser: SSEParser(options: options))
  }
}

@available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, visionOS 2.0, *)
extension AsyncSequence where Element: Sequence, Element.Element == UInt8 {
  /// This sequence of byte chunks parsed as a `text/event-stream`: see ``SSEAsyncSequence``.
  @inlinable
  public func serverSentEvents(options: SSEParser.Options = .default) -> SSEAsyncSequence<Self> {
    SSEAsyncSequence(self, options: options)
  }
}
