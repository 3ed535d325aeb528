// Strings (RFC 8259 §7) and UTF-8 (RFC 8259 §8.1, RFC 3629 §4).
//
//   string = quotation-mark *char quotation-mark
//   char = unescaped / escape ( %x22 / %x5C / %x2F / %x62 / %x66 / %x6E / %x72 / %x74 / %x75 4HEXDIG )
//   unescaped = %x20-21 / %x23-5B / %x5D-10FFFF

extension JSONFramer {
  /// A string body (a member name when `key`): runs of plain bytes eight at a time, simple
  /// escapes inline; a `\u` escape, a UTF-8 sequence cut by the chunk's end or an escape
  /// cut by it continue in their own states.
  mutating func scanString(key: Bool, _ p: UnsafePointer<UInt8>, _ from: Int, _ n: Int) -> Int {
    var i = Self.plainRunEnd(p, from, n)
    while i < n {
      let c = p[i]
      if c == UInt8(ascii: "\"") { return stringDone(key: key, end: i + 1) }
      if c == UInt8(ascii: "\\") {
        if i + 1 < n, Self.isSimpleEscape(p[i + 1]) {
          i = Self.plainRunEnd(p, i + 2, n)
          continue
        }
        state = .escape(Escape(start: base + i, step: .afterBackslash, key: key))
        return i + 1
      }
      if c < 0x20 {
        fail(.jsonUnexpectedByte, at: base + i,
             "expected a character of a string, found the control character \(Self.hex(c)) (it must be escaped)")
        return n
      }
      // A non-ASCII byte: the lead of a UTF-8 sequence.
      guard var sequence = UTF8Sequence(lead: c, at: base + i) else {
        fail(.jsonInvalidUTF8, at: base + i, "invalid UTF-8 in a string: \(Self.hex(c)) cannot start a sequence")
        return n
      }
      i += 1
      switch sequence.consume(p, &i, n) {
      case .complete: i = Self.plainRunEnd(p, i, n)
      case .invalid: return failInvalidUTF8(sequence, found: p[i], where: "in a string")
      case .needMore:
        state = .utf8(sequence, key: key)
        return n
      }
    }
    return n
  }

  /// The continuation bytes of a UTF-8 sequence in a string cut by a chunk's end.
  @inline(never)
  mutating func scanStringUTF8(_ sequence: UTF8Sequence, key: Bool, _ p: UnsafePointer<UInt8>, _ from: Int, _ n: Int) -> Int {
    var sequence = sequence
    var i = from
    switch sequence.consume(p, &i, n) {
    case .complete: state = .string(key: key)
    case .invalid: return failInvalidUTF8(sequence, found: p[i], where: "in a string")
    case .needMore: state = .utf8(sequence, key: key)
    }
    return i
  }

  /// An escape after its '\': a simple one, or a `\u` escape with its four hex digits, and
  /// after a high surrogate the `\u` escape of its low partner.
  @inline(never)
  mutating func scanEscape(_ escape: Escape, _ p: UnsafePointer<UInt8>, _ from: Int, _ n: Int) -> Int {
    var escape = escape
    var i = from
    while i < n {
      let c = p[i]
      switch escape.step {
      case .afterBackslash:
        if Self.isSimpleEscape(c) {
          state = .string(key: escape.key)
          return i + 1
        }
        guard c == UInt8(ascii: "u") else {
          return reject(at: escape.start, byte: i, p, n, expected: .escapeCharacter)
        }
        escape.step = .hex
      case .lowBackslash, .lowU:
        let first = escape.step == .lowBackslash
        guard c == (first ? UInt8(ascii: "\\") : UInt8(ascii: "u")) else {
          return reject(at: escape.start, byte: i, p, n, expected: .lowSurrogate(high: escape.high))
        }
        escape.step = first ? .lowU : .lowHex
      case .hex, .lowHex:
        guard let digit = Self.hexDigit(c) else {
          return reject(byte: i, p, n, expected: .hexDigit)
        }
        escape.hex = escape.hex << 4 | UInt16(digit)
        escape.digits += 1
        if escape.digits == 4 { return unicodeEscapeDone(escape, at: i + 1) }
      }
      i += 1
    }
    state = .escape(escape)
    return n
  }

