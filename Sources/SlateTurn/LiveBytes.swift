/// A chunk of raw provider bytes a ``LiveTurn`` can read in place: the element of the
/// `AsyncSequence` a host feeds it. `[UInt8]`, `ArraySlice<UInt8>` and Foundation's `Data`
/// conform here; NIO's `ByteBuffer` conforms in the `SlateNIO` module (through
/// `withUnsafeReadableBytes`, without copying), so an AsyncHTTPClient response body feeds a
/// live turn as it is. A host's own buffer type conforms the same way.
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
