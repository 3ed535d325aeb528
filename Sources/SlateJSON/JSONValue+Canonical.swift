/// Canonical serialization: one stable byte sequence per JSON value, the basis for
/// idempotency-key hashing.
///
/// The rules follow RFC 8785 (JSON Canonicalization Scheme) except for numbers:
/// - no insignificant whitespace;
/// - object members sorted by their keys' UTF-16 code units (RFC 8785 §3.2.3); duplicate
///   keys collapse to the last occurrence, as lookup does, so equal values serialize equally;
/// - strings as UTF-8 with only `"` `\` and U+0000–U+001F escaped, using `\b \f \n \r \t`
///   where they exist and `\u00xx` (lower-case hex) otherwise (RFC 8785 §3.2.2.2);
/// - numbers in ``JSONNumber/canonical`` form: ECMAScript's layout but with every digit
///   of the lexeme kept exactly, never rounded through a Double (RFC 8785 would round
///   `12345678901234567890` to `12345678901234567000`; an idempotency key must not), and
///   integers beyond 64 bits in exponent form (`1e+20`), so that the bytes parse back.
///
/// Complexity: O(size of the value + Σ k·log k over objects of k members).
extension JSONValue {
  /// The canonical UTF-8 bytes of this value.
  public var canonicalBytes: [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(64)
    JSONValue.writeCanonical(self, into: &out)
    return out
  }

  /// The canonical serialization as a String.
  public var canonicalString: String { String(decoding: canonicalBytes, as: UTF8.self) }

  /// Appends the canonical bytes of `value` to `out`. Recursive: the depth is bounded by
  /// the depth limit the value was parsed with (``JSONLimits/maxDepth``).
  public static func writeCanonical(_ value: JSONValue, into out: inout [UInt8]) {
    switch value {
    case .null: out.append(contentsOf: "null".utf8)
    case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
    case .number(let n): out.append(contentsOf: n.canonical.utf8)
    case .string(let s): writeCanonicalString(s, into: &out)
    case .array(let elements):
      out.append(UInt8(ascii: "["))
      for (i, element) in elements.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        writeCanonical(element, into: &out)
      }
      out.append(UInt8(ascii: "]"))
    case .object(let object):
      out.append(UInt8(ascii: "{"))
      let keys = object.keys.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
      for (i, key) in keys.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        writeCanonicalString(key, into: &out)
        out.append(UInt8(ascii: ":"))
        writeCanonical(object[key]!, into: &out)
      }
      out.append(UInt8(ascii: "}"))
    }
  }

  /// Appends `s` as a canonical JSON string literal.
  public static func writeCanonicalString(_ s: String, into out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    for byte in s.utf8 {
      switch byte {
      case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
      case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
      case 0x08: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
      case 0x0C: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
      case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
      case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
      case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
      case 0..<0x20:
        func hex(_ nibble: UInt8) -> UInt8 { nibble < 10 ? nibble + 48 : nibble + 87 }  // 0-9, a-f
        out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                hex(byte >> 4), hex(byte & 0xF)])
      default: out.append(byte)
      }
    }
    out.append(UInt8(ascii: "\""))
  }
}