  /// The fourth hex digit of a `\u` escape ended before chunk index `i`: a high surrogate
  /// waits for its low partner; a low one must close a pair.
  mutating func unicodeEscapeDone(_ escape: Escape, at i: Int) -> Int {
    let isLow = (0xDC00...0xDFFF).contains(escape.hex)
    if escape.step == .lowHex {
      guard isLow else {
        fail(.jsonInvalidEscape, at: escape.start,
             "expected a low surrogate \\uDC00–\\uDFFF after the high surrogate \(Self.uEscape(UInt32(escape.high))), found \(Self.uEscape(UInt32(escape.hex)))")
        return chunk.count
      }
    } else if isLow {
      fail(.jsonInvalidEscape, at: escape.start,
           "unpaired low surrogate \(Self.uEscape(UInt32(escape.hex))): expected a high surrogate \\uD800–\\uDBFF before it")
      return chunk.count
    } else if (0xD800...0xDBFF).contains(escape.hex) {
      state = .escape(Escape(start: escape.start, step: .lowBackslash, key: escape.key, high: escape.hex))
      return i
    }
    state = .string(key: escape.key)
    return i
  }

  /// The value of the hex digit `c`, or nil.
  @inline(__always)
  static func hexDigit(_ c: UInt8) -> UInt8? {
    switch c {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): c &- UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): c &- UInt8(ascii: "a") &+ 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): c &- UInt8(ascii: "A") &+ 10
    default: nil
    }
  }

  /// The closing quote of a string at chunk index `end - 1`.
  @inline(__always)
  mutating func stringDone(key: Bool, end: Int) -> Int {
    if key { keyDone(end: end) } else { scalarDone(end: end) }
    return end
  }

  // MARK: UTF-8

  enum UTF8Step { case complete, invalid, needMore }

  /// Stops at the sequence that `found` does not continue (reported at its first byte).
  mutating func failInvalidUTF8(_ sequence: UTF8Sequence, found: UInt8, where place: String) -> Int {
    let reason =
      switch (sequence.lead, sequence.low, sequence.high) {
      case (0xE0, 0xA0, _), (0xF0, 0x90, _): " (an overlong encoding)"
      case (0xED, _, 0x9F): " (an encoded surrogate)"
      case (0xF4, _, 0x8F): " (beyond U+10FFFF)"
      default: ""
      }
    fail(.jsonInvalidUTF8, at: sequence.start,
         "invalid UTF-8 \(place): after \(Self.hex(sequence.lead)) expected a byte \(Self.hex(sequence.low))–\(Self.hex(sequence.high)), found \(Self.hex(found))\(reason)")
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

extension JSONFramer.UTF8Sequence {
  /// Opens the sequence whose lead byte `c` is at text offset `offset`; nil when `c`
  /// cannot start one. RFC 3629 §4 narrows the second byte to exclude overlongs
  /// (E0 A0–BF, F0 90–BF), surrogates (ED 80–9F) and code points above U+10FFFF (F4 80–8F).
  @inline(__always)
  init?(lead c: UInt8, at offset: Int) {
    switch c {
    case 0xC2...0xDF: (need, low, high) = (1, 0x80, 0xBF)
    case 0xE0: (need, low, high) = (2, 0xA0, 0xBF)
    case 0xE1...0xEC, 0xEE, 0xEF: (need, low, high) = (2, 0x80, 0xBF)
    case 0xED: (need, low, high) = (2, 0x80, 0x9F)
    case 0xF0: (need, low, high) = (3, 0x90, 0xBF)
    case 0xF1...0xF3: (need, low, high) = (3, 0x80, 0xBF)
    case 0xF4: (need, low, high) = (3, 0x80, 0x8F)
    default: return nil
    }
    start = offset
    lead = c
    scalar = UInt32(c) & (c >= 0xF0 ? 0x07 : c >= 0xE0 ? 0x0F : 0x1F)
  }

  /// Consumes continuation bytes from `i`. On `.invalid`, `i` is at the byte that does not
  /// continue the sequence; on `.needMore`, `i == n`.
  @inline(__always)
  mutating func consume(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ n: Int) -> JSONFramer.UTF8Step {
    while need > 0 {
      guard i < n else { return .needMore }
      let c = p[i]
      guard c >= low && c <= high else { return .invalid }
      scalar = scalar << 6 | UInt32(c & 0x3F)
      (low, high) = (0x80, 0xBF)
      need -= 1
      i += 1
    }
    return .complete
  }
}
