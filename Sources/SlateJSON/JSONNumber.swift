/// A JSON number that keeps the lexeme it was written with.
///
/// Equality and hashing are by exact mathematical value (`1`, `1.0`, `10e-1` and `0.1e1`
/// are equal), computed from the lexeme in decimal, never through a `Double`, so two
/// integers that differ beyond 2⁵³ stay different. ``canonical`` is the normalised decimal
/// spelling used by the canonical serializer.
public struct JSONNumber: Sendable, CustomStringConvertible {
  /// The number exactly as written in the source (RFC 8259 §6 grammar).
  public let lexeme: String

  /// Wraps a lexeme; returns nil when it is not an RFC 8259 number.
  public init?(lexeme: String) {
    guard JSONNumber.isValidLexeme(lexeme.utf8) else { return nil }
    self.lexeme = lexeme
  }

  /// Wraps a lexeme already known to match the grammar (from the parser).
  @usableFromInline
  init(validatedLexeme: String) { self.lexeme = validatedLexeme }

  public init(_ value: Int64) { self.lexeme = String(value) }
  public init(_ value: Int) { self.lexeme = String(value) }

  /// A finite double, spelled with Swift's shortest round-tripping digits (`description`,
  /// which is always a valid JSON lexeme for finite values). Nil for NaN and ±∞.
  public init?(_ value: Double) {
    guard value.isFinite else { return nil }
    self.lexeme = value.description
  }

  public var description: String { lexeme }

  /// The exact value as Int64 when the number is an integer in range (`1.0` and `1e2` count).
  public var int64Value: Int64? {
    let d = decimal
    guard d.exponent >= 0 else { return nil }
    if d.digits.isEmpty { return 0 }
    guard d.digits.count + d.exponent <= 19 else { return nil }
    var magnitude: UInt64 = 0
    for digit in d.digits { magnitude = magnitude * 10 + UInt64(digit) }
    for _ in 0..<d.exponent {
      let (m, overflow) = magnitude.multipliedReportingOverflow(by: 10)
      if overflow { return nil }
      magnitude = m
    }
    if d.negative {
      return magnitude <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil
    }
    return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
  }

  /// The nearest Double (correctly rounded); ±∞ when the magnitude is beyond Double's range.
  public var doubleValue: Double { Double(lexeme) ?? .nan }

  /// True when the value is mathematically an integer (`2.0` and `2e3` are).
  public var isInteger: Bool { decimal.exponent >= 0 }

  /// The normalised decimal spelling: no leading or trailing zeros, no `+`, no `-0`,
  /// positional notation when the decimal point is within 21 digits (as ECMAScript's
  /// Number::toString, but exact: every digit of the lexeme is kept), except for integers
  /// outside [-2⁶³, 2⁶⁴ - 1], which take the exponent form (`1e20` is `1e+20`) because
  /// simdjson refuses such an integer lexeme: the canonical form always parses back.
  public var canonical: String { isCanonicalInteger ? lexeme : decimal.canonical }

  /// Appends ``canonical``'s UTF-8 bytes (the lexeme itself when it is canonical already).
  public func writeCanonical(into out: inout [UInt8]) {
    if isCanonicalInteger {
      out.append(contentsOf: lexeme.utf8)
    } else {
      out.append(contentsOf: decimal.canonical.utf8)
    }
  }

  /// Whether the lexeme is its own canonical form without working it out: an integer of
  /// 1 to 18 digits (within 64 bits), with no leading zero, and not `-0`. The common case
  /// of keys and payloads. O(lexeme).
  var isCanonicalInteger: Bool { Self.isCanonicalInteger(lexeme.utf8) }

  /// ``isCanonicalInteger`` of a lexeme's bytes (a number's bytes in a parsed document are
  /// written as they are when it holds, with no `JSONNumber` made).
  static func isCanonicalInteger(_ lexeme: some Collection<UInt8>) -> Bool {
    var digits = 0
    var leading: UInt8 = 0
    for byte in lexeme {
      if byte == UInt8(ascii: "-") && digits == 0 && leading == 0 {
        leading = byte
        continue
      }
      guard byte &- UInt8(ascii: "0") < 10 else { return false }
      if digits == 0 && byte == UInt8(ascii: "0") && (leading != 0 || lexeme.count > 1) { return false }
      digits += 1
    }
    return digits >= 1 && digits <= 18
  }

  /// The value as sign, significant digits (no leading or trailing zeros) and a power of ten.
  @usableFromInline
  var decimal: Decimal { Decimal(lexeme: lexeme) }

  /// Exact decimal form of a lexeme: value = (negative ? -1 : 1) × digits × 10^exponent.
  @usableFromInline
  struct Decimal: Equatable, Hashable {
    var negative: Bool
    var digits: [UInt8]
    var exponent: Int

