// The structure of JSON text (RFC 8259 §2, §4, §5) and the framings around it.
//
//   JSON-text = ws value ws
//   begin-array = ws %x5B ws; begin-object = ws %x7B ws; end-array = ws %x5D ws
//   end-object = ws %x7D ws; name-separator = ws %x3A ws; value-separator = ws %x2C ws

extension JSONFramer {
  /// Whitespace, then one structural byte or the first byte of a token, where `next` says
  /// what may come.
  mutating func scanStructure(_ next: Next, _ p: UnsafePointer<UInt8>, _ from: Int, _ n: Int) -> Int {
    var i = from
    // RFC 8259 §2: ws = *( %x20 / %x09 / %x0A / %x0D )
    while i < n, Self.isWhitespace(p[i]) { i += 1 }
    var next = next
    if i > from && next == .adjacent {
      next = .between
      state = .structure(.between)
    }
    guard i < n else { return n }
    let c = p[i]
    switch next {
    case .value, .between:
      return beginValue(p, i, n, expected: .value)
    case .arrayFirst:
      // array = begin-array [ value *( value-separator value ) ] end-array
      if c == UInt8(ascii: "]") { return closeContainer(at: i) }
      return beginValue(p, i, n, expected: .valueOrArrayClose)
    case .objectFirst:
      // object = begin-object [ member *( value-separator member ) ] end-object
      if c == UInt8(ascii: "}") { return closeContainer(at: i) }
      if c == UInt8(ascii: "\"") { return beginKey(at: i) }
      return reject(byte: i, p, n, expected: .keyOrObjectClose)
    case .key:
      if c == UInt8(ascii: "\"") { return beginKey(at: i) }
      return reject(byte: i, p, n, expected: .keyAfterComma)
    case .colon, .fieldColon:
      // member = string name-separator value
      guard c == UInt8(ascii: ":") else { return reject(byte: i, p, n, expected: .colon) }
      state = .structure(next == .fieldColon ? .fieldArray : .value)
      return i + 1
    case .afterValue:
      let inObject = stack.innermostIsObject
      // value-separator = ws %x2C ws
      if c == UInt8(ascii: ",") {
        state = .structure(inObject ? .key : .value)
        return i + 1
      }
      if c == (inObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) { return closeContainer(at: i) }
      return reject(byte: i, p, n, expected: inObject ? .commaOrObjectClose : .commaOrArrayClose)
    case .adjacent:
      return reject(byte: i, p, n, expected: .separator)
    case .trailing:
      return reject(byte: i, p, n, expected: mode == .value ? .nothingAfterValue : .nothingAfterClose)
    case .fieldArray:
      guard c == UInt8(ascii: "[") else { return reject(byte: i, p, n, expected: .fieldArray) }
      return openContainer(at: i, isObject: false, opensFraming: true)
    case .start:
      return beginFraming(p, i, n)
    }
  }

  /// The first non-whitespace byte of `array`, `field` or `auto` framing.
  mutating func beginFraming(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int) -> Int {
    let c = p[i]
    switch mode {
    case .undecided:
      if c == UInt8(ascii: "[") {
        mode = .array
        frameDepth = 1
        return openContainer(at: i, isObject: false, opensFraming: true)
      }
      mode = .sequence
      framingOpen = true
      state = .structure(.between)
      return i
    case .array:
      guard c == UInt8(ascii: "[") else {
        return reject(byte: i, p, n, expected: .framingArray)
      }
      return openContainer(at: i, isObject: false, opensFraming: true)
    case .field:
      guard c == UInt8(ascii: "{") else {
        return reject(byte: i, p, n, expected: .fieldObject)
      }
      return openContainer(at: i, isObject: true, opensFraming: false)
    case .sequence, .value:
      preconditionFailure("\(mode) framing has no start state")
    }
  }

  /// The first byte of a value: `value = false / null / true / object / array / number / string`.
  mutating func beginValue(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int, expected: Expected) -> Int {
    let c = p[i]
    let isContainer = c == UInt8(ascii: "{") || c == UInt8(ascii: "[")
    guard isContainer || c == UInt8(ascii: "\"") || c == UInt8(ascii: "t") || c == UInt8(ascii: "f")
      || c == UInt8(ascii: "n") || c == UInt8(ascii: "-") || Self.isDigit(c)
    else { return reject(byte: i, p, n, expected: expected) }
    if valueStart < 0 && depth == frameDepth && framingOpen {
      guard startValue(at: i, first: c) else { return i + 1 }
    }
    if captureSlot >= 0 {
      if isContainer { captureSlot = -1 } else { startTrack(.capture, at: i) }
    }
    switch c {
    case UInt8(ascii: "{"): return openContainer(at: i, isObject: true, opensFraming: false)
    case UInt8(ascii: "["): return openContainer(at: i, isObject: false, opensFraming: false)
    case UInt8(ascii: "\""): state = .string(key: false)
    case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"): state = .literal(Literal(first: c))
    case UInt8(ascii: "-"): state = .number(.minus)
    case UInt8(ascii: "0"): state = .number(.zero)
    default: state = .number(.integer)
    }
    return i + 1
  }

  /// `begin-array` / `begin-object`: one level deeper, within ``FramerLimits/maxDepth``.
  mutating func openContainer(at i: Int, isObject: Bool, opensFraming: Bool) -> Int {
    guard depth < limits.maxDepth else {
      fail(.jsonDepthExceeded, at: base + i,
           "nesting deeper than \(limits.maxDepth) levels, the limit: '\(isObject ? "{" : "[")' opens level \(depth + 1)")
      return i + 1
    }
    stack.push(isObject: isObject)
    if valueStart >= 0 { lastCut = base + i + 1 }
    if opensFraming { framingOpen = true }
    state = .structure(isObject ? .objectFirst : .arrayFirst)
    return i + 1
  }

  /// `end-array` / `end-object` at chunk index `i`: the container is a complete value.
  mutating func closeContainer(at i: Int) -> Int {
    stack.pop()
    if framingOpen && depth == frameDepth - 1 { framingOpen = false }  // the framing array closed
    valueDone(end: base + i + 1)
    return i + 1
  }

  /// A value (scalar or container) ended at text offset `end`, at the current depth.
  mutating func valueDone(end: Int) {
    state = .structure(depth > 0 ? .afterValue : (mode == .sequence ? .between : .trailing))
    guard valueStart >= 0 else { return }
    if depth == frameDepth { completeValue(end: end) } else { lastCut = end }
  }
}
