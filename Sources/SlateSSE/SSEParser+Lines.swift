#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splitting the byte stream into lines: the BOM, CR / LF / CRLF, and lines that span
/// chunks. Each byte is examined once here; complete lines go to `interpretLine`.
extension SSEParser {
  /// Parses `bytes`, the next chunk of the stream, appending what it completed to
  /// `outputs` in stream order.
  ///
  /// A line wholly inside the chunk is interpreted in place, without copying; only a line
  /// cut by the chunk's end is buffered, and only its new bytes are scanned when the
  /// next chunk arrives. O(`bytes.count`) plus the size of what it dispatches.
  public mutating func feed(_ bytes: UnsafeRawBufferPointer, into outputs: inout [SSEOutput]) {
    feed(bytes, to: &outputs)
  }

  /// Parses `bytes`, the next chunk of the stream, handing what it completed to `sink` in
  /// stream order: each event as an ``SSEEventView`` (its data a span of `bytes` when the
  /// event lies inside this chunk and has one data line, else of the parser's reused
  /// buffer; no `String` is built for it), comments and diagnostics as ``SSEOutput``s.
  /// The same outputs, offsets included, as ``feed(_:into:)`` for every chunking.
  package mutating func feed<Sink: SSESink>(_ bytes: UnsafeRawBufferPointer, to outputs: inout Sink) {
    flushPendingBytes(into: &outputs)
    if continuesLine(bytes) { return }
    feedLines(bytes, to: &outputs)
  }

  /// ``feed(_:to:)`` for a chunk that ``continuesLine(_:)`` did not take.
  package mutating func feedLines<Sink: SSESink>(_ bytes: UnsafeRawBufferPointer, to outputs: inout Sink) {
    guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
    let count = bytes.count
    defer { keepInPlaceData() }
    let chunkStart = offset
    var i = 0
    var lineEnds = LineEnds(base, count: count)
    while i < count {
      switch state {
      case .streamStart(let seen):
        // "One leading U+FEFF BYTE ORDER MARK character must be ignored if any are present."
        if bytes[i] == Self.byteOrderMark[seen] {
          i += 1
          state = seen == 2 ? .lineStart : .streamStart(bomBytesSeen: seen + 1)
        } else {
          // Not a BOM after all: the bytes taken for one start the first line.
          state = .lineStart
          if seen > 0 {
            lineStartOffset = 0
            Self.byteOrderMark.withUnsafeBytes {
              bufferPartialLine(UnsafeRawBufferPointer(rebasing: $0[0..<seen]), into: &outputs)
            }
          }
        }
      case .afterCR:
        // "Lines must be separated by either a U+000D CARRIAGE RETURN U+000A LINE FEED
        // (CRLF) character pair, a single U+000A LINE FEED (LF) character, or a single
        // U+000D CARRIAGE RETURN (CR) character." The CR ended the line already.
        if bytes[i] == Self.lineFeed { i += 1 }
        state = .lineStart
      case .lineStart, .inLine, .skippingLine:
        if case .lineStart = state {
          lineStartOffset = chunkStart + i
          if blockStartOffset == nil, readsWholeEvents,
             let next = dispatchWholeEvent(base, at: i, count: count, chunkStart: chunkStart, lineEnds: &lineEnds,
                                           into: &outputs)
          {
            i = next
            continue
          }
        }
        let lineEnd = lineEnds.first(from: i)
        let piece = UnsafeRawBufferPointer(start: base + i, count: lineEnd - i)
        guard lineEnd < count else {
          if case .skippingLine = state {} else { bufferPartialLine(piece, into: &outputs) }
          i = count
          continue
        }
        completeLine(piece, lineEnd: chunkStart + lineEnd, into: &outputs)
        state = bytes[lineEnd] == Self.carriageReturn ? .afterCR : .lineStart
        i = lineEnd + 1
      }
    }
    offset = chunkStart + count
  }

