import NIOCore
import SlateTurn

/// A NIO `ByteBuffer` is a chunk a ``LiveTurn`` reads in place: its readable bytes are
/// handed to the pipeline through `withUnsafeReadableBytes`, never copied. So a host that
/// streams a provider's response with AsyncHTTPClient (its body is an `AsyncSequence` of
/// `ByteBuffer`s) or a NIO channel feeds ``LiveTurn/run(_:phase:source:)`` directly:
///
/// ```swift
/// let response = try await client.execute(request, timeout: .seconds(60))
/// try await live.run(response.body, phase: "scenes")
/// ```
///
/// The buffer's reader index is not moved (a `LiveTurn` reads each chunk once, whole).
/// Complexity: O(1) per chunk beyond what the pipeline does with its bytes.
extension ByteBuffer: LiveBytes {
  @inlinable
  public func withLiveBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    try withUnsafeReadableBytes(body)
  }
}
