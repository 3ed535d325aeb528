/// Code-point equality of two strings: their UTF-8 bytes are equal (JSON's and JSON
/// Schema's string equality; not Swift's `==`, which compares by canonical equivalence, so
/// NFC and NFD spellings differ here).
///
/// The counts first (O(1) for native strings), then the contiguous bytes eight at a time;
/// the generic `elementsEqual` over the two views only for a string whose bytes are not
/// contiguous. O(bytes), no allocation.
@inlinable
public func codePointsEqual(_ a: String, _ b: String) -> Bool {
  let count = a.utf8.count
  guard count == b.utf8.count else { return false }
  if count == 0 { return true }
  let same = a.utf8.withContiguousStorageIfAvailable { x -> Bool? in
    b.utf8.withContiguousStorageIfAvailable { y -> Bool in
      codePointBytesEqual(UnsafeRawPointer(x.baseAddress!), UnsafeRawPointer(y.baseAddress!), count)
    }
  }
  if let same, let same { return same }
  return a.utf8.elementsEqual(b.utf8)
}

/// Whether `count` bytes at `x` and `y` are equal: eight bytes at a time, then the tail.
@inlinable
func codePointBytesEqual(_ x: UnsafeRawPointer, _ y: UnsafeRawPointer, _ count: Int) -> Bool {
  var i = 0
  while i + 8 <= count {
    if x.loadUnaligned(fromByteOffset: i, as: UInt64.self) != y.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
      return false
    }
    i += 8
  }
  while i < count {
    if x.load(fromByteOffset: i, as: UInt8.self) != y.load(fromByteOffset: i, as: UInt8.self) { return false }
    i += 1
  }
  return true
}
