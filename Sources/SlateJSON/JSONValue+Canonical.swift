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

  /// Appends the canonical bytes of `value` to `out` (see ``CanonicalWriter``, which a
  /// caller that serializes value after value keeps to reuse its stacks).
  public static func writeCanonical(_ value: JSONValue, into out: inout [UInt8]) {
    var writer = CanonicalWriter()
    writer.write(value, into: &out)
  }

  /// Appends `s` as a canonical JSON string literal: runs of bytes that need no escape are
  /// appended whole. O(bytes of `s`).
  public static func writeCanonicalString(_ s: String, into out: inout [UInt8]) {
    let contiguous: Void? = s.utf8.withContiguousStorageIfAvailable {
      writeCanonicalString(bytes: UnsafeRawBufferPointer($0), into: &out)
    }
    if contiguous == nil {
      var s = s
      s.withUTF8 { writeCanonicalString(bytes: UnsafeRawBufferPointer($0), into: &out) }
    }
  }

  /// Appends `bytes` (valid UTF-8) as a canonical JSON string literal. O(bytes).
  @inline(__always)
  public static func writeCanonicalString(bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    var run = 0
    for i in 0..<bytes.count where needsEscape(bytes[i]) {
      if run < i { out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[run..<i])) }
      writeEscape(bytes[i], into: &out)
      run = i + 1
    }
    if run < bytes.count { out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[run...])) }
    out.append(UInt8(ascii: "\""))
  }

  /// RFC 8785 §3.2.2.2: `"`, `\` and U+0000–U+001F are escaped; nothing else is.
  @inline(__always)
  static func needsEscape(_ byte: UInt8) -> Bool {
    byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
  }

  /// The escape of one byte that ``needsEscape(_:)``.
  static func writeEscape(_ byte: UInt8, into out: inout [UInt8]) {
    switch byte {
    case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
    case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
    case 0x08: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
    case 0x0C: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
    case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
    case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
    case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
    default:
      func hex(_ nibble: UInt8) -> UInt8 { nibble < 10 ? nibble + 48 : nibble + 87 }  // 0-9, a-f
      out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                              hex(byte >> 4), hex(byte & 0xF)])
    }
  }
}

extension JSONObject {
  /// The distinct members, the last occurrence of each key winning, sorted by their keys'
  /// UTF-16 code units (RFC 8785 §3.2.3). O(k log k); O(k) and no copy when the keys are
  /// already strictly in that order (then they are distinct too).
  public var sortedDistinctMembers: [JSONMember] {
    if members.count < 2 { return members }
    var order: [Int] = []
    appendCanonicalOrder(to: &order)
    if order.elementsEqual(members.indices) { return members }
    return order.map { members[$0] }
  }

  /// Appends the indices of the distinct members (the last occurrence of each key) in
  /// canonical order (``sortedDistinctMembers``'s) to `order`. O(k) when the keys are
  /// already strictly ordered; otherwise a stable insertion sort in place, O(k²) key
  /// comparisons up to 32 members, O(k log k) beyond. Allocates nothing but `order`'s growth.
  public func appendCanonicalOrder(to order: inout [Int]) {
    let members = self.members
    JSONObject.appendCanonicalOrder(of: members.indices, to: &order,
                                    precedes: { JSONObject.keyPrecedes(members[$0].key, members[$1].key) },
                                    sameKey: { codePointsEqual(members[$0].key, members[$1].key) })
  }

  /// The canonical order of members known by ids (a built object's member indices, a
  /// document's key positions), given in source order (ascending): appended to `order`,
  /// the last of each run of equal keys kept. O(k) when `precedes` holds for each member
  /// and the next; otherwise a stable insertion sort in place, O(k²) key comparisons up to
  /// 32 members, O(k log k) beyond. The one definition of the order both writers use.
  @inline(__always)
  static func appendCanonicalOrder(of ids: some Sequence<Int>, to order: inout [Int], precedes: (Int, Int) -> Bool,
                                   sameKey: (Int, Int) -> Bool)
  {
    let start = order.count
    var ordered = true
    for id in ids {
      if ordered, order.count > start, !precedes(order[order.count - 1], id) { ordered = false }
      order.append(id)
    }
    let k = order.count - start
    if ordered || k < 2 { return }
    if k > 32 {
      // Sorted by key, ties by position, so the last of equal keys ends each run of them.
      let sorted = order[start...].sorted {
        if precedes($0, $1) { return true }
        if precedes($1, $0) { return false }
        return $0 < $1
      }
      order.replaceSubrange(start..., with: sorted)
    } else {
      // Stable: an id moves only before keys that sort strictly after its own.
      for i in (start + 1)..<order.count {
        let moving = order[i]
        var p = i
        while p > start && precedes(moving, order[p - 1]) {
          order[p] = order[p - 1]
          p -= 1
        }
        order[p] = moving
      }
    }
    // Keep the last of each run of equal keys.
    var kept = start
    for p in start..<order.count {
      if p + 1 < order.count && sameKey(order[p + 1], order[p]) { continue }
      order[kept] = order[p]
      kept += 1
    }
    order.removeLast(order.count - kept)
  }