    init(lexeme: String) {
      var negative = false
      var digits: [UInt8] = []
      var exponent = 0
      var fraction = 0
      var explicitExponent = 0
      var exponentNegative = false
      var state = 0  // 0 integer part, 1 fraction, 2 exponent
      for byte in lexeme.utf8 {
        switch byte {
        case UInt8(ascii: "-") where state == 0: negative = true
        case UInt8(ascii: "-"): exponentNegative = true
        case UInt8(ascii: "+"): break
        case UInt8(ascii: "."): state = 1
        case UInt8(ascii: "e"), UInt8(ascii: "E"): state = 2
        default:
          let d = byte &- UInt8(ascii: "0")
          if state == 2 {
            // Saturate far beyond any real number (no Int overflow); see `hugeExponent`.
            explicitExponent = explicitExponent > 400_000_000_000_000_000
              ? 4_000_000_000_000_000_000 : explicitExponent * 10 + Int(d)
          } else {
            if state == 1 { fraction += 1 }
            if !(digits.isEmpty && d == 0) { digits.append(d) }
          }
        }
      }
      exponent = (exponentNegative ? -explicitExponent : explicitExponent) - fraction
      while let last = digits.last, last == 0 {
        digits.removeLast()
        exponent += 1
      }
      if digits.isEmpty {
        negative = false
        exponent = 0
      }
      // Exponents beyond ±10^18 all mean "astronomically large/small" and are clamped to
      // it; clamping the final exponent (not the written one) keeps the canonical form a
      // fixed point: it parses back to the same decimal.
      exponent = max(-Decimal.hugeExponent, min(Decimal.hugeExponent, exponent))
      self.negative = negative
      self.digits = digits
      self.exponent = exponent
    }

    static let hugeExponent = 1_000_000_000_000_000_000

    var canonical: String {
      if digits.isEmpty { return "0" }
      var out = negative ? "-" : ""
      let k = digits.count
      let n = k + exponent  // position of the decimal point relative to the first digit
      func append(_ range: Range<Int>) { for i in range { out.unicodeScalars.append(Unicode.Scalar(digits[i] + 48)) } }
      if k <= n && n <= 21 && positionalIntegerParses {
        append(0..<k)
        out += String(repeating: "0", count: n - k)
      } else if k > n && 0 < n && n <= 21 {
        append(0..<n)
        out += "."
        append(n..<k)
      } else if -6 < n && n <= 0 {
        out += "0." + String(repeating: "0", count: -n)
        append(0..<k)
      } else {
        append(0..<1)
        if k > 1 {
          out += "."
          append(1..<k)
        }
        out += n - 1 < 0 ? "e-" : "e+"
        out += String(abs(n - 1))
      }
      return out
    }

    /// Whether this integer, spelled positionally, is a lexeme simdjson reads: one within
    /// [-2⁶³, 2⁶⁴ - 1]. Beyond that range an integer lexeme is `json.number_out_of_range`,
    /// so the canonical form spells such an integer (1e19 ≤ |x| < 1e21) with an exponent,
    /// which simdjson reads as a double, and the canonical bytes of every parsed value
    /// parse back. O(digits).
    var positionalIntegerParses: Bool {
      let n = digits.count + exponent
      if n < 19 { return true }
      let bound = Array((negative ? "9223372036854775808" : "18446744073709551615").utf8)
      guard n == bound.count else { return n < bound.count }
      for i in 0..<n {
        let digit = i < digits.count ? digits[i] + 48 : 48
        if digit != bound[i] { return digit < bound[i] }
      }
      return true
    }
  }

  /// RFC 8259 §6: number = [ minus ] int [ frac ] [ exp ].
  static func isValidLexeme(_ utf8: String.UTF8View) -> Bool {
    var it = Array(utf8)[...]
    func digits() -> Int {
      var count = 0
      while let c = it.first, c >= 48, c <= 57 { it.removeFirst(); count += 1 }
      return count
    }
    if it.first == UInt8(ascii: "-") { it.removeFirst() }
    if it.first == UInt8(ascii: "0") { it.removeFirst() } else if digits() == 0 { return false }
    if it.first == UInt8(ascii: ".") {
      it.removeFirst()
      if digits() == 0 { return false }
    }
    if let e = it.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
      it.removeFirst()
      if let s = it.first, s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { it.removeFirst() }
      if digits() == 0 { return false }
    }
    return it.isEmpty
  }
}

extension JSONNumber: Hashable {
  public static func == (lhs: JSONNumber, rhs: JSONNumber) -> Bool {
    lhs.lexeme == rhs.lexeme || lhs.decimal == rhs.decimal
  }

  public func hash(into hasher: inout Hasher) { hasher.combine(decimal) }
}

extension JSONNumber: ExpressibleByIntegerLiteral {
  public init(integerLiteral value: Int64) { self.init(value) }
}
