import CSimdjson

/// The stable codes of JSON syntax and limit errors (`json.*`), shared by the one-shot
/// parser and the incremental framer.
public enum JSONErrorCode: String, Sendable, CaseIterable, Codable {
  case unexpectedByte = "json.unexpected_byte"
  case invalidUTF8 = "json.invalid_utf8"
  case invalidEscape = "json.invalid_escape"
  case invalidNumber = "json.invalid_number"
  /// A number simdjson cannot hold: beyond a double's range, or an integer lexeme outside
  /// [-2⁶³, 2⁶⁴ - 1].
  case numberOutOfRange = "json.number_out_of_range"
  case depthExceeded = "json.depth_exceeded"
  case valueTooLarge = "json.value_too_large"
  /// More framed values than ``FramerLimits/maxValues`` (the incremental framer only).
  case tooManyValues = "json.too_many_values"
  case trailingContent = "json.trailing_content"
  case truncated = "json.truncated"

  /// A short phrase for messages.
  public var summary: String {
    switch self {
    case .unexpectedByte: "unexpected byte"
    case .invalidUTF8: "invalid UTF-8"
    case .invalidEscape: "invalid escape sequence"
    case .invalidNumber: "invalid number"
    case .numberOutOfRange: "number out of range"
    case .depthExceeded: "nesting deeper than the limit"
    case .valueTooLarge: "value larger than the limit"
    case .tooManyValues: "more values than the limit"
    case .trailingContent: "content after the value"
    case .truncated: "input ended inside a value"
    }
  }
}

/// Why a complete document did not parse: a stable code, the byte offset of the first
/// offending byte, simdjson's own error name, and a message saying what came.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
  public var code: JSONErrorCode
  /// Byte offset of the first offending byte (the input's length when it ended too soon).
  public var offset: Int
  /// simdjson's error name (`TAPE_ERROR`, `UTF8_ERROR`, …).
  public var simdjsonError: String
  public var message: String

  public var description: String { "\(code.rawValue) at byte \(offset): \(message)" }

  init(simdjsonCode: Int32, reason: Int32, offset: Int, input: UnsafeRawBufferPointer, limits: JSONLimits) {
    self.simdjsonError = String(cString: slate_json_error_name(simdjsonCode))
    self.offset = offset
    let code: JSONErrorCode =
      switch UInt32(reason) {
      case SLATE_SYNTAX_UNEXPECTED_BYTE.rawValue: .unexpectedByte
      case SLATE_SYNTAX_INVALID_UTF8.rawValue: .invalidUTF8
      case SLATE_SYNTAX_INVALID_ESCAPE.rawValue: .invalidEscape
      case SLATE_SYNTAX_INVALID_NUMBER.rawValue: .invalidNumber
      case SLATE_SYNTAX_NUMBER_OUT_OF_RANGE.rawValue: .numberOutOfRange
      case SLATE_SYNTAX_DEPTH_EXCEEDED.rawValue: .depthExceeded
      case SLATE_SYNTAX_TRAILING_CONTENT.rawValue: .trailingContent
      case SLATE_SYNTAX_TRUNCATED.rawValue: .truncated
      case SLATE_SYNTAX_CAPACITY.rawValue: .valueTooLarge
      default: .unexpectedByte  // simdjson refused what the strict scan accepts; offset 0
      }
    self.code = code
    var message = code.summary
    switch code {
    case .truncated:
      message += ": expected more after \(offset) bytes"
    case .valueTooLarge:
      message += ": \(input.count) bytes, limit \(limits.maxBytes)"
    case .depthExceeded:
      message += " (\(limits.maxDepth))"
    case .numberOutOfRange:
      var end = offset
      while end < input.count, end - offset < 40, JSONParseError.isNumberByte(input[end]) { end += 1 }
      message += ": \(String(decoding: input[offset..<end], as: UTF8.self))"
        + " fits neither a 64-bit integer nor a double"
    default:
      if offset < input.count { message += ": found \(JSONParseError.describe(byte: input[offset]))" }
    }
    message += " [simdjson \(simdjsonError): \(String(cString: slate_json_error_message(simdjsonCode)))]"
    self.message = message
  }

  static func isNumberByte(_ b: UInt8) -> Bool {
    (b >= 48 && b <= 57) || b == UInt8(ascii: "-") || b == UInt8(ascii: "+") || b == UInt8(ascii: ".")
      || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")
  }

  /// `0x5D ']'` for printable ASCII, `0xC3` otherwise.
  static func describe(byte: UInt8) -> String {
    let hex = "0x" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
    if byte >= 0x20 && byte < 0x7F { return "\(hex) '\(Character(Unicode.Scalar(byte)))'" }
    return hex
  }
}

extension String {
  func leftPadded(to width: Int, with pad: Character = "0") -> String {
    count >= width ? self : String(repeating: pad, count: width - count) + self
  }
}
