import CSimdjson
import SlateCore

/// Why a complete document did not parse: a stable code, the byte offset of the first
/// offending byte, simdjson's own error name, and a message saying what came.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
  /// `json.*` (``DiagnosticCode/jsonUnexpectedByte`` …).
  public var code: DiagnosticCode
  /// Byte offset of the first offending byte (the input's length when it ended too soon).
  public var offset: Int
  /// simdjson's error name (`TAPE_ERROR`, `UTF8_ERROR`, …).
  public var simdjsonError: String
  public var message: String

  public var description: String { "\(code.rawValue) at byte \(offset): \(message)" }

  init(simdjsonCode: Int32, reason: Int32, offset: Int, input: UnsafeRawBufferPointer, limits: JSONLimits) {
    self.simdjsonError = String(cString: slate_json_error_name(simdjsonCode))
    self.offset = offset
    let (code, summary): (DiagnosticCode, String) =
      switch UInt32(reason) {
      case SLATE_SYNTAX_UNEXPECTED_BYTE.rawValue: (.jsonUnexpectedByte, "unexpected byte")
      case SLATE_SYNTAX_INVALID_UTF8.rawValue: (.jsonInvalidUTF8, "invalid UTF-8")
      case SLATE_SYNTAX_INVALID_ESCAPE.rawValue: (.jsonInvalidEscape, "invalid escape sequence")
      case SLATE_SYNTAX_INVALID_NUMBER.rawValue: (.jsonInvalidNumber, "invalid number")
      case SLATE_SYNTAX_NUMBER_OUT_OF_RANGE.rawValue: (.jsonNumberOutOfRange, "number out of range")
      case SLATE_SYNTAX_DEPTH_EXCEEDED.rawValue: (.jsonDepthExceeded, "nesting deeper than the limit")
      case SLATE_SYNTAX_TRAILING_CONTENT.rawValue: (.jsonTrailingContent, "content after the value")
      case SLATE_SYNTAX_TRUNCATED.rawValue: (.jsonTruncated, "input ended inside a value")
      case SLATE_SYNTAX_CAPACITY.rawValue: (.jsonValueTooLarge, "value larger than the limit")
      // simdjson refused what the strict scan accepts; offset 0
      default: (.jsonUnexpectedByte, "unexpected byte")
      }
    self.code = code
    var message = summary
    switch code {
    case .jsonTruncated:
      message += ": expected more after \(offset) bytes"
    case .jsonValueTooLarge:
      message += ": \(input.count) bytes, limit \(limits.maxBytes)"
    case .jsonDepthExceeded:
      message += " (\(limits.maxDepth))"
    case .jsonNumberOutOfRange:
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
