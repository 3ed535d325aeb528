extension JSONValue {
  /// Frees `value` without recursion on the native stack.
  ///
  /// `JSONValue` is an enum over arrays of itself, so dropping the last reference to a
  /// deeply nested value frees it recursively: each level costs a few native stack frames,
  /// and a value nested hundreds of thousands of levels deep (allowed by a large
  /// ``JSONLimits/maxDepth``) would overflow the stack. This moves every child onto a heap
  /// stack before its container is freed, so each container dies empty. Parts of `value`
  /// still referenced elsewhere stay alive (and are freed recursively by their last owner:
  /// call this where the last deep reference dies, e.g. after printing a parsed document).
  /// O(size) time, O(width + depth) heap.
  public static func release(_ value: consuming JSONValue) {
    var pending: [JSONValue] = []
    pending.append(consume value)  // no reference may outlive the loop
    while let last = pending.popLast() {
      switch consume last {
      case .array(var elements):
        while let child = elements.popLast() { pending.append(child) }
      case .object(var object):
        while let member = object.members.popLast() { pending.append(member.value) }
      default:
        break
      }
    }
  }
}
