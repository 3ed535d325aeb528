import CSimdjson

/// Bytes followed by `PaddedBytes.padding` readable bytes, as simdjson requires of every
/// input. Keeping input in this form lets ``SimdjsonParser`` parse without copying.
public struct PaddedBytes: Sendable {
  /// Bytes simdjson may read past the end of the input.
  public static let padding = Int(SLATE_JSON_PADDING)

  @usableFromInline var storage: [UInt8]
  /// The number of meaningful bytes.
  public private(set) var count: Int

  public init() {
    storage = [UInt8](repeating: 0, count: PaddedBytes.padding)
    count = 0
  }

  public init(_ bytes: some Sequence<UInt8>) {
    self.init()
    append(contentsOf: bytes)
  }

  public init(_ string: String) { self.init(string.utf8) }

  /// Appends bytes, keeping the padding after them. Amortised O(bytes).
  public mutating func append(contentsOf bytes: some Sequence<UInt8>) {
    storage.removeLast(PaddedBytes.padding)
    storage.append(contentsOf: bytes)
    count = storage.count
    storage.append(contentsOf: PaddedBytes.zeros)
  }

  /// Appends raw bytes, keeping the padding after them. Amortised O(bytes).
  public mutating func append(_ bytes: UnsafeRawBufferPointer) {
    storage.removeLast(PaddedBytes.padding)
    storage.append(contentsOf: bytes.assumingMemoryBound(to: UInt8.self))
    count = storage.count
    storage.append(contentsOf: PaddedBytes.zeros)
  }

  /// Replaces the bytes with `bytes`, keeping the allocation: one copy (the input of
  /// every parse of ``SimdjsonParser/parseDocument(_:)``). O(bytes).
  public mutating func replaceAll(with bytes: UnsafeRawBufferPointer) {
    storage.removeAll(keepingCapacity: true)
    storage.reserveCapacity(bytes.count + PaddedBytes.padding)
    storage.append(contentsOf: bytes.assumingMemoryBound(to: UInt8.self))
    count = storage.count
    storage.append(contentsOf: PaddedBytes.zeros)
  }

  /// Forgets the bytes, keeping the allocation.
  public mutating func removeAll() {
    storage.removeAll(keepingCapacity: true)
    storage.append(contentsOf: PaddedBytes.zeros)
    count = 0
  }

  /// The padding's bytes (appended with one copy, not element by element).
  static let zeros = [UInt8](repeating: 0, count: PaddedBytes.padding)

  /// The meaningful bytes (the padding is readable past `count`).
  public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    let n = count
    return try storage.withUnsafeBytes { raw in try body(UnsafeRawBufferPointer(rebasing: raw[0..<n])) }
  }

  public var bytes: ArraySlice<UInt8> { storage[0..<count] }
}

extension PaddedBytes {
  /// `head` followed by `tail`, in one allocation of exactly their size plus the padding.
  init(_ head: UnsafeRawBufferPointer, _ tail: UnsafeRawBufferPointer) {
    let total = head.count + tail.count
    storage = [UInt8](unsafeUninitializedCapacity: total + PaddedBytes.padding) { buffer, initialized in
      let out = UnsafeMutableRawPointer(buffer.baseAddress!)
      if let h = head.baseAddress, !head.isEmpty { out.copyMemory(from: h, byteCount: head.count) }
      if let t = tail.baseAddress, !tail.isEmpty { (out + head.count).copyMemory(from: t, byteCount: tail.count) }
      (out + total).initializeMemory(as: UInt8.self, repeating: 0, count: PaddedBytes.padding)
      initialized = total + PaddedBytes.padding
    }
    count = total
  }
}
