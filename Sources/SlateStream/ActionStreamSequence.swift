import SlateCore

/// The action stream over an asynchronous sequence of byte chunks (an `AsyncHTTPClient`
/// body, a `URLSession` byte stream cut into chunks, a file read in blocks): the items each
/// chunk completes, then, when the chunks end, the tail ending with ``StreamItem/end(_:)``.
/// The generic ``PushParserSequence`` over an ``ActionStream``: yields exactly what feeding
/// the same chunks to the stream yields.
@available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, visionOS 2.0, *)
public typealias ActionStreamSequence<Base: AsyncSequence> = PushParserSequence<Base, ActionStream>
where Base.Element: Sequence, Base.Element.Element == UInt8

/// The action stream is a push parser of raw provider bytes; its overloads and its
/// `AsyncSequence` adapter come from SlateCore.
extension ActionStream: PushParser {}

@available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, visionOS 2.0, *)
extension PushParserSequence where Parser == ActionStream {
  /// The actions of `base`'s chunks, read with `options`.
  public init(_ base: Base, options: ActionStreamOptions = .default) {
    self.init(base, parser: ActionStream(options: options))
  }
}

@available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, visionOS 2.0, *)
extension AsyncSequence where Element: Sequence, Element.Element == UInt8 {
  /// The actions of a provider stream whose bytes this sequence yields in chunks.
  public func actionStream(options: ActionStreamOptions = .default) -> ActionStreamSequence<Self> {
    ActionStreamSequence(self, options: options)
  }
}
