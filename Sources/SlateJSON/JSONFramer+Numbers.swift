// Numbers (RFC 8259 §6) and the literals true, false, null (RFC 8259 §3).
//
//   number = [ minus ] int [ frac ] [ exp ]
//   int = zero / ( digit1-9 *DIGIT )
//   frac = decimal-point 1*DIGIT
//   exp = e [ minus / plus ] 1*DIGIT
//
// A number has no closing byte: it stays tentative until a byte that cannot continue it
// arrives (that byte is then scanned in the state after the number), or until `finish()`
// for a top-level number.

extension JSONFramer {
  /// Number bytes from `from`, in the number state the previous byte left.
  mutating func scanNumber(_ p: UnsafePointer<UInt8>, _ from: Int, _ n: Int) -> Int {
    var i = from
    while i < n {
      let c = p[i]
      switch state {
      case .minus:
        // int = zero / ( digit1-9 *DIGIT )
        guard Self.isDigit(c) else { return reject(.invalidNumber, byte: i, p, n, expected: "a digit after '-'") }
        state = c == UInt8(ascii: "0") ? .zero : .integer
        i += 1
      case .zero:
        if Self.isDigit(c) {
          fail(.invalidNumber, at: base + i, "expected '.', 'e' or the end of a number after a leading 0, found \(Self.describe(c)) (leading zeros are not allowed)")
          return n
        }
        guard let next = afterInteger(c) else { return numberDone(at: i) }
        state = next
        i += 1
      case .integer:
        while i < n, Self.isDigit(p[i]) { i += 1 }
        guard i < n else { return n }
        guard let next = afterInteger(p[i]) else { return numberDone(at: i) }
        state = next
        i += 1
      case .dot:
        // frac = decimal-point 1*DIGIT
        guard Self.isDigit(c) else { return reject(.invalidNumber, byte: i, p, n, expected: "a digit after '.'") }
        state = .fraction
        i += 1
      case .fraction:
        while i < n, Self.isDigit(p[i]) { i += 1 }
        guard i < n else { return n }
        guard p[i] | 0x20 == UInt8(ascii: "e") else { return numberDone(at: i) }
        state = .exponentMark
        i += 1
      case .exponentMark:
        // exp = e [ minus / plus ] 1*DIGIT
        if c == UInt8(ascii: "+") || c == UInt8(ascii: "-") {
          state = .exponentSign
        } else if Self.isDigit(c) {
          state = .exponent
        } else {
          return reject(.invalidNumber, byte: i, p, n, expected: "a digit, '+' or '-' after the exponent's 'e'")
        }
        i += 1
      case .exponentSign:
        guard Self.isDigit(c) else {
          return reject(.invalidNumber, byte: i, p, n, expected: "a digit after the exponent's sign")
        }
        state = .exponent
        i += 1
      case .exponent:
        while i < n, Self.isDigit(p[i]) { i += 1 }
        guard i < n else { return n }
        return numberDone(at: i)
      default:
        preconditionFailure("scanNumber in state \(state)")
      }
    }
    return n
  }

  /// The state after an integer part when `c` continues the number ('.' or 'e'), else nil.
  @inline(__always)
  func afterInteger(_ c: UInt8) -> State? {
    if c == UInt8(ascii: ".") { return .dot }
    if c | 0x20 == UInt8(ascii: "e") { return .exponentMark }
    return nil
  }

  /// The number ended before chunk index `i` (the byte there, if any, is not part of it).
  mutating func numberDone(at i: Int) -> Int {
    scalarDone(end: i)
    if depth == 0 { separatorNeeded = true }
    return i
  }

  // MARK: Literals

  /// `true`, `false` or `null` after its first byte `c`: the bytes still expected.
  mutating func beginLiteral(_ c: UInt8) {
    literalFirst = c
    switch c {
    case UInt8(ascii: "t"): (literalRest, literalLeft) = (0x65_75_72, 3)  // "rue"
    case UInt8(ascii: "f"): (literalRest, literalLeft) = (0x65_73_6C_61, 4)  // "alse"
    default: (literalRest, literalLeft) = (0x6C_6C_75, 3)  // "ull"
    }
    state = .literal
  }

  /// The rest of a literal, which may be split anywhere.
  mutating func scanLiteral(_ p: UnsafePointer<UInt8>, _ from: Int, _ n: Int) -> Int {
    var i = from
    while literalLeft > 0 && i < n {
      let want = UInt8(truncatingIfNeeded: literalRest)
      guard p[i] == want else {
        return reject(.unexpectedByte, byte: i, p, n, expected: "'\(Character(Unicode.Scalar(want)))' to continue '\(literalName)'")
      }
      literalRest >>= 8
      literalLeft -= 1
      i += 1
    }
    if literalLeft == 0 {
      scalarDone(end: i)
      if depth == 0 { separatorNeeded = true }
    }
    return i
  }

  var literalName: String {
    switch literalFirst {
    case UInt8(ascii: "t"): "true"
    case UInt8(ascii: "f"): "false"
    default: "null"
    }
  }

  /// A string, number or literal value ended before chunk index `end`.
  @inline(__always)
  mutating func scalarDone(end: Int) {
    if track == .capture { captureDone(end: end) }
    valueDone(end: base + end)
  }
}