  /// The common case of small chunks (a slow link, or 1 byte at a time): when `bytes` (not
  /// empty) only continue the buffered line, with no line ending and within the line
  /// limit, appends them and returns true; else does nothing and returns false.
  @inline(__always)
  mutating func continuesLine(_ bytes: UnsafeRawBufferPointer) -> Bool {
    guard case .inLine = state, let base = bytes.baseAddress else { return false }
    let count = bytes.count
    if count == 1 { return appendsByte(base.load(as: UInt8.self)) }
    guard Self.firstLineEnd(base, from: 0, to: count) == count, lineBuffer.count &+ count <= options.limits.maxLineBytes
    else { return false }
    appendToLineBuffer(bytes)
    offset &+= count
    return true
  }

  /// In state `.inLine`: when `byte` is no line ending and ``pendingBytes`` has room,
  /// holds it there and returns true; else does nothing and returns false. The line's limit
  /// is enforced when the held bytes join the line (``flushPendingBytes(into:)``, before the
  /// next other chunk or the end): the same diagnostic, as nothing can be reported between.
  /// Inlinable: the action stream's 1-byte chunks end here, inlined into its `feed`.
  @inlinable @inline(__always)
  mutating func appendsByte(_ byte: UInt8) -> Bool {
    let held = pendingCount
    guard byte != 0x0A, byte != 0x0D, held < Self.pendingCapacity else { return false }
    withUnsafeMutableBytes(of: &pendingBytes) { $0.storeBytes(of: byte, toByteOffset: held, as: UInt8.self) }
    pendingCount = held &+ 1
    nextOffset &+= 1
    return true
  }

  /// Moves the bytes held by ``appendsByte(_:)`` to the line buffer (reporting the line as
  /// too long and skipping it when they take it past its limit, as they would have one by
  /// one). Called before anything else reads the line: any other chunk, and the end.
  @inline(__always)
  mutating func flushPendingBytes<Sink: SSESink>(into outputs: inout Sink) {
    guard pendingCount > 0 else { return }
    flushPendingBytesNow(into: &outputs)
  }

  mutating func flushPendingBytesNow<Sink: SSESink>(into outputs: inout Sink) {
    let held = pendingCount
    pendingCount = 0
    let pending = pendingBytes
    withUnsafeBytes(of: pending) { bufferPartialLine(UnsafeRawBufferPointer(rebasing: $0[..<held]), into: &outputs) }
  }

  /// Adds `piece` (bytes of a line with no line ending yet) to the line buffer, or
  /// reports the line as too long and skips it (state `.skippingLine`).
  mutating func bufferPartialLine<Sink: SSESink>(_ piece: UnsafeRawBufferPointer, into outputs: inout Sink) {
    if lineBuffer.count + piece.count > options.limits.maxLineBytes {
      lineTooLong(firstByte: lineBuffer.first ?? piece[0], into: &outputs)
      releaseLineBuffer()
      state = .skippingLine
    } else {
      appendToLineBuffer(piece)
      state = .inLine
    }
  }

  /// Appends `piece` to the line buffer (within the line limit, checked by the caller).
  @inline(__always)
  mutating func appendToLineBuffer(_ piece: UnsafeRawBufferPointer) {
    // One byte at a time is common on slow links; a single append is cheaper than a copy.
    if piece.count == 1 {
      lineBuffer.append(piece.load(as: UInt8.self))
    } else {
      lineBuffer.append(contentsOf: piece.assumingMemoryBound(to: UInt8.self))
    }
  }

