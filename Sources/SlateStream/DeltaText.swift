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
      return try withExtendedLifetime(buffer) { try body(buffer.bytes(start: start, count: count)) }
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
///
/// Its own allocation rather than an array: a fragment is appended with one copy and one
/// capacity check (an array's append checked uniqueness and went through its generic path,
/// about fifty instructions per fragment). A delta reads its span through the buffer
/// (``bytes(start:count:)``), so growing (a new allocation) never leaves one dangling.
final class DeltaBytes: @unchecked Sendable {
  private var base: UnsafeMutableRawPointer?
  /// Bytes appended since the last ``removeAll(keepingCapacity:)``.
  private(set) var count = 0
  private(set) var capacity = 0

  init(capacity: Int = 0) {
    if capacity > 0 { reallocate(capacity) }
  }

  deinit { base?.deallocate() }

  /// Appends `fragment` and returns its text. O(fragment) amortised.
  @inline(__always)
  func text(_ fragment: UnsafeRawBufferPointer) -> DeltaText {
    let start = count
    let n = fragment.count
    if n > capacity &- start { reallocate(Swift.max(start + n, capacity * 2, 256)) }
    if let source = fragment.baseAddress, let base { (base + start).copyMemory(from: source, byteCount: n) }
    count = start &+ n
    return DeltaText(self, start: start, count: n)
  }

  /// The bytes of a text this buffer returned, valid while the buffer lives and is not
  /// written again.
  @inline(__always)
  func bytes(start: Int, count: Int) -> UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(start: base.map { UnsafeRawPointer($0) + start }, count: count)
  }

  /// Forgets the bytes; frees the storage unless `keepingCapacity`.
  func removeAll(keepingCapacity: Bool) {
    count = 0
    if !keepingCapacity, let old = base {
      old.deallocate()
      base = nil
      capacity = 0
    }
  }

  /// Moves the bytes to an allocation of `newCapacity` bytes (at least ``count``). Out of
  /// line: rare.
  @inline(never)
  private func reallocate(_ newCapacity: Int) {
    let new = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 1)
    if let old = base {
      new.copyMemory(from: old, byteCount: count)
      old.deallocate()
    }
    base = new
    capacity = newCapacity
  }
}
