import SlateJSON
import SlateSSE
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A `content_block_delta` event's data in the one layout Anthropic's API writes it, read
/// without a document parse: most of an Anthropic stream's events are these, and a DOM
/// parse of each (plus the walk of its nodes) was about half of what the stream spent per
/// event. The layout, byte for byte (compact, members in this order, nothing after):
///
///     {"type":"content_block_delta","index":N,"delta":{"type":"text_delta","text":"…"}}
///     {"type":"content_block_delta","index":N,"delta":{"type":"input_json_delta","partial_json":"…"}}
///
/// with `N` a JSON integer of at most nine digits and `…` a JSON string body (RFC 8259 §7).
/// ``init(_:utf8Checked:scratch:)`` recognises only that and answers nil for anything else,
/// which the dialect then decodes as before: a match is always a JSON document whose members
/// the DOM path would read to the same index, type and string. It also answers nil where
/// simdjson might refuse the document or read it otherwise (a lone surrogate escape, an
/// unknown escape, invalid UTF-8 the SSE layer left unchecked): the DOM path then reads it,
/// with its diagnostics. `AnthropicWireDeltaTests` compares the two on every Anthropic
/// stream of the Corpus and the recordings and on mutated events.
///
/// Complexity: O(data), one pass over the string (a second, the UTF-8 check, only for
/// non-ASCII bytes the SSE layer left unchecked).
struct AnthropicWireDelta {
  enum Kind {
    /// `text_delta`: answer text of a `text` block.
    case text
    /// `input_json_delta`: argument text of a `tool_use` block.
    case partialJSON
  }

  /// The content block's `index`.
  var index: Int
  var kind: Kind
  /// The string as the DOM path reads it (unescaped), in the scratch buffer: valid until
  /// the buffer is written again (the next delta read), not only while the data lives.
  var text: UnsafeRawBufferPointer

  private static let head: JSONKey = #"{"type":"content_block_delta","index":"#
  private static let textHead: JSONKey = #","delta":{"type":"text_delta","text":""#
  private static let partialJSONHead: JSONKey = #","delta":{"type":"input_json_delta","partial_json":""#
  private static let tail: JSONKey = #""}}"#

  /// The delta, when `data` is in the layout above and its string one the DOM path would
  /// read the same; nil otherwise: when the string's UTF-8 is unchecked (`utf8Checked`
  /// false) and invalid, or an escape is one simdjson might refuse (a surrogate escape not
  /// in a high–low pair, an escape character other than `"\/bfnrtu`, a `\u` without four
  /// hex digits). The string is read in one pass, unescaped into `scratch`. O(data).
  init?(_ data: UnsafeRawBufferPointer, utf8Checked: Bool, scratch: borrowing ByteScratch) {
    guard let p = data.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
    let n = data.count
    // The closing quote, then the two objects' ends, then nothing.
    guard Self.spells(data, at: 0, Self.head), n >= Self.tail.bytes.count,
          Self.spells(data, at: n - Self.tail.bytes.count, Self.tail)
    else { return nil }
    // "int = zero / ( digit1-9 *DIGIT )" (RFC 8259 §6): no sign, no leading zero; nine
    // digits at most, so it cannot overflow (a larger index is the DOM path's to read).
    var i = Self.head.bytes.count
    var index = 0
    let first = i
    while i < n, i - first < 10, p[i] >= UInt8(ascii: "0"), p[i] <= UInt8(ascii: "9") {
      index = index * 10 + Int(p[i] - UInt8(ascii: "0"))
      i += 1
    }
    let digits = i - first
    guard digits >= 1, digits <= 9, p[first] != UInt8(ascii: "0") || digits == 1 else { return nil }
    if Self.spells(data, at: i, Self.textHead) {
      kind = .text
      i += Self.textHead.bytes.count
    } else if Self.spells(data, at: i, Self.partialJSONHead) {
      kind = .partialJSON
      i += Self.partialJSONHead.bytes.count
    } else {
      return nil
    }
    let start = i
    let end = n - Self.tail.bytes.count
    guard start <= end else { return nil }
    // "char = unescaped / escape (…)": up to the tail's quote, no quotation mark, no
    // control character, and every reverse solidus an escape that ends before it.
    // Always into `scratch`, even without an escape: the text must outlive the event's data
    // as the DOM path's (in the parser's buffers) does, for a caller that reads the
    // outputs after the data is gone (`ActionStream.readRepaired`, whose repaired copy of
    // the data is freed before the outputs are routed; found by fuzz-dialect).
    var ascii = true
    let out = scratch.reserve(end - start)
    var o = 0
    while i < end {
      let c = p[i]
      if c == UInt8(ascii: "\\") {
        guard let next = ByteScratch.unescape(p, at: i, end: end, into: out, at: &o) else { return nil }
        i = next
        continue
      }
      if c == UInt8(ascii: "\"") || c < 0x20 { return nil }
      if c >= 0x80 { ascii = false }
      out[o] = c
      o &+= 1
      i &+= 1
    }
    if !ascii && !utf8Checked && !SSEParser.isValidUTF8(UnsafeRawBufferPointer(rebasing: data[start..<end])) {
      return nil
    }
    self.index = index
    text = UnsafeRawBufferPointer(start: out, count: o)
  }

