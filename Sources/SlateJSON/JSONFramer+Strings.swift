// Strings (RFC 8259 §7) and UTF-8 (RFC 8259 §8.1, RFC 3629 §4).
//
//   string = quotation-mark *char quotation-mark
//   char = unescaped / escape ( %x22 / %x5C / %x2F / %x62 / %x66 / %x6E / %x72 / %x74 / %x75 4HEXDIG )
//   unescaped = %x20-21 / %x23-5B / %x5D-10FFFF

extension JSONFramer {
  /// A string body: runs of plain bytes eight at a time, simple escapes inline; a `\u`
  /// escape, a UTF-8 sequence or an escape cut by the chunk's end continue in their own
  /// states.
  mutating func scanString(_ p: UnsafePointer<UInt8>, _ from: Int, _ n: Int) -> Int {
    var i = Self.plainRunEnd(p, from, n)
    while i < n {
      let c = p[i]
      if c == UInt8(ascii: "\"") { return stringDone(end: i + 1) }
      if c == UInt8(ascii: "\\") {
        if i + 1 < n, Self.isSimpleEscape(p[i + 1]) {
          i = Self.plainRunEnd(p, i + 2, n)
          continue
        }
        escapeStart = base + i
        state = .escape
        return i + 1
      }
      if c < 0x20 {
        fail(.unexpectedByte, at: base + i,
             "expected a character of a string, found the control character \(Self.hex(c)) (it must be escaped)")
        return n
      }
      // A non-ASCII byte: the lead of a UTF-8 sequence.
      guard beginUTF8(c, at: base + i) else {
        fail(.invalidUTF8, at: base + i, "invalid UTF-8 in a string: \(Self.hex(c)) cannot start a sequence")
        return n
      }
      i += 1
      switch continueUTF8(p, &i, n) {
      case .complete: i = Self.plainRunEnd(p, i, n)
      case .invalid: return failInvalidUTF8(found: p[i], where: "in a string")
      case .needMore:
        state = .utf8
        return n
      }
    }
    return n
  }

  /// The continuation bytes of a UTF-8 sequence in a string cut by a chunk's end.
  mutating func scanStringUTF8(_ p: UnsafePointer<UInt8>, _ from: Int, _ n: Int) -> Int {
    var i = from
    switch continueUTF8(p, &i, n) {
    case .complete: state = .string
    case .invalid: return failInvalidUTF8(found: p[i], where: "in a string")
    case .needMore: break
    }
    return i
  }

  /// The byte after '\'.
  mutating func scanEscape(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int) -> Int {
    let c = p[i]
    if Self.isSimpleEscape(c) {
      state = .string
    } else if c == UInt8(ascii: "u") {
      state = .unicode
      hexValue = 0
      hexCount = 0
    } else {
      return reject(.invalidEscape, at: escapeStart, byte: i, p, n,
                    expected: "one of \" \\ / b f n r t u after '\\'")
    }
    return i + 1
  }

  /// The four hex digits of a `\u` escape (`.unicode`) or of the low surrogate escape that
  /// must follow a high one (`.lowUnicode`).
  mutating func scanHex(_ p: UnsafePointer<UInt8>, _ from: Int, _ n: Int) -> Int {
    var i = from
    while hexCount < 4 && i < n {
      let c = p[i]
      let digit: UInt8
      switch c {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c &- UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c &- UInt8(ascii: "a") &+ 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c &- UInt8(ascii: "A") &+ 10
      default: return reject(.invalidEscape, byte: i, p, n, expected: "a hex digit in a \\u escape")
      }
      hexValue = hexValue << 4 | UInt32(digit)
      hexCount += 1
      i += 1
    }
    guard hexCount == 4 else { return i }
    let isLow = (0xDC00...0xDFFF).contains(hexValue)
    if state == .lowUnicode {
      guard isLow else {
        fail(.invalidEscape, at: escapeStart,
             "expected a low surrogate \\uDC00–\\uDFFF after the high surrogate \(Self.uEscape(highSurrogate)), found \(Self.uEscape(hexValue))")
        return n
      }
      state = .string
    } else if isLow {
      fail(.invalidEscape, at: escapeStart,
           "unpaired low surrogate \(Self.uEscape(hexValue)): expected a high surrogate \\uD800–\\uDBFF before it")
      return n
    } else if (0xD800...0xDBFF).contains(hexValue) {
      highSurrogate = hexValue
      state = .lowBackslash
    } else {
      state = .string
    }
    return i
  }

  /// The '\' and 'u' that must follow a high surrogate escape.
  mutating func scanLowSurrogateStart(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int) -> Int {
    let want = state == .lowBackslash ? UInt8(ascii: "\\") : UInt8(ascii: "u")
    guard p[i] == want else {
      return reject(.invalidEscape, at: escapeStart, byte: i, p, n,
                    expected: "a \\u escape with a low surrogate after the high surrogate \(Self.uEscape(highSurrogate))")
    }
    if state == .lowBackslash {
      state = .lowU
    } else {
      state = .lowUnicode
      hexValue = 0
      hexCount = 0
    }
    return i + 1
  }

  /// The closing quote of a string at chunk index `end - 1`.
  @inline(__always)
  mutating func stringDone(end: Int) -> Int {
    if isKey { keyDone(end: end) } else { scalarDone(end: end) }
    return end
  }

  // MARK: UTF-8

  enum UTF8Step { case complete, invalid, needMore }

