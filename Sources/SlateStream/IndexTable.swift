/// Values keyed by an `Int` that is almost always small and non-negative (an Anthropic
/// content block's `index`): keys 0 to 1,023 at their own position of one array, any other
/// at a position of a second array that a dictionary assigns it, so the lookup at every
/// event costs an index rather than a hash. Only ``subscript(_:)`` reads, so no order
/// depends on the dictionary's. O(1); memory O(largest small key + other keys).
///
/// Read and written in place through the element's address (as ``AnswerTable``): a getter
/// copied the whole element (a block's strings and input) at every read of one of its
/// fields. The address is valid for the access only: the table is accessed exclusively
/// meanwhile, so neither array is resized or copied under it.
struct IndexTable<Element: IndexTableElement> {
  private var slots: [Element?] = []
  private var others: [Element?] = []
  /// Where each key outside `0..<inlineKeys` is in ``others``.
  private var otherIndex: [Int: Int] = [:]

  /// Keys below this (and not negative) are array positions.
  static var inlineKeys: Int { 1024 }

  @inline(__always)
  private static func isInline(_ key: Int) -> Bool { key >= 0 && key < inlineKeys }

  subscript(key: Int) -> Element? {
    @inline(__always)
    unsafeAddress {
      if Self.isInline(key) {
        guard key < slots.count else { return UnsafePointer(Self.none) }
        return slots.withUnsafeBufferPointer { $0.baseAddress! + key }
      }
      guard let k = otherIndex[key] else { return UnsafePointer(Self.none) }
      return others.withUnsafeBufferPointer { $0.baseAddress! + k }
    }
    unsafeMutableAddress {
      if Self.isInline(key) {
        if key >= slots.count { slots.append(contentsOf: repeatElement(nil, count: key + 1 - slots.count)) }
        return slots.withUnsafeMutableBufferPointer { $0.baseAddress! + key }
      }
      let k: Int
      if let known = otherIndex[key] {
        k = known
      } else {
        k = others.count
        others.append(nil)
        otherIndex[key] = k
      }
      return others.withUnsafeMutableBufferPointer { $0.baseAddress! + k }
    }
  }

  /// Forgets every value, keeping the array's storage.
  mutating func removeAll() {
    slots.removeAll(keepingCapacity: true)
    if !others.isEmpty {
      others = []
      otherIndex = [:]
    }
  }

  private static var none: UnsafeMutablePointer<Element?> { Element.absent }
}

/// An ``IndexTable``'s element: it provides what an absent key reads (a generic type cannot
/// hold a stored static of its own).
protocol IndexTableElement {
  /// A `nil`, never written (writes make a slot first): what an absent key's address points at.
  static var absent: UnsafeMutablePointer<Self?> { get }
}

/// A `nil` of `T?` at an address of its own, never written nor freed: what a table read in
/// place (``IndexTable``, ``AnswerTable``) points an absent key at. Call it once per type,
/// from a stored static.
func permanentNil<T>(_: T.Type) -> UnsafeMutablePointer<T?> {
  let none = UnsafeMutablePointer<T?>.allocate(capacity: 1)
  none.initialize(to: nil)
  return none
}