  /// Whether key `a` sorts before key `b` by UTF-16 code units. UTF-8 byte order is the
  /// same order except between a supplementary code point (lead byte F0–F4, a surrogate
  /// pair in UTF-16) and one in U+E000–U+FFFF (lead byte EE or EF): the bytes are compared
  /// until they differ, and only a difference at a byte of EE or above is settled in UTF-16.
  static func keyPrecedes(_ a: String, _ b: String) -> Bool {
    // Most keys differ in their first byte: settled there, unless either is EE or above.
    if let x = a.utf8.first, let y = b.utf8.first, x != y, x < 0xEE, y < 0xEE { return x < y }
    let byBytes = a.utf8.withContiguousStorageIfAvailable { x in
      b.utf8.withContiguousStorageIfAvailable { y in keyPrecedes(UnsafeRawBufferPointer(x), UnsafeRawBufferPointer(y)) }
    }
    return (byBytes ?? nil) ?? a.utf16.lexicographicallyPrecedes(b.utf16)
  }

  /// ``keyPrecedes(_:_:)`` of two keys' UTF-8 bytes.
  @inline(__always)
  static func keyPrecedes(_ x: UnsafeRawBufferPointer, _ y: UnsafeRawBufferPointer) -> Bool {
    let n = Swift.min(x.count, y.count)
    var i = 0
    while i < n && x[i] == y[i] { i += 1 }
    if i == n { return x.count < y.count }
    if x[i] < 0xEE && y[i] < 0xEE { return x[i] < y[i] }
    let (a, b) = (String(decoding: x, as: UTF8.self), String(decoding: y, as: UTF8.self))
    return a.utf16.lexicographicallyPrecedes(b.utf16)
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

/// Writes canonical bytes (``JSONValue/canonicalBytes``) value after value, keeping its
/// stacks between values: iterative, an explicit stack of the open containers, so the
/// depth is bounded by memory, not by the native stack. An object's members are written in
/// canonical order through their indices, kept for all open objects in one shared buffer
/// (no member array is copied or sorted in place). After the first values it allocates
/// nothing but `out`'s growth. O(size + Σ k·log k over objects of k members).
public struct CanonicalWriter: Sendable {
  /// An open container (its elements, or its members with their canonical order at
  /// `order` in the shared buffer) and the index of its next child; advanced in place, so
  /// the arrays are not retained again at every child.
  struct Open: Sendable {
    let elements: [JSONValue]
    let members: [JSONMember]
    let isObject: Bool
    /// Where the object's member indices start in `order`, and how many there are.
    let start: Int
    let count: Int
    var next = 0
  }

  var stack: [Open] = []
  var order: [Int] = []
  /// The same for a value read in place (CanonicalWriter+Node.swift).
  var nodeStack: [OpenNode] = []
  var nodeOrder: [Int] = []

  public init() {}

  /// Appends the canonical bytes of `value` to `out`.
  public mutating func write(_ value: JSONValue, into out: inout [UInt8]) {
    stack.removeAll(keepingCapacity: true)
    order.removeAll(keepingCapacity: true)
    var pending: JSONValue? = value
    while true {
      if let value = pending {
        pending = nil
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let n): n.writeCanonical(into: &out)
        case .string(let s): JSONValue.writeCanonicalString(s, into: &out)
        case .array(let elements):
          out.append(UInt8(ascii: "["))
          stack.append(Open(elements: elements, members: [], isObject: false, start: 0, count: elements.count))
        case .object(let object):
          out.append(UInt8(ascii: "{"))
          let start = order.count
          object.appendCanonicalOrder(to: &order)
          stack.append(Open(elements: [], members: object.members, isObject: true, start: start, count: order.count - start))
        }
      }
      guard !stack.isEmpty else { return }
      let top = stack.count - 1
      let next = stack[top].next
      guard next < stack[top].count else {
        if stack[top].isObject {
          out.append(UInt8(ascii: "}"))
          order.removeLast(stack[top].count)
        } else {
          out.append(UInt8(ascii: "]"))
        }
        stack.removeLast()
        continue
      }
      if next > 0 { out.append(UInt8(ascii: ",")) }
      if stack[top].isObject {
        let m = order[stack[top].start + next]
        JSONValue.writeCanonicalString(stack[top].members[m].key, into: &out)
        out.append(UInt8(ascii: ":"))
        pending = stack[top].members[m].value
      } else {
        pending = stack[top].elements[next]
      }
      stack[top].next = next + 1
    }
    }
}
