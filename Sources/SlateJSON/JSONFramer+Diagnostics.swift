// Errors: one diagnostic, then the framer stops. Every path that examines an offending
// byte goes through `reject`, so that the code and offset are those the one-shot locator
// gives, whatever the chunking.

extension JSONFramer {
  /// Stops with `code` at text offset `offset` (the offending byte; the input's length for
  /// `json.truncated`). Inside a framed value, an error past the value size limit is
  /// reported as `json.value_too_large` at the limit instead: the bytes before the error
  /// were accepted into the value, so it is too large whatever comes (and a chunk boundary
  /// may already have said so).
  mutating func fail(_ code: JSONErrorCode, at offset: Int, _ message: String) {
    var diagnostic = FramerDiagnostic(code: code, offset: offset, message: message)
    if valueStart >= 0 && offset - valueStart > limits.maxValueBytes { diagnostic = tooLarge }
    self.diagnostic = diagnostic
    output.append(.diagnostic(diagnostic))
    state = .stopped
    release()
  }

  /// Stops at the byte at chunk index `i`, which came where `expected` should have: with
  /// `code` at `offset` (by default the byte's own). A non-ASCII byte that does not start
  /// a valid UTF-8 sequence is `json.invalid_utf8` at the byte instead (the one-shot
  /// locator checks UTF-8 first); when the sequence is cut by the chunk's end, the verdict
  /// waits for the next bytes (state `.classify`). Returns the index to resume at.
  mutating func reject(_ code: JSONErrorCode, at offset: Int? = nil, byte i: Int,
                       _ p: UnsafePointer<UInt8>, _ n: Int, expected: String) -> Int
  {
    let c = p[i]
    if c < 0x80 {
      fail(code, at: offset ?? base + i, "expected \(expected), found \(Self.describe(c))")
      return n
    }
    guard beginUTF8(c, at: base + i) else {
      fail(.invalidUTF8, at: base + i, "invalid UTF-8: \(Self.hex(c)) cannot start a sequence (expected \(expected))")
      return n
    }
    pendingCode = code
    pendingOffset = offset ?? base + i
    pendingExpected = expected
    state = .classify
    return i + 1
  }

  /// The rest of the UTF-8 sequence of a rejected non-ASCII byte.
  mutating func scanClassify(_ p: UnsafePointer<UInt8>, _ from: Int, _ n: Int) -> Int {
    var i = from
    switch continueUTF8(p, &i, n) {
    case .complete:
      let found = Unicode.Scalar(utf8Scalar).map(Self.describe(scalar:)) ?? Self.hex(leadByte)
      fail(pendingCode, at: pendingOffset, "expected \(pendingExpected), found \(found)")
      return n
    case .invalid:
      return failInvalidUTF8(found: p[i], where: "where \(pendingExpected) was expected")
    case .needMore:
      return n
    }
  }

  /// What the state waits for, for `json.truncated` messages.
  var expectation: String {
    let close = depth > 0 && containers.isObject(level: depth - 1) ? "',' or '}'" : "',' or ']'"
    switch state {
    case .start:
      return mode == .array
        ? "'[' to open the array of values" : "'{' to open the object holding \(quotedFieldName)"
    case .value, .between, .trailing: return "a value"
    case .arrayFirst: return "a value or ']'"
    case .objectFirst: return "a string key or '}'"
    case .key: return "a string key"
    case .colon: return "':' after an object key"
    case .afterValue: return close
    case .fieldArray: return "'[' to open the array under \(quotedFieldName)"
    case .string: return "the rest of a string and its closing '\"'"
    case .escape: return "an escape character after '\\'"
    case .unicode: return "four hex digits after '\\u'"
    case .lowBackslash, .lowU, .lowUnicode:
      return "a low surrogate escape \\uDC00–\\uDFFF after \(Self.uEscape(highSurrogate))"
    case .literal: return "the rest of '\(literalName)'"
    case .minus: return "a digit after '-'"
    case .dot: return "a digit after '.'"
    case .exponentMark: return "a digit, '+' or '-' after the exponent's 'e'"
    case .exponentSign: return "a digit after the exponent's sign"
    case .zero, .integer, .fraction, .exponent: return "more of the number, or \(close)"
    case .utf8, .classify, .stopped: return "the rest of a UTF-8 sequence"
    }
  }

  var quotedFieldName: String {
    var out: [UInt8] = []
    JSONValue.writeCanonicalString(String(decoding: fieldName, as: UTF8.self), into: &out)
    return String(decoding: out, as: UTF8.self)
  }

  // MARK: Describing bytes

  /// `'x' (0x78)` for printable ASCII, `0x0A` otherwise: how every diagnostic names a byte.
  public static func describe(_ c: UInt8) -> String {
    c >= 0x20 && c < 0x7F ? "'\(Character(Unicode.Scalar(c)))' (\(hex(c)))" : hex(c)
  }

  /// `'é' (U+00E9)`.
  static func describe(scalar: Unicode.Scalar) -> String {
    "'\(Character(scalar))' (U+\(String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4)))"
  }

  /// `0x0A`.
  static func hex(_ c: UInt8) -> String { "0x" + String(c, radix: 16, uppercase: true).leftPadded(to: 2) }

  /// `\uD83D`.
  static func uEscape(_ unit: UInt32) -> String {
    "\\u" + String(unit, radix: 16, uppercase: true).leftPadded(to: 4)
  }
}
