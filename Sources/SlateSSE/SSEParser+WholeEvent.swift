/// The common event read in one step: most events of a provider stream are an `event:`
/// line, a `data:` line and a blank line, all inside the chunk being fed.
extension SSEParser {
  /// At the start of a line that starts a block (no line since the last blank line), reads
  /// the event there when it is, inside the chunk: an optional `event:` line naming a type
  /// the parser knows or can still remember (``maxKnownTypes``), one `data:` line, and a
  /// blank line, each ended by an LF (no CR anywhere), each within
  /// ``SSELimits/maxLineBytes``, the data within ``SSELimits/maxEventDataBytes``.
  /// Dispatches it as the line-by-line path would (the same outputs, offsets, and state
  /// after: the last known type, the blank line's offset) and returns the index just past
  /// its blank line; returns nil for anything else (a comment, an `id` or `retry` field, a
  /// second data line, an empty type or one past those remembered, a CR, a limit, a line
  /// the chunk cuts), which the line-by-line path then reads, having done nothing but
  /// perhaps remember the event's new type (as that path would).
  /// O(event); the line ends come from the chunk's `lineEnds`, so no byte is searched twice.
  @inline(__always)
  mutating func dispatchWholeEvent<Sink: SSESink>(_ base: UnsafeRawPointer, at start: Int, count: Int, chunkStart: Int,
                                                  lineEnds: inout LineEnds, into outputs: inout Sink) -> Int?
  {
    assert(blockStartOffset == nil && inPlaceData == nil && dataBuffer.isEmpty && eventTypeSlot.isEmpty
      && !lastEventIdBufferIsPending && !discardingBlock, "a block in progress")
    var i = start
    var known: Int?
    if base.load(fromByteOffset: i, as: UInt8.self) == UInt8(ascii: "e") {
      let length: Int
      if let same = lastTypeLineLength(base, at: i, count: count) {
        // The type named last, again (a stream's events mostly repeat one): no search.
        known = lastKnownType
        length = same
      } else {
        guard let line = Self.wholeLine(base, at: i, count: count, limit: options.limits.maxLineBytes, &lineEnds),
              let (field, colon) = Field.prefix(of: line), case .event = field
        else { return nil }
        // "Set the event type buffer to the field value": a type seen before, or a new one
        // remembered now (an empty value, and a type past those remembered, take the
        // line-by-line path). A type remembered here for an event that then takes the
        // line-by-line path is found there, as it would have been remembered.
        let value = Self.value(of: line, afterColonAt: colon)
        guard !value.isEmpty, let index = typeIndex(of: value) else { return nil }
        known = index
        length = line.count
      }
      i += length + 1
      guard i < count else { return nil }
    }
    guard base.load(fromByteOffset: i, as: UInt8.self) == UInt8(ascii: "d"),
          let line = Self.wholeLine(base, at: i, count: count, limit: options.limits.maxLineBytes, &lineEnds),
          let (field, colon) = Field.prefix(of: line), case .data = field
    else { return nil }
    let data = Self.value(of: line, afterColonAt: colon)
    // "If the line is empty (a blank line): Dispatch the event": the next line, ended by LF.
    let blank = i + line.count + 1
    guard data.count <= options.limits.maxEventDataBytes, blank < count,
          base.load(fromByteOffset: blank, as: UInt8.self) == Self.lineFeed
    else { return nil }
    #if DEBUG
      wholeEventsRead += 1
    #endif
    // The state the three lines leave (the type named, the data line kept in place, the
    // block begun at the first line, the blank line last), then the blank line's dispatch.
    if let known {
      lastKnownType = known
      eventTypeSlot = .known(known)
    }
    inPlaceData = InPlaceSpan(bytes: data)
    blockStartOffset = chunkStart + start
    lineStartOffset = chunkStart + blank
    dispatch(end: chunkStart + blank + 1, into: &outputs)
    return blank + 1
  }

  /// The length of the line at `start` when it is `event:` (one space after the colon or
  /// none) naming the type named last, ended by an LF inside the chunk, within the line
  /// limit; else nil. Compares the type's bytes where they stand: no line end searched.
  @inline(__always)
  func lastTypeLineLength(_ base: UnsafeRawPointer, at start: Int, count: Int) -> Int? {
    guard lastKnownType < knownTypeRanges.count, count - start >= 8,
          base.loadUnaligned(fromByteOffset: start, as: UInt32.self) == Field.word("even"),
          base.load(fromByteOffset: start + 4, as: UInt8.self) == UInt8(ascii: "t"),
          base.load(fromByteOffset: start + 5, as: UInt8.self) == Self.colon
    else { return nil }
    var valueStart = start + 6
    if base.load(fromByteOffset: valueStart, as: UInt8.self) == Self.space { valueStart += 1 }
    let range = knownTypeRanges[lastKnownType]
    let end = valueStart + range.count
    guard end < count, end - start <= options.limits.maxLineBytes,
          base.load(fromByteOffset: end, as: UInt8.self) == Self.lineFeed
    else { return nil }
    let same = knownTypeBytes.withUnsafeBytes { types in
      Self.bytesEqual(base + valueStart, UnsafeRawBufferPointer(rebasing: types[range]))
    }
    return same ? end - start : nil
  }

  /// The line at `start` when the chunk holds it whole, ended by an LF, and it is at most
  /// `limit` bytes long (without its LF); else nil.
  @inline(__always)
  static func wholeLine(_ base: UnsafeRawPointer, at start: Int, count: Int, limit: Int, _ lineEnds: inout LineEnds)
    -> UnsafeRawBufferPointer?
  {
    let end = lineEnds.first(from: start)
    guard end < count, end - start <= limit, base.load(fromByteOffset: end, as: UInt8.self) == lineFeed else { return nil }
    return UnsafeRawBufferPointer(start: base + start, count: end - start)
  }
}
