import SlateJSON

/// An exact, non-allocating reading of a JSON number lexeme (RFC 8259 §6 grammar).
///
/// The value is `±D × 10^exponent` where `D` is the integer formed by the significant
/// digits (first non-zero digit to last non-zero digit of the mantissa), as in
/// `JSONNumber`'s decimal form; the digits are read back from the lexeme bytes
/// (``digit(_:in:)``), skipping the decimal point. Comparisons and `multipleOf` work on this
/// form, never through a `Double`, so `9007199254740993` and `9007199254740992` differ and
/// `0.1` is a multiple of `0.01`. Exponents saturate at ±10¹⁵, far beyond anything a
/// `Double` can hold.
struct DecimalView: Sendable, Equatable {
  var negative = false
  /// Number of significant digits; 0 for zero.
  var digitCount = 0
  var exponent = 0
  /// Byte offset of the first significant digit, and of the mantissa's decimal point (or
  /// the mantissa's end when there is none).
  var firstOffset = 0
  var pointOffset = 0

  var isZero: Bool { digitCount == 0 }
  /// JSON Schema 2020-12 (validation §6.1.1): "integer … any number with a zero
  /// fractional part".
  var isInteger: Bool { isZero || exponent >= 0 }
  /// The decimal order of magnitude: the value lies in [10^(m-1), 10^m).
  var magnitude: Int { digitCount + exponent }

  static let exponentLimit = 1_000_000_000_000_000

  /// Scans a lexeme already known to be a valid JSON number. O(bytes).
  init(_ bytes: UnsafeBufferPointer<UInt8>) {
    var i = 0
    let n = bytes.count
    if i < n && bytes[i] == UInt8(ascii: "-") {
      negative = true
      i += 1
    }
    var integerDigits = 0
    var position = 0  // index among mantissa digits
    var first = -1
    var last = -1
    var sawPoint = false
    pointOffset = -1
    while i < n {
      let b = bytes[i]
      if b == UInt8(ascii: ".") {
        sawPoint = true
        pointOffset = i
      } else if b >= 48 && b <= 57 {
        if !sawPoint { integerDigits += 1 }
        if b != 48 {
          if first < 0 {
            first = position
            firstOffset = i
          }
          last = position
        }
        position += 1
      } else {
        break
      }
      i += 1
    }
    if pointOffset < 0 { pointOffset = i }
    var explicit = 0
    if i < n {  // "e" or "E"
      i += 1
      var exponentNegative = false
      if i < n && (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")) {
        exponentNegative = bytes[i] == UInt8(ascii: "-")
        i += 1
      }
      while i < n {
        explicit = Swift.min(explicit * 10 + Int(bytes[i] &- 48), DecimalView.exponentLimit)
        i += 1
      }
      if exponentNegative { explicit = -explicit }
    }
    if first < 0 {
      negative = false
      return
    }
    digitCount = last - first + 1
    exponent = integerDigits - 1 - last + explicit
  }

  /// The k-th significant digit (0-based, k < digitCount).
  @inline(__always)
  func digit(_ k: Int, in bytes: UnsafeBufferPointer<UInt8>) -> UInt8 {
    var offset = firstOffset + k
    if firstOffset < pointOffset && offset >= pointOffset { offset += 1 }
    return bytes[offset] &- 48
  }

  /// Exact three-way comparison of two scanned numbers: -1, 0 or 1. O(digits).
  static func compare(_ a: DecimalView, _ aBytes: UnsafeBufferPointer<UInt8>, _ b: DecimalView,
                      _ bBytes: UnsafeBufferPointer<UInt8>) -> Int
  {
    if a.isZero || b.isZero {
      if a.isZero && b.isZero { return 0 }
      if a.isZero { return b.negative ? 1 : -1 }
      return a.negative ? -1 : 1
    }
    if a.negative != b.negative { return a.negative ? -1 : 1 }
    let sign = a.negative ? -1 : 1
    if a.magnitude != b.magnitude { return a.magnitude < b.magnitude ? -sign : sign }
    let shared = Swift.min(a.digitCount, b.digitCount)
    for k in 0..<shared {
      let x = a.digit(k, in: aBytes)
      let y = b.digit(k, in: bBytes)
      if x != y { return x < y ? -sign : sign }
    }
    // Equal so far: the longer one has a non-zero digit left (its last digit is significant).
    if a.digitCount == b.digitCount { return 0 }
    return a.digitCount < b.digitCount ? -sign : sign
  }