  /// Whether `literal` is at `offset` of `data`.
  @inline(__always)
  private static func spells(_ data: UnsafeRawBufferPointer, at offset: Int, _ literal: JSONKey) -> Bool {
    let bytes = literal.bytes
    guard data.count - offset >= bytes.count, let base = data.baseAddress else { return false }
    return memcmp(base + offset, bytes.baseAddress!, bytes.count) == 0
  }
}

/// A growable byte buffer of its own (not an array, whose storage a pointer must not
/// outlive an access of): where ``AnthropicWireDelta`` unescapes a string whose bytes the
/// dialect hands on for the event. One per dialect, reused.
final class ByteScratch {
  private var base: UnsafeMutablePointer<UInt8>
  private var capacity: Int

  init(capacity: Int = 256) {
    self.capacity = capacity
    base = .allocate(capacity: capacity)
  }

  deinit { base.deallocate() }

  /// The buffer, holding at least `count` bytes (its contents are not kept).
  func reserve(_ count: Int) -> UnsafeMutablePointer<UInt8> {
    if count > capacity {
      base.deallocate()
      capacity = max(count, capacity * 2)
      base = .allocate(capacity: capacity)
    }
    return base
  }

  /// Resolves the escape at `p[i]` (a `\`) of a string ending before `end` (RFC 8259 §7),
  /// writing its bytes at `out[o]` (advanced); returns the index after it, or nil for an
  /// escape the DOM path is left to judge. Never writes more bytes than it reads.
  static func unescape(_ p: UnsafePointer<UInt8>, at i: Int, end: Int, into out: UnsafeMutablePointer<UInt8>,
                       at o: inout Int) -> Int?
  {
    guard i + 1 < end else { return nil }
    let byte: UInt8
    switch p[i + 1] {
    case UInt8(ascii: "\""): byte = 0x22
    case UInt8(ascii: "\\"): byte = 0x5C
    case UInt8(ascii: "/"): byte = 0x2F
    case UInt8(ascii: "b"): byte = 0x08
    case UInt8(ascii: "f"): byte = 0x0C
    case UInt8(ascii: "n"): byte = 0x0A
    case UInt8(ascii: "r"): byte = 0x0D
    case UInt8(ascii: "t"): byte = 0x09
    case UInt8(ascii: "u"):
      guard var scalar = hex4(p, i + 2, end) else { return nil }
      var next = i + 6
      if scalar >= 0xD800 && scalar <= 0xDFFF {
        // "To escape an extended character that is not in the Basic Multilingual Plane,
        // the character is represented as a 12-character sequence, encoding the UTF-16
        // surrogate pair": a high one, then its low partner.
        guard scalar <= 0xDBFF, next + 1 < end, p[next] == UInt8(ascii: "\\"), p[next + 1] == UInt8(ascii: "u"),
              let low = hex4(p, next + 2, end), low >= 0xDC00 && low <= 0xDFFF
        else { return nil }
        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        next += 6
      }
      o += writeUTF8(scalar, at: out + o)
      return next
    default:
      return nil
    }
    out[o] = byte
    o += 1
    return i + 2
  }

  /// The four hex digits at `i` (before `end`), or nil.
  private static func hex4(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int) -> UInt32? {
    guard i + 4 <= end else { return nil }
    var value: UInt32 = 0
    for k in i..<i + 4 {
      let c = p[k]
      let digit: UInt8
      switch c {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c - UInt8(ascii: "A") + 10
      default: return nil
      }
      value = value << 4 | UInt32(digit)
    }
    return value
  }

  /// Writes `scalar` (not a surrogate) as UTF-8 at `p`; returns the bytes written.
  private static func writeUTF8(_ scalar: UInt32, at p: UnsafeMutablePointer<UInt8>) -> Int {
    switch scalar {
    case 0..<0x80:
      p[0] = UInt8(scalar)
      return 1
    case 0x80..<0x800:
      p[0] = UInt8(0xC0 | scalar >> 6)
      p[1] = UInt8(0x80 | scalar & 0x3F)
      return 2
    case 0x800..<0x10000:
      p[0] = UInt8(0xE0 | scalar >> 12)
      p[1] = UInt8(0x80 | scalar >> 6 & 0x3F)
      p[2] = UInt8(0x80 | scalar & 0x3F)
      return 3
    default:
      p[0] = UInt8(0xF0 | scalar >> 18)
      p[1] = UInt8(0x80 | scalar >> 12 & 0x3F)
      p[2] = UInt8(0x80 | scalar >> 6 & 0x3F)
      p[3] = UInt8(0x80 | scalar & 0x3F)
      return 4
    }
  }
}
