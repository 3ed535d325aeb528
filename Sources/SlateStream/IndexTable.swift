/// Values keyed by an `Int` that is almost always small and non-negative (an Anthropic
/// content block's `index`): keys 0 to 1,023 at their own position of one array, any other
/// in a dictionary, so the lookup at every event costs an index rather than a hash.
/// Only ``subscript(_:)`` reads, so no order depends on the dictionary's. O(1); memory
/// O(largest small key + other keys).
struct IndexTable<Element> {
  private var slots: [Element?] = []
  private var others: [Int: Element] = [:]

  /// Keys below this (and not negative) are array positions.
  static var inlineKeys: Int { 1024 }

  @inline(__always)
  private static func isInline(_ key: Int) -> Bool { key >= 0 && key < inlineKeys }

  subscript(key: Int) -> Element? {
    get {
      if Self.isInline(key) { return key < slots.count ? slots[key] : nil }
      return others[key]
    }
    // In place (a value that grows, as a server tool's input, is not copied per write).
    _modify {
      if Self.isInline(key) {
        if key >= slots.count { slots.append(contentsOf: repeatElement(nil, count: key + 1 - slots.count)) }
        yield &slots[key]
      } else {
        yield &others[key]
      }
    }
  }

  /// Forgets every value, keeping the array's storage.
  mutating func removeAll() {
    slots.removeAll(keepingCapacity: true)
    if !others.isEmpty { others = [:] }
  }
}