  /// Whether `self` (read from `bytes`) is an integer multiple of `divisor`.
  ///
  /// JSON Schema 2020-12 (validation §6.2.1): "A numeric instance is valid only if
  /// division by this keyword's value results in an integer." With value `a × 10^p` and
  /// divisor `b × 10^q` (`a`, `b` without trailing zeros): when `p < q`, `b × 10^(q-p)` ends
  /// in a zero and `a` does not, so only zero is a multiple; otherwise the test is
  /// `a × 10^(p-q) ≡ 0 (mod b)`, computed digit by digit and by modular exponentiation.
  /// O(digits + log(p - q)); no allocation, no floating point.
  func isMultiple(of divisor: Divisor, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    if isZero { return true }
    if exponent < divisor.exponent { return false }
    let modulus = divisor.significand
    var remainder: UInt64 = 0
    for k in 0..<digitCount {
      remainder = DecimalView.mulmod(remainder, 10, modulus, adding: UInt64(digit(k, in: bytes)))
    }
    var power: UInt64 = 1 % modulus
    var base: UInt64 = 10 % modulus
    var e = exponent - divisor.exponent
    while e > 0 {
      if e & 1 == 1 { power = DecimalView.mulmod(power, base, modulus) }
      base = DecimalView.mulmod(base, base, modulus)
      e >>= 1
    }
    return DecimalView.mulmod(remainder, power, modulus) == 0
  }

  /// (a × b + c) mod m without overflow, for a, b, c < m (or b = 10, c ≤ 9).
  @inline(__always)
  static func mulmod(_ a: UInt64, _ b: UInt64, _ m: UInt64, adding c: UInt64 = 0) -> UInt64 {
    let product = a.multipliedFullWidth(by: b)
    let (low, carry) = product.low.addingReportingOverflow(c)
    let high = product.high &+ (carry ? 1 : 0)
    return m.dividingFullWidth((high: high % m, low: low)).remainder
  }
}

extension DecimalView {
  /// Scans a `JSONNumber`'s lexeme and runs `body` with the view and the bytes.
  @inline(__always)
  static func with<R>(_ number: JSONNumber, _ body: (DecimalView, UnsafeBufferPointer<UInt8>) -> R) -> R {
    if let result = number.lexeme.utf8.withContiguousStorageIfAvailable({ body(DecimalView($0), $0) }) {
      return result
    }
    return Array(number.lexeme.utf8).withUnsafeBufferPointer { body(DecimalView($0), $0) }
  }

  /// Scans bytes kept by the compiler.
  static func with<R>(_ bytes: [UInt8], _ body: (DecimalView, UnsafeBufferPointer<UInt8>) -> R) -> R {
    bytes.withUnsafeBufferPointer { body(DecimalView($0), $0) }
  }
}

extension Divisor {
  /// The divisor for a positive `multipleOf` value, or nil when its significand has more
  /// than 19 digits (beyond UInt64).
  init?(_ number: JSONNumber) {
    let parts: (UInt64, Int)? = DecimalView.with(number) { view, bytes in
      guard view.digitCount <= 19, !view.negative, !view.isZero else { return nil }
      var significand: UInt64 = 0
      for k in 0..<view.digitCount {
        let (times, overflow) = significand.multipliedReportingOverflow(by: 10)
        let (sum, overflow2) = times.addingReportingOverflow(UInt64(view.digit(k, in: bytes)))
        if overflow || overflow2 { return nil }
        significand = sum
      }
      return (significand, view.exponent)
    }
    guard let parts else { return nil }
    self.init(significand: parts.0, exponent: parts.1, text: number.lexeme)
  }
}
