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
    guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
    defer { keepInPlaceData() }
    let count = bytes.count
    let chunkStart = offset
    var i = 0
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
        if case .lineStart = state { lineStartOffset = chunkStart + i }
        let lineEnd = Self.firstLineEnd(base, from: i, to: count)
        let piece = UnsafeRawBufferPointer(start: base + i, count: lineEnd - i)
        guard lineEnd < count else {
          if state != .skippingLine { bufferPartialLine(piece, into: &outputs) }
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

  /// Adds `piece` (bytes of a line with no line ending yet) to the line buffer, or
  /// reports the line as too long and skips it (state `.skippingLine`).
  mutating func bufferPartialLine<Sink: SSESink>(_ piece: UnsafeRawBufferPointer, into outputs: inout Sink) {
    if lineBuffer.count + piece.count > options.limits.maxLineBytes {
      lineTooLong(firstByte: lineBuffer.first ?? piece[0], into: &outputs)
      releaseLineBuffer()
      state = .skippingLine
    } else {
      // One byte at a time is common on slow links; a single append is cheaper than a copy.
      if piece.count == 1 {
        lineBuffer.append(piece[0])
      } else {
        lineBuffer.append(contentsOf: piece.assumingMemoryBound(to: UInt8.self))
      }
      state = .inLine
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
