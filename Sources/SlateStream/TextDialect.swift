/// The `text` dialect: no SSE, the bytes are the answer text itself (provider-streams.md
/// does not cover it; it is Slate's own input form for recorded or generated text).
///
/// Each chunk becomes one answer-text delta (choice 0) at the chunk's raw offset. A UTF-8
/// sequence split across chunks is held (at most 3 bytes) until it completes, so no delta
/// ever splits a character; bytes that are not UTF-8 are decoded as U+FFFD with a
/// `dialect.invalid_utf8` diagnostic. At the end, a sequence still incomplete is
/// `dialect.cut_inside_utf8` and the stream is truncated; otherwise the end of the bytes is
/// the clean end. O(chunk) per chunk, O(1) state.
public struct TextDialect: Sendable {
  public var kind: DialectKind { .text }

  /// The first bytes of an incomplete UTF-8 sequence at the end of the last chunk.
  private var pending: [UInt8] = []
  private var pendingOffset = 0

  public init() {}

  /// Reads the next chunk, whose first byte is at raw offset `offset`.
  public mutating func feed(_ bytes: UnsafeRawBufferPointer, at offset: Int, into out: inout [DialectOutput]) {
    if pending.isEmpty {
      decode(bytes, startingAt: offset, into: &out)
    } else {
      let joined = pending + bytes
      let start = pendingOffset
      pending = []
      joined.withUnsafeBytes { decode($0, startingAt: start, into: &out) }
    }
  }

  /// Reads the next chunk, whose first byte is at raw offset `offset`.
  public mutating func feed(_ bytes: some Collection<UInt8>, at offset: Int, into out: inout [DialectOutput]) {
    let fed: Bool? = bytes.withContiguousStorageIfAvailable { buffer in
      feed(UnsafeRawBufferPointer(buffer), at: offset, into: &out)
      return true
    }
    if fed == nil { Array(bytes).withUnsafeBytes { feed($0, at: offset, into: &out) } }
  }

  /// The bytes ended at raw offset `offset`.
  public mutating func finish(at offset: Int, into out: inout [DialectOutput]) -> DialectEnd {
    let cut = !pending.isEmpty
    if cut {
      out.report(.cutInsideUTF8, at: pendingOffset,
                 "expected \(TextDialect.sequenceLength(pending[0]) - pending.count) more byte(s) to complete a UTF-8 sequence; the text ended")
    }
    return DialectEnd(kind: .text, terminated: true, cutInsideUTF8: cut, offset: offset)
  }

  private mutating func decode(_ bytes: UnsafeRawBufferPointer, startingAt offset: Int, into out: inout [DialectOutput]) {
    let held = TextDialect.incompleteTail(bytes)
    let complete = UnsafeRawBufferPointer(rebasing: bytes[..<(bytes.count - held)])
    if held > 0 {
      pending = Array(bytes[(bytes.count - held)...])
      pendingOffset = offset + bytes.count - held
    }
    guard !complete.isEmpty else { return }
    if let text = String(validating: complete, as: UTF8.self) {
      out.emit(.text(Channel(.answer), DeltaText(text)), at: offset)
    } else {
      out.report(.invalidUTF8, at: offset, "expected UTF-8 text; bytes in this chunk are not UTF-8 (replaced by U+FFFD)")
      out.emit(.text(Channel(.answer), DeltaText(String(decoding: complete, as: UTF8.self))), at: offset)
    }
  }

  /// How many bytes at the end of `bytes` begin a UTF-8 sequence that has not completed
  /// (0 to 3). Only a valid lead byte followed by too few continuation bytes counts; other
  /// malformed bytes are left for the decoder to replace.
  static func incompleteTail(_ bytes: UnsafeRawBufferPointer) -> Int {
    var i = bytes.count - 1
    while i >= 0 && bytes.count - i <= 4 {
      let byte = bytes[i]
      if byte & 0xC0 == 0x80 {
        i -= 1
        continue
      }
      let have = bytes.count - i
      return sequenceLength(byte) > have ? have : 0
    }
    return 0
  }

  /// The length of the sequence a lead byte announces; 1 for ASCII and for invalid leads.
  static func sequenceLength(_ lead: UInt8) -> Int {
    switch lead {
    case 0xC2...0xDF: 2
    case 0xE0...0xEF: 3
    case 0xF0...0xF4: 4
    default: 1
    }
  }
}
