/// Parses an asynchronous sequence of byte chunks (an `AsyncHTTPClient` body, a
/// `URLSession` stream cut into chunks, a file read in blocks) into ``SSEOutput``s: the
/// events, comments and diagnostics each chunk completes, then, when the base sequence
/// ends, the tail ``SSEParser/finish(into:)`` reports.
///
/// Yields exactly what feeding the same chunks to an ``SSEParser`` directly yields. An
/// error thrown by the base sequence ends iteration with that error (no finish tail).
/// Memory: the parser's bounded state plus the outputs of one chunk.
@available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, visionOS 2.0, *)
public struct SSEAsyncSequence<Base: AsyncSequence>: AsyncSequence
where Base.Element: Collection, Base.Element.Element == UInt8 {
  public typealias Element = SSEOutput
  public typealias Failure = Base.Failure

  @usableFromInline let base: Base
  @usableFromInline let options: SSEParser.Options

  @inlinable
  public init(_ base: Base, options: SSEParser.Options = .default) {
    self.base = base
    self.options = options
  }

  @inlinable
  public func makeAsyncIterator() -> AsyncIterator {
    AsyncIterator(base: base.makeAsyncIterator(), parser: SSEParser(options: options))
  }

  public struct AsyncIterator: AsyncIteratorProtocol {
    public typealias Element = SSEOutput
    public typealias Failure = Base.Failure

    @usableFromInline var base: Base.AsyncIterator
    @usableFromInline var parser: SSEParser
    /// Outputs of the last chunk not yet returned, from `nextIndex` on.
    @usableFromInline var pending: [SSEOutput] = []
    @usableFromInline var nextIndex = 0
    @usableFromInline var finished = false

    @inlinable
    init(base: Base.AsyncIterator, parser: SSEParser) {
      self.base = base
      self.parser = parser
    }

    @inlinable
    public mutating func next(isolation actor: isolated (any Actor)? = #isolation) async throws(Base.Failure) -> SSEOutput? {
      while nextIndex == pending.count {
        if finished { return nil }
        pending.removeAll(keepingCapacity: true)
        nextIndex = 0
        if let chunk = try await base.next(isolation: actor) {
          parser.feed(chunk, into: &pending)
        } else {
          parser.finish(into: &pending)
          finished = true
        }
      }
      defer { nextIndex += 1 }
      return pending[nextIndex]
    }

    @inlinable
    public mutating func next() async throws(Base.Failure) -> SSEOutput? {
      try await next(isolation: nil)
    }
  }
}

@available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, visionOS 2.0, *)
extension SSEAsyncSequence: Sendable where Base: Sendable {}

@available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, visionOS 2.0, *)
extension AsyncSequence where Element: Collection, Element.Element == UInt8 {
  /// This sequence of byte chunks parsed as a `text/event-stream`: see ``SSEAsyncSequence``.
  @inlinable
  public func serverSentEvents(options: SSEParser.Options = .default) -> SSEAsyncSequence<Self> {
    SSEAsyncSequence(self, options: options)
  }
}
