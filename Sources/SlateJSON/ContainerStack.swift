/// The open containers, one bit per level (1 = object, 0 = array): with ``JSONFramer/State``,
/// the framer's whole grammar state, and its only state that grows with nesting, 8 bytes
/// per 64 levels (simdjson's stage 2 keeps the same: a depth and an is-array bit per level).
struct ContainerStack {
  /// Open containers.
  private(set) var depth = 0
  private var words: [UInt64] = [0]

  /// Opens a container one level deeper.
  @inline(__always)
  mutating func push(isObject: Bool) {
    let word = depth >> 6
    if word == words.count { words.append(0) }
    let bit = UInt64(1) << UInt64(depth & 63)
    if isObject { words[word] |= bit } else { words[word] &= ~bit }
    depth += 1
  }

  /// Closes the innermost container.
  @inline(__always)
  mutating func pop() { depth -= 1 }

  /// Whether the innermost open container is an object (there must be one).
  @inline(__always)
  var innermostIsObject: Bool { isObject(level: depth - 1) }

  /// Whether the container at `level` (0 = outermost) is an object.
  @inline(__always)
  func isObject(level: Int) -> Bool {
    words[level >> 6] & (UInt64(1) << UInt64(level & 63)) != 0
  }
}
