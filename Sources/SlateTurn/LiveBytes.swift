/// A chunk of raw provider bytes a ``LiveTurn`` can read in place: the element of the
/// `AsyncSequence` a host feeds it. `[UInt8]`, `ArraySlice<UInt8>` and Foundation's `Data`
/// conform; a NIO `ByteBuffer` conforms in the host (or an adapter module) through
/// `withUnsafeReadableBytes`, without copying:
///
/// ```swift
/// extension ByteBuffer: LiveBytes {
///   public func withLiveBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
///     try withUnsafeReadableBytes(body)
///   }
/// }
/// ```
public protocol LiveBytes {
  /// Calls `body` with the chunk's bytes, contiguous and valid only during the call.
  func withLiveBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R
}

extension Array: LiveBytes where Element == UInt8 {
  public func withLiveBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    try withUnsafeBytes(body)
  }
}

extension ArraySlice: LiveBytes where Element == UInt8 {
  public func withLiveBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    try withUnsafeBytes(body)
  }
}
