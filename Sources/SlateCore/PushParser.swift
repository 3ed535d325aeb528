/// The contract every push-style parser of the engine keeps (the SSE parser, the JSON
/// framer, the action stream, the turn pipeline): bytes are pushed in chunks cut anywhere,
/// each call appends what the chunk completed, and ``finish(into:)`` ends the input,
/// reporting a truncated tail. Feeding the same bytes in any chunking yields the same
/// outputs (the chunking-independence every parser's tests check with the one verifier).
///
/// A parser implements the two requirements on an unsafe buffer span (its hot loop); the
/// convenience overloads (arrays, slices, any byte sequence, returning arrays) are written
/// once, below, and ``PushParserSequence`` adapts any parser to an `AsyncSequence` of chunks.
public protocol PushParser {
  /// What the parser reports, in input order (events, values, items, diagnostics).
  associatedtype Output
  /// What ending the input returns beside its outputs (`Void`, or a summary).
  associatedtype Summary = Void

  /// Reads `bytes`, the next chunk of the input, and appends what it completed to
  /// `outputs`. O(bytes) plus what it completes.
  mutating func feed(_ bytes: UnsafeRawBufferPointer, into outputs: inout [Output])

  /// Ends the input: appends the tail (what a complete input would have completed, and a
  /// diagnostic for a truncated one) and returns the summary.
  @discardableResult
  mutating func finish(into outputs: inout [Output]) -> Summary
}

extension PushParser {
  /// Reads the next chunk from any byte sequence: contiguous storage (`[UInt8]`,
  /// `ArraySlice<UInt8>`, `Data`, a buffer) is read in place; anything else is copied once.
  @inlinable
  public mutating func feed(_ bytes: some Sequence<UInt8>, into outputs: inout [Output]) {
    let done: Void? = bytes.withContiguousStorageIfAvailable { feed(UnsafeRawBufferPointer($0), into: &outputs) }
    if done == nil { Array(bytes).withUnsafeBytes { feed($0, into: &outputs) } }
  }

  /// Reads the next chunk and returns what it completed.
  @inlinable
  public mutating func feed(_ bytes: UnsafeRawBufferPointer) -> [Output] {
    var outputs: [Output] = []
    feed(bytes, into: &outputs)
    return outputs
  }

  /// Reads the next chunk from any byte sequence and returns what it completed.
  @inlinable
  public mutating func feed(_ bytes: some Sequence<UInt8>) -> [Output] {
    var outputs: [Output] = []
    feed(bytes, into: &outputs)
    return outputs
  }

  /// Ends the input and returns the tail (see ``finish(into:)``).
  @inlinable
  public mutating func finish() -> [Output] {
    var outputs: [Output] = []
    finish(into: &outputs)
    return outputs
  }
}
