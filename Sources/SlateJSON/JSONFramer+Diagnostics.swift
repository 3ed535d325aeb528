// Errors: one diagnostic, then the framer stops. Every path that examines an offending
// byte goes through `reject`, so that the code and offset are those the one-shot locator
// gives, whatever the chunking.

extension JSONFramer {
  /// Stops with `code` at text offset `offset` (the offending byte; the input's length for
  /// `json.truncated`). Inside a framed value, an error past the value size limit is
  /// reported as `json.value_too_large` at the limit instead: the bytes before the error
  /// were accepted into the value, so it is too large whatever comes (and a chunk boundary
  /// may already have said so).
  mutating func fail(_ code: DiagnosticCode, at offset: Int, _ message: String) {
    var diagnostic = FramerDiagnostic(code: code, offset: offset, message: message)
    if valueStart >= 0 && offset - valueStart > limits.maxValueBytes { diagnostic = tooLarge }
    self.diagnostic = diagnostic
    output.append(.diagnostic(diagnostic))
    state = .stopped
    release()
  }

  /// Stops at the byte at chunk index `i`, which came where `expected` should have: with
  /// `expected`'s code (``Expected/code``) at `offset` (by default the byte's own). A non-ASCII byte that does not start
  /// a valid UTF-8 sequence is `json.invalid_utf8` at the byte instead (the one-shot
  /// locator checks UTF-8 first); when the sequence is cut by the chunk's end, the verdict
  /// waits for the next bytes (state `.classify`). Returns the index to resume at.
  mutating func reject(at offset: Int? = nil, byte i: Int,
                       _ p: UnsafePointer<UInt8>, _ n: Int, expected: Expected) -> Int
  {
    let c = p[i]
    if c < 0x80 {
      fail(expected.code, at: offset ?? base + i, "expected \(text(expected)), found \(Self.describe(c))")
      return n
    }
    guard let sequence = UTF8Sequence(lead: c, at: base + i) else {
      fail(.jsonInvalidUTF8, at: base + i, "invalid UTF-8: \(Self.hex(c)) cannot start a sequence (expected \(text(expected)))")
      return n
    }
    state = .classify(sequence, Rejection(offset: offset ?? base + i, expected: expected))
    return i + 1
  }

  /// The rest of the UTF-8 sequence of a rejected non-ASCII byte.
  @inline(never)
  mutating func scanClassify(_ sequence: UTF8Sequence, _ rejection: Rejection,
                             _ p: UnsafePointer<UInt8>, _ from: Int, _ n: Int) -> Int {
    var sequence = sequence
    var i = from
    switch sequence.consume(p, &i, n) {
    case .complete:
      let found = Unicode.Scalar(sequence.scalar).map(Self.describe(scalar:)) ?? Self.hex(sequence.lead)
      fail(rejection.expected.code, at: rejection.offset, "expected \(text(rejection.expected)), found \(found)")
      return n
    case .invalid:
      return failInvalidUTF8(sequence, found: p[i], where: "where \(text(rejection.expected)) was expected")
    case .needMore:
      state = .classify(sequence, rejection)
      return n
    }
  }