  /// The line in progress ends with `piece` (the bytes before its line ending, which
  /// stands at raw offset `lineEnd`): check its length and interpret it.
  mutating func completeLine<Sink: SSESink>(_ piece: UnsafeRawBufferPointer, lineEnd: Int, into outputs: inout Sink) {
    switch state {
    case .lineStart:
      if piece.count > options.limits.maxLineBytes {
        lineTooLong(firstByte: piece[0], into: &outputs)
      } else {
        // The line lies in the chunk being fed: a data line may be kept in place.
        lineIsInChunk = true
        interpretLine(piece, lineEnd: lineEnd, into: &outputs)
        lineIsInChunk = false
      }
    case .inLine:
      if lineBuffer.count + piece.count > options.limits.maxLineBytes {
        lineTooLong(firstByte: lineBuffer.first ?? piece[0], into: &outputs)
      } else {
        lineBuffer.append(contentsOf: piece.assumingMemoryBound(to: UInt8.self))
        // Take the buffer out of `self` while the line is interpreted (no copy).
        var line: [UInt8] = []
        swap(&line, &lineBuffer)
        line.withUnsafeBytes { interpretLine($0, lineEnd: lineEnd, into: &outputs) }
        swap(&line, &lineBuffer)
      }
      releaseLineBuffer()
    case .streamStart, .afterCR, .skippingLine:
      break
    }
  }

  /// Empties the line buffer, keeping its storage unless a long line made it large.
  mutating func releaseLineBuffer() {
    lineBuffer.removeAll(keepingCapacity: lineBuffer.capacity <= Self.retainedCapacity)
  }

  /// Buffers larger than this are freed after use rather than kept for the next line/event.
  static var retainedCapacity: Int { 64 << 10 }

  /// The line endings of one chunk, found with the C library's `memchr` (vectorised): LF
  /// searched from each line's start up to the next CR, which is searched once per CR (an
  /// event stream rarely has any). Short spans use ``firstLineEnd(_:from:to:)`` instead
  /// (no call).
  struct LineEnds {
    let base: UnsafeRawPointer
    let count: Int
    /// The first CR at or after the last search's start (`count` for none); -1 before any.
    var nextCR = -1

    init(_ base: UnsafeRawPointer, count: Int) {
      self.base = base
      self.count = count
    }

    /// The index of the first CR or LF at or after `start` (< `count`), or `count`.
    /// Searches are never repeated: O(bytes) over the chunk.
    @inline(__always)
    mutating func first(from start: Int) -> Int {
      if count &- start < 32 { return SSEParser.firstLineEnd(base, from: start, to: count) }
      // A line ending right here (a blank line: every event ends with one) needs no search.
      let byte = base.load(fromByteOffset: start, as: UInt8.self)
      if byte == SSEParser.lineFeed || byte == SSEParser.carriageReturn { return start }
      if nextCR < start { nextCR = Self.find(SSEParser.carriageReturn, base, from: start, to: count) }
      return Self.find(SSEParser.lineFeed, base, from: start, to: nextCR)
    }

    /// The index of the first `byte` in `base[start..<end]`, or `end`.
    static func find(_ byte: UInt8, _ base: UnsafeRawPointer, from start: Int, to end: Int) -> Int {
      guard start < end, let found = memchr(base + start, Int32(byte), end &- start) else { return end }
      return UnsafeRawPointer(found) - base
    }
  }

  /// The index of the first CR or LF in `base[from..<to]`, or `to` when there is none.
  /// Eight bytes per step: a byte equal to CR or LF becomes zero after the XOR, and the
  /// classic "has a zero byte" test flags it (exactly, for the lowest flagged byte).
  @inline(__always)
  static func firstLineEnd(_ base: UnsafeRawPointer, from start: Int, to end: Int) -> Int {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    var i = start
    while i &+ 8 <= end {
      let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
      let lf = word ^ (ones &* UInt64(lineFeed))
      let cr = word ^ (ones &* UInt64(carriageReturn))
      let hits = (((lf &- ones) & ~lf) | ((cr &- ones) & ~cr)) & highs
      if hits != 0 { return i &+ hits.trailingZeroBitCount &>> 3 }
      i &+= 8
    }
    while i < end {
      let byte = base.load(fromByteOffset: i, as: UInt8.self)
      if byte == lineFeed || byte == carriageReturn { return i }
      i &+= 1
    }
    return end
  }
}
