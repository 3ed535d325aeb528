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
/// Complexity: O(size of the value + Σ k·log k over objects of k members); no recursion on
/// the native stack (an explicit stack of open containers), so any depth serializes.
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

  /// Appends the canonical bytes of `value` to `out`. Iterative: an explicit stack of the
  /// open containers, so the depth is bounded by memory, not by the native stack.
  public static func writeCanonical(_ value: JSONValue, into out: inout [UInt8]) {
    /// An open container and the index of its next element or member.
    enum Open {
      case array([JSONValue], next: Int)
      case object([JSONMember], next: Int)
    }
    var stack: [Open] = []
    var pending: JSONValue? = value
    while true {
      if let value = pending {
        pending = nil
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let n): out.append(contentsOf: n.canonical.utf8)
        case .string(let s): writeCanonicalString(s, into: &out)
        case .array(let elements):
          out.append(UInt8(ascii: "["))
          stack.append(.array(elements, next: 0))
        case .object(let object):
          out.append(UInt8(ascii: "{"))
          stack.append(.object(object.sortedDistinctMembers, next: 0))
        }
      }
      guard let top = stack.last else { return }
      switch top {
      case .array(let elements, let next):
        guard next < elements.count else {
          out.append(UInt8(ascii: "]"))
          stack.removeLast()
          continue
        }
        if next > 0 { out.append(UInt8(ascii: ",")) }
        stack[stack.count - 1] = .array(elements, next: next + 1)
        pending = elements[next]
      case .object(let members, let next):
        guard next < members.count else {
          out.append(UInt8(ascii: "}"))
          stack.removeLast()
          continue
        }
        if next > 0 { out.append(UInt8(ascii: ",")) }
        writeCanonicalString(members[next].key, into: &out)
        out.append(UInt8(ascii: ":"))
        stack[stack.count - 1] = .object(members, next: next + 1)
        pending = members[next].value
      }
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

extension JSONObject {
  /// The distinct members, the last occurrence of each key winning, sorted by their keys'
  /// UTF-16 code units (RFC 8785 §3.2.3). O(k log k).
  public var sortedDistinctMembers: [JSONMember] {
    var members = distinctMembers
    members.sort { $0.key.utf16.lexicographicallyPrecedes($1.key.utf16) }
    return members
  }

  /// The distinct members, the last occurrence of each key winning, in no promised order.
  /// O(k).
  var distinctMembers: [JSONMember] {
    if members.count < 2 { return members }
    var seen = Set<CodePoints>()
    var out: [JSONMember] = []
    out.reserveCapacity(members.count)
    for member in members.reversed() where seen.insert(CodePoints(member.key)).inserted { out.append(member) }
    return out
  }
}
