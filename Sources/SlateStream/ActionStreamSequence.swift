/// The action stream over an asynchronous sequence of byte chunks (an `AsyncHTTPClient`
/// body, a `URLSession` byte stream cut into chunks, a file read in blocks): the items each
/// chunk completes, then, when the chunks end, the tail ending with ``StreamItem/end(_:)``.
///
/// Yields exactly what feeding the same chunks to an ``ActionStream`` yields. An error
/// thrown by the base sequence ends iteration with that error (no end item: the caller
/// knows the transport failed). Memory: the stream's state plus the items of one chunk.
@available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, visionOS 2.0, *)
public struct ActionStreamSequence<Base: AsyncSequence>: AsyncSequence
where Base.Element: Sequence, Base.Element.Element == UInt8 {
  public typealias Element = StreamItem
  public typealias Failure = Base.Failure

  let base: Base
  let options: ActionStreamOptions

  public init(_ base: Base, options: ActionStreamOptions = .default) {
    self.base = base
    self.options = options
  }

  public func makeAsyncIterator() -> AsyncIterator {
    AsyncIterator(base: base.makeAsyncIterator(), stream: ActionStream(options: options))
  }

  public struct AsyncIterator: AsyncIteratorProtocol {
    public typealias Element = StreamItem
    public typealias Failure = Base.Failure

    var base: Base.AsyncIterator
    var stream: ActionStream
    /// Items of the last chunk not yet returned, from `nextIndex` on.
    var pending: [StreamItem] = []
    var nextIndex = 0
    var finished = false

    public mutating func next(isolation actor: isolated (any Actor)? = #isolation) async throws(Base.Failure) -> StreamItem? {
      while nextIndex == pending.count {
        if finished { return nil }
        pending.removeAll(keepingCapacity: true)
        nextIndex = 0
        if let chunk = try await base.next(isolation: actor) {
          stream.feed(chunk, into: &pending)
        } else {
          finished = true
          stream.finish(into: &pending)
        }
      }
      defer { nextIndex += 1 }
      return pending[nextIndex]
    }
  }
}

@available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, visionOS 2.0, *)
extension AsyncSequence where Element: Sequence, Element.Element == UInt8 {
  /// The actions of a provider stream whose bytes this sequence yields in chunks.
  public func actionStream(options: ActionStreamOptions = .default) -> ActionStreamSequence<Self> {
    ActionStreamSequence(self, options: options)
  }
}
