/// The text of a ``Delta``: a fragment of a channel's text or of a call's argument text
/// (valid UTF-8), compared and hashed by its bytes (code points).
///
/// An ``ActionStream`` gives its deltas' fragments as spans of one buffer per `feed` call
/// (``DeltaBytes``), so that a delta costs no allocation of its own; ``string`` builds a
/// `String` when read (O(bytes); read it once and keep it), ``withUTF8(_:)`` reads the
/// bytes in place. A delta kept alive keeps its buffer (the fragments of the chunk it came
/// from) alive. Made from a `String` (a literal, ``init(_:)``), it holds that string.
public struct DeltaText: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
  enum Storage: Sendable {
    case string(String)
    case span(DeltaBytes, start: Int, count: Int)
  }

  let storage: Storage

  public init(_ string: String) { storage = .string(string) }

  public init(stringLiteral value: String) { storage = .string(value) }

  init(_ buffer: DeltaBytes, start: Int, count: Int) { storage = .span(buffer, start: start, count: count) }

  /// The text as a `String` (built from the bytes when the delta came from a stream).
  public var string: String {
    switch storage {
    case .string(let string): string
    case .span: withUTF8 { String(decoding: $0.bindMemory(to: UInt8.self), as: UTF8.self) }
    }
  }

  /// Calls `body` with the text's UTF-8 bytes, valid only inside `body`.
  public func withUTF8<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    switch storage {
    case .string(var string): return try string.withUTF8 { try body(UnsafeRawBufferPointer($0)) }
    case .span(let buffer, let start, let count):
      return try buffer.bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start..<(start + count)])) }
    }
  }

  /// The number of UTF-8 bytes.
  public var utf8Count: Int {
    switch storage {
    case .string(let string): string.utf8.count
    case .span(_, _, let count): count
    }
  }

  /// Whether the text has no bytes.
  public var isEmpty: Bool { utf8Count == 0 }

  public var description: String { string }

  public static func == (a: DeltaText, b: DeltaText) -> Bool {
    guard a.utf8Count == b.utf8Count else { return false }
    return a.withUTF8 { x in b.withUTF8 { y in x.elementsEqual(y) } }
  }

  public func hash(into hasher: inout Hasher) {
    withUTF8 { hasher.combine(bytes: $0) }
    hasher.combine(0xFF as UInt8)
  }
}

/// The bytes of the delta fragments of one `feed` call of an ``ActionStream``, which
/// appends to it only during that call: the stream reuses it for a later call only when no
/// ``DeltaText`` holds it any more (``isKnownUniquelyReferenced``), else starts a new one.
/// `Sendable` on that contract: once a delta has left the stream, its buffer is not written.
final class DeltaBytes: @unchecked Sendable {
  /// Unchecked: written by one stream inside its `feed` calls only, read by deltas after
  /// (the dynamic exclusivity check cost two runtime calls per fragment).
  @exclusivity(unchecked) var bytes: [UInt8] = []

  init() {}

  /// Appends `fragment` and returns its text.
  func text(_ fragment: UnsafeRawBufferPointer) -> DeltaText {
    let start = bytes.count
    if fragment.count <= 8 {
      // Most fragments are a token or two: appended byte by byte, cheaper than a copy call.
      for byte in fragment { bytes.append(byte) }
    } else {
      bytes.append(contentsOf: fragment)
    }
    return DeltaText(self, start: start, count: fragment.count)
  }
}
