/// The kinds of the open containers, one bit per level (1 = object, 0 = array): the
/// framer's only state that grows with nesting, 8 bytes per 64 levels.
struct ContainerStack {
  private var words: [UInt64] = [0]

  /// Records the kind of the container at `level` (0 = outermost).
  @inline(__always)
  mutating func set(level: Int, isObject: Bool) {
    let word = level >> 6
    if word == words.count { words.append(0) }
    let bit = UInt64(1) << UInt64(level & 63)
    if isObject { words[word] |= bit } else { words[word] &= ~bit }
  }

  /// Whether the container at `level` is an object.
  @inline(__always)
  func isObject(level: Int) -> Bool {
    words[level >> 6] & (UInt64(1) << UInt64(level & 63)) != 0
  }
}
