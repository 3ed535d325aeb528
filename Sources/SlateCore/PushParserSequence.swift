/// Any ``PushParser`` over an asynchronous sequence of byte chunks (an `AsyncHTTPClient`
/// body, a `URLSession` stream cut into chunks, a file read in blocks): the outputs each
/// chunk completes, then, when the base sequence ends, the tail ``PushParser/finish(into:)``
/// reports.
///
/// Yields exactly what feeding the same chunks to the parser directly yields. Each
/// iteration starts from a copy of the parser given (parsers are values, so a fresh one).
/// An error thrown by the base sequence ends iteration with that error (no finish tail: the
/// caller knows the transport failed). Memory: the parser's state plus the outputs of one
/// chunk.
@available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, visionOS 2.0, *)
public struct PushParserSequence<Base: AsyncSequence, Parser: PushParser>: AsyncSequence
where Base.Element: Sequence, Base.Element.Element == UInt8 {
  public typealias Element = Parser.Output
  public typealias Failure = Base.Failure

  @usableFromInline let base: Base
  @usableFromInline let parser: Parser

  /// Parses `base`'s chunks with (a copy of) `parser`.
  @inlinable
  public init(_ base: Base, parser: Parser) {
    self.base = base
    self.parser = parser
  }

  @inlinable
  public func makeAsyncIterator() -> AsyncIterator {
    AsyncIterator(base: base.makeAsyncIterator(), parser: parser)
  }

  public struct AsyncIterator: AsyncIteratorProtocol {
    public typealias Element = Parser.Output
    public typealias Failure = Base.Failure

    @usableFromInline var base: Base.AsyncIterator
    @usableFromInline var parser: Parser
    /// Outputs of the last chunk not yet returned, from `nextIndex` on.
    @usableFromInline var pending: [Parser.Output] = []
    @usableFromInline var nextIndex = 0
    @usableFromInline var finished = false

    @inlinable
    init(base: Base.AsyncIterator, parser: Parser) {
      self.base = base
      self.parser = parser
    }

    @inlinable
    public mutating func next(isolation actor: isolated (any Actor)? = #isolation) async throws(Base.Failure)
      -> Parser.Output?
    {
      while nextIndex == pending.count {
        if finished { return nil }
        pending.removeAll(keepingCapacity: true)
        nextIndex = 0
        if let chunk = try await base.next(isolation: actor) {
          parser.feed(chunk, into: &pending)
        } else {
          finished = true
          parser.finish(into: &pending)
        }
      }
      defer { nextIndex += 1 }
      return pending[nextIndex]
    }

    @inlinable
    public mutating func next() async throws(Base.Failure) -> Parser.Output? {
      try await next(isolation: nil)
    }
  }
}

@available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, visionOS 2.0, *)
extension PushParserSequence: Sendable where Base: Sendable, Parser: Sendable {}

@available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, visionOS 2.0, *)
extension AsyncSequence where Element: Sequence, Element.Element == UInt8 {
  /// This sequence of byte chunks parsed by (a copy of) `parser`: see ``PushParserSequence``.
  @inlinable
  public func parsed<Parser: PushParser>(by parser: Parser) -> PushParserSequence<Self, Parser> {
    PushParserSequence(self, parser: parser)
  }
}
