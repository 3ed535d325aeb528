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
  /// Number bytes from `from`, after `step`.
  mutating func scanNumber(_ step: NumberStep, _ p: UnsafePointer<UInt8>, _ from: Int, _ n: Int) -> Int {
    var step = step
    var i = from
    scanning: while i < n {
      let c = p[i]
      switch step {
      case .minus:
        // int = zero / ( digit1-9 *DIGIT )
        guard Self.isDigit(c) else { return reject(byte: i, p, n, expected: .digitAfterMinus) }
        step = c == UInt8(ascii: "0") ? .zero : .integer
        i += 1
      case .zero:
        if Self.isDigit(c) {
          fail(.jsonInvalidNumber, at: base + i, "expected '.', 'e' or the end of a number after a leading 0, found \(Self.describe(c)) (leading zeros are not allowed)")
          return n
        }
        guard let next = Self.afterInteger(c) else { return unquotedScalarDone(end: i) }
        step = next
        i += 1
      case .integer:
        while i < n, Self.isDigit(p[i]) { i += 1 }
        guard i < n else { break scanning }
        guard let next = Self.afterInteger(p[i]) else { return unquotedScalarDone(end: i) }
        step = next
        i += 1
      case .dot:
        // frac = decimal-point 1*DIGIT
        guard Self.isDigit(c) else { return reject(byte: i, p, n, expected: .digitAfterDot) }
        step = .fraction
        i += 1
      case .fraction:
        while i < n, Self.isDigit(p[i]) { i += 1 }
        guard i < n else { break scanning }
        guard p[i] | 0x20 == UInt8(ascii: "e") else { return unquotedScalarDone(end: i) }
        step = .exponentMark
        i += 1
      case .exponentMark:
        // exp = e [ minus / plus ] 1*DIGIT
        if c == UInt8(ascii: "+") || c == UInt8(ascii: "-") {
          step = .exponentSign
        } else if Self.isDigit(c) {
          step = .exponent
        } else {
          return reject(byte: i, p, n, expected: .exponentDigitOrSign)
        }
        i += 1
      case .exponentSign:
        guard Self.isDigit(c) else { return reject(byte: i, p, n, expected: .exponentDigit) }
        step = .exponent
        i += 1
      case .exponent:
        while i < n, Self.isDigit(p[i]) { i += 1 }
        guard i < n else { break scanning }
        return unquotedScalarDone(end: i)
      }
    }
    state = .number(step)
    return n
  }

  /// The step after an integer part when `c` continues the number ('.' or 'e'), else nil.
  @inline(__always)
  static func afterInteger(_ c: UInt8) -> NumberStep? {
    if c == UInt8(ascii: ".") { return .dot }
    if c | 0x20 == UInt8(ascii: "e") { return .exponentMark }
    return nil
  }

  // MARK: Literals

  /// The rest of a literal, which may be split anywhere.
  @inline(never)
  mutating func scanLiteral(_ literal: Literal, _ p: UnsafePointer<UInt8>, _ from: Int, _ n: Int) -> Int {
    var rest = literal.rest
    var i = from
    while rest != 0 && i < n {
      let want = UInt8(truncatingIfNeeded: rest)
      guard p[i] == want else {
        return reject(byte: i, p, n, expected: .literal(want: want, first: literal.first))
      }
      rest &>>= 8
      i += 1
    }
    if rest == 0 { return unquotedScalarDone(end: i) }
    state = .literal(Literal(first: literal.first, rest: rest))
    return i
  }

  static func literalName(first: UInt8) -> String {
    switch first {
    case UInt8(ascii: "t"): "true"
    case UInt8(ascii: "f"): "false"
    default: "null"
    }
  }

  /// A number or literal ended before chunk index `end` (the byte there, if any, is not
  /// part of it): at the top level of `sequence`, whitespace must come before the next value.
  @inline(__always)
  mutating func unquotedScalarDone(end: Int) -> Int {
    scalarDone(end: end)
    if case .structure(.between) = state { state = .structure(.adjacent) }
    return end
  }

  /// A string, number or literal value ended before chunk index `end`.
  @inline(__always)
  mutating func scalarDone(end: Int) {
    if track == .capture { captureDone(end: end) }
    valueDone(end: base + end)
  }
}

extension JSONFramer.Literal {
  /// The literal whose first byte is `first` (`t`, `f` or `n`).
  @inline(__always)
  init(first: UInt8) {
    self.first = first
    switch first {
    case UInt8(ascii: "t"): rest = 0x65_75_72  // "rue"
    case UInt8(ascii: "f"): rest = 0x65_73_6C_61  // "alse"
    default: rest = 0x6C_6C_75  // "ull"
    }
  }
}
