extension Array {
  /// Removes every element, keeping the storage: element by element from the end.
  ///
  /// For the few elements a per-event or per-chunk scratch buffer holds, this costs a
  /// fraction of `removeAll(keepingCapacity: true)`, which goes through the generic
  /// `replaceSubrange` (about 200 instructions even for one element). O(count): for
  /// large buffers of plain bytes prefer `removeAll(keepingCapacity:)`.
  @inlinable
  package mutating func empty() {
    while !isEmpty { removeLast() }
  }
}