  /// Opens the sequence whose lead byte `c` is at text offset `offset`; false when `c`
  /// cannot start one. RFC 3629 §4 narrows the second byte to exclude overlongs
  /// (E0 A0–BF, F0 90–BF), surrogates (ED 80–9F) and code points above U+10FFFF (F4 80–8F).
  @inline(__always)
  mutating func beginUTF8(_ c: UInt8, at offset: Int) -> Bool {
    switch c {
    case 0xC2...0xDF: (utf8Need, utf8Low, utf8High) = (1, 0x80, 0xBF)
    case 0xE0: (utf8Need, utf8Low, utf8High) = (2, 0xA0, 0xBF)
    case 0xE1...0xEC, 0xEE, 0xEF: (utf8Need, utf8Low, utf8High) = (2, 0x80, 0xBF)
    case 0xED: (utf8Need, utf8Low, utf8High) = (2, 0x80, 0x9F)
    case 0xF0: (utf8Need, utf8Low, utf8High) = (3, 0x90, 0xBF)
    case 0xF1...0xF3: (utf8Need, utf8Low, utf8High) = (3, 0x80, 0xBF)
    case 0xF4: (utf8Need, utf8Low, utf8High) = (3, 0x80, 0x8F)
    default: return false
    }
    utf8Start = offset
    leadByte = c
    utf8Scalar = UInt32(c) & (c >= 0xF0 ? 0x07 : c >= 0xE0 ? 0x0F : 0x1F)
    return true
  }

  /// Consumes continuation bytes of the open sequence from `i`. On `.invalid`, `i` is at
  /// the byte that does not continue it; on `.needMore`, `i == n`.
  @inline(__always)
  mutating func continueUTF8(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ n: Int) -> UTF8Step {
    while utf8Need > 0 {
      guard i < n else { return .needMore }
      let c = p[i]
      guard c >= utf8Low && c <= utf8High else { return .invalid }
      utf8Scalar = utf8Scalar << 6 | UInt32(c & 0x3F)
      (utf8Low, utf8High) = (0x80, 0xBF)
      utf8Need -= 1
      i += 1
    }
    return .complete
  }

  /// Stops at the sequence that `found` does not continue (reported at its first byte).
  mutating func failInvalidUTF8(found: UInt8, where place: String) -> Int {
    let reason =
      switch (leadByte, utf8Low, utf8High) {
      case (0xE0, 0xA0, _), (0xF0, 0x90, _): " (an overlong encoding)"
      case (0xED, _, 0x9F): " (an encoded surrogate)"
      case (0xF4, _, 0x8F): " (beyond U+10FFFF)"
      default: ""
      }
    fail(.invalidUTF8, at: utf8Start,
         "invalid UTF-8 \(place): after \(Self.hex(leadByte)) expected a byte \(Self.hex(utf8Low))–\(Self.hex(utf8High)), found \(Self.hex(found))\(reason)")
    return chunk.count
  }

  // MARK: Fast paths

  /// The index of the first byte in `p[from..<n]` that ends a run of plain string bytes
  /// (`"`, `\`, a control character or a non-ASCII byte), or `n`. Eight bytes per step:
  /// each test below is exact for the lowest flagged byte (borrows only run upwards).
  @inline(__always)
  static func plainRunEnd(_ p: UnsafePointer<UInt8>, _ from: Int, _ n: Int) -> Int {
    var i = from
    let raw = UnsafeRawPointer(p)
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    while i &+ 8 <= n {
      let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
      let quotes = w ^ (ones &* 0x22)
      let backslashes = w ^ (ones &* 0x5C)
      let special = (((w &- ones &* 0x20) & ~w) | ((quotes &- ones) & ~quotes)
        | ((backslashes &- ones) & ~backslashes) | w) & highs
      if special != 0 { return i &+ special.trailingZeroBitCount >> 3 }
      i &+= 8
    }
    while i < n {
      let c = p[i]
      if c < 0x20 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") || c >= 0x80 { return i }
      i &+= 1
    }
    return n
  }

  /// `" \ / b f n r t`: the escapes that stand for one byte.
  @inline(__always)
  static func isSimpleEscape(_ c: UInt8) -> Bool {
    switch c {
    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
      UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
      true
    default: false
    }
  }

  // MARK: Decoding (member names and announced scalars only)

  /// The UTF-8 bytes a validated string literal (its quotes included) stands for. O(bytes).
  static func unescaped(_ literal: [UInt8]) -> [UInt8] {
    let end = literal.count - 1
    var out: [UInt8] = []
    out.reserveCapacity(end)
    var i = 1
    func hex4(_ at: Int) -> UInt32 {
      var v: UInt32 = 0
      for c in literal[at..<at + 4] {
        v = v << 4 | UInt32(c <= UInt8(ascii: "9") ? c - UInt8(ascii: "0") : (c | 0x20) - UInt8(ascii: "a") + 10)
      }
      return v
    }
    while i < end {
      let c = literal[i]
      guard c == UInt8(ascii: "\\") else {
        out.append(c)
        i += 1
        continue
      }
      let e = literal[i + 1]
      i += 2
      switch e {
      case UInt8(ascii: "b"): out.append(0x08)
      case UInt8(ascii: "f"): out.append(0x0C)
      case UInt8(ascii: "n"): out.append(0x0A)
      case UInt8(ascii: "r"): out.append(0x0D)
      case UInt8(ascii: "t"): out.append(0x09)
      case UInt8(ascii: "u"):
        var scalar = hex4(i)
        i += 4
        if (0xD800...0xDBFF).contains(scalar) {
          scalar = 0x10000 + ((scalar - 0xD800) << 10) + (hex4(i + 2) - 0xDC00)
          i += 6
        }
        if let s = Unicode.Scalar(scalar) { UTF8.encode(s) { out.append($0) } }
      default: out.append(e)  // " \ /
      }
    }
    return out
  }
}