  /// What the state waits for, for `json.truncated` messages.
  var expectation: String {
    let close = depth > 0 && stack.innermostIsObject ? "',' or '}'" : "',' or ']'"
    switch state {
    case .structure(let next):
      switch next {
      case .start:
        return mode == .array
          ? "'[' to open the array of values" : "'{' to open the object holding \(quotedFieldName)"
      case .value, .between, .adjacent, .trailing: return "a value"
      case .arrayFirst: return "a value or ']'"
      case .objectFirst: return "a string key or '}'"
      case .key: return "a string key"
      case .colon, .fieldColon: return "':' after an object key"
      case .afterValue: return close
      case .fieldArray: return "'[' to open the array under \(quotedFieldName)"
      }
    case .string: return "the rest of a string and its closing '\"'"
    case .escape(let escape):
      switch escape.step {
      case .afterBackslash: return "an escape character after '\\'"
      case .hex: return "four hex digits after '\\u'"
      case .lowBackslash, .lowU, .lowHex:
        return "a low surrogate escape \\uDC00–\\uDFFF after \(Self.uEscape(UInt32(escape.high)))"
      }
    case .literal(let literal): return "the rest of '\(Self.literalName(first: literal.first))'"
    case .number(let step):
      switch step {
      case .minus: return "a digit after '-'"
      case .dot: return "a digit after '.'"
      case .exponentMark: return "a digit, '+' or '-' after the exponent's 'e'"
      case .exponentSign: return "a digit after the exponent's sign"
      case .zero, .integer, .fraction, .exponent: return "more of the number, or \(close)"
      }
    case .utf8, .classify, .stopped: return "the rest of a UTF-8 sequence"
    }
  }

  /// What was expected where a byte was rejected (kept as a case, not text, so that
  /// ``State`` stays trivial while a rejected sequence is classified).
  enum Expected {
    case value, valueOrArrayClose, keyOrObjectClose, keyAfterComma, colon
    case commaOrObjectClose, commaOrArrayClose, separator, nothingAfterValue, nothingAfterClose
    case framingArray, fieldObject, fieldArray
    case digitAfterMinus, digitAfterDot, exponentDigitOrSign, exponentDigit
    case literal(want: UInt8, first: UInt8)
    case escapeCharacter, hexDigit
    case lowSurrogate(high: UInt16)

    /// The code of a byte that came where this was expected: `json.invalid_number` inside a
    /// number, `json.invalid_escape` inside an escape, `json.trailing_content` after the
    /// value, `json.unexpected_byte` otherwise.
    var code: DiagnosticCode {
      switch self {
      case .digitAfterMinus, .digitAfterDot, .exponentDigitOrSign, .exponentDigit: .jsonInvalidNumber
      case .escapeCharacter, .hexDigit, .lowSurrogate: .jsonInvalidEscape
      case .nothingAfterValue, .nothingAfterClose: .jsonTrailingContent
      case .value, .valueOrArrayClose, .keyOrObjectClose, .keyAfterComma, .colon, .commaOrObjectClose,
        .commaOrArrayClose, .separator, .framingArray, .fieldObject, .fieldArray, .literal:
        .jsonUnexpectedByte
      }
    }
  }

  /// The words for `expected` in a diagnostic: "expected …, found …".
  func text(_ expected: Expected) -> String {
    switch expected {
    case .value: "a value"
    case .valueOrArrayClose: "a value or ']' after '['"
    case .keyOrObjectClose: "a string key or '}' after '{'"
    case .keyAfterComma: "a string key after ',' in an object"
    case .colon: "':' after an object key"
    case .commaOrObjectClose: "',' or '}' after an object member"
    case .commaOrArrayClose: "',' or ']' after an array element"
    case .separator: "whitespace after a top-level number or literal"
    case .nothingAfterValue: "only whitespace after the value"
    case .nothingAfterClose: "only whitespace after the closing bracket"
    case .framingArray: "'[' to open the array of values"
    case .fieldObject: "'{' to open the object holding \(quotedFieldName)"
    case .fieldArray: "'[' to open the array under \(quotedFieldName)"
    case .digitAfterMinus: "a digit after '-'"
    case .digitAfterDot: "a digit after '.'"
    case .exponentDigitOrSign: "a digit, '+' or '-' after the exponent's 'e'"
    case .exponentDigit: "a digit after the exponent's sign"
    case .literal(let want, let first):
      "'\(Character(Unicode.Scalar(want)))' to continue '\(Self.literalName(first: first))'"
    case .escapeCharacter: "one of \" \\ / b f n r t u after '\\'"
    case .hexDigit: "a hex digit in a \\u escape"
    case .lowSurrogate(let high):
      "a \\u escape with a low surrogate after the high surrogate \(Self.uEscape(UInt32(high)))"
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
