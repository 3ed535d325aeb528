/// Interpreting complete lines: comments, fields, dispatch at a blank line, and the limits.
extension SSEParser {
  /// Interprets one complete line (without its line ending, which stands at raw offset
  /// `lineEnd`; the line starts at `lineStartOffset`). O(line length).
  mutating func interpretLine<Sink: SSESink>(_ line: UnsafeRawBufferPointer, lineEnd: Int, into outputs: inout Sink) {
    // "If the line is empty (a blank line): Dispatch the event, as defined below."
    guard let first = line.first else {
      dispatch(end: lineEnd + 1, into: &outputs)
      return
    }
    if blockStartOffset == nil { blockStartOffset = lineStartOffset }
    // "If the line starts with a U+003A COLON character (:): Ignore the line."
    if first == Self.colon {
      if options.reportsComments {
        let text = Self.value(of: line, afterColonAt: 0)
        outputs.append(.comment(SSEComment(text: String(decoding: text, as: UTF8.self), offset: lineStartOffset)))
      }
      return
    }
    blockHasFields = true
    if discardingBlock { return }
    // "If the line contains a U+003A COLON character (:): Collect the characters on the
    // line before the first U+003A COLON character (:), and let field be that string.
    // Collect the characters on the line after the first U+003A COLON character (:), and
    // let value be that string. If value starts with a U+0020 SPACE character, remove it
    // from value." / "Otherwise, the string is not empty but does not contain a U+003A
    // COLON character (:): Process the field using the steps described below, using the
    // whole line as the field name, and the empty string as the field value."
    let field: Field
    let value: UnsafeRawBufferPointer
    if let (known, colonIndex) = Field.prefix(of: line) {
      // The usual `data:` / `event:` / `id:` / `retry:` (their names hold no colon).
      field = known
      value = Self.value(of: line, afterColonAt: colonIndex)
    } else {
      let colonIndex = Self.firstColon(in: line)
      let name = UnsafeRawBufferPointer(rebasing: line[..<(colonIndex ?? line.count)])
      guard let named = Field(name) else {
        // "Otherwise: The field is ignored."
        return
      }
      field = named
      value = colonIndex.map { Self.value(of: line, afterColonAt: $0) } ?? UnsafeRawBufferPointer(rebasing: line[0..<0])
    }
    switch field {
    case .event:
      // "Set the event type buffer to the field value."
      setEventType(value)
    case .data:
      appendData(value, valueOffset: lineStartOffset + (line.count - value.count), into: &outputs)
    case .id:
      // "If the field value does not contain U+0000 NULL, then set the last event ID
      // buffer to the field value. Otherwise, ignore the field."
      if !value.contains(0) {
        lastEventIdBuffer.removeAll(keepingCapacity: true)
        lastEventIdBuffer.append(contentsOf: value.assumingMemoryBound(to: UInt8.self))
        lastEventIdBufferIsPending = true
      }
    case .retry:
      // "If the field value consists of only ASCII digits, then interpret the field value
      // as an integer in base ten, and set the event stream's reconnection time to that
      // integer. Otherwise, ignore the field." (An empty value is not a number; a value
      // beyond Int.max saturates.)
      if let milliseconds = Self.decimalValue(value) { retry = milliseconds }
    }
  }

  /// The field names the spec gives a meaning to; matching is case-sensitive, on bytes.
  enum Field {
    case event, data, id, retry

    init?(_ name: UnsafeRawBufferPointer) {
      switch name.count {
      case 2 where name[0] == 0x69 && name[1] == 0x64: self = .id  // "id"
      case 4 where name.loadUnaligned(as: UInt32.self) == Field.word("data"): self = .data
      case 5 where name.loadUnaligned(as: UInt32.self) == Field.word("even") && name[4] == 0x74: self = .event  // "event"
      case 5 where name.loadUnaligned(as: UInt32.self) == Field.word("retr") && name[4] == 0x79: self = .retry  // "retry"
      default: return nil
      }
    }

    /// The field whose name and colon start `line` (`data:`, `event:`, `id:`, `retry:`),
    /// with the colon's index; nil for any other line (then the name is found the long way).
    @inline(__always)
    static func prefix(of line: UnsafeRawBufferPointer) -> (Field, colonIndex: Int)? {
      let count = line.count
      guard count >= 3 else { return nil }
      let colon = SSEParser.colon
      switch line[0] {
      case 0x64:  // "data:"
        if count >= 5 && line.loadUnaligned(as: UInt32.self) == word("data") && line[4] == colon { return (.data, 4) }
      case 0x65:  // "event:"
        if count >= 6 && line.loadUnaligned(as: UInt32.self) == word("even") && line[4] == 0x74 && line[5] == colon {
          return (.event, 5)
        }
      case 0x69:  // "id:"
        if line[1] == 0x64 && line[2] == colon { return (.id, 2) }
      case 0x72:  // "retry:"
        if count >= 6 && line.loadUnaligned(as: UInt32.self) == word("retr") && line[4] == 0x79 && line[5] == colon {
          return (.retry, 5)
        }
      default:
        break
      }
      return nil
    }

    /// The four bytes of `text` as one word in memory order (compared with a name's first four).
    static func word(_ text: StaticString) -> UInt32 {
      UnsafeRawPointer(text.utf8Start).loadUnaligned(as: UInt32.self)
    }
  }

  /// "Append the field value to the data buffer, then append a single U+000A LINE FEED
  /// (LF) character to the data buffer." Enforces ``SSELimits/maxEventDataBytes``.
  mutating func appendData<Sink: SSESink>(_ value: UnsafeRawBufferPointer, valueOffset: Int, into outputs: inout Sink) {
    // The data as dispatched would be the buffer (its LFs now separators) plus this value.
    let limit = options.limits.maxEventDataBytes
    let held = dataCount
    let size = held + value.count
    if size > limit {
      let firstOffending = valueOffset + max(0, limit - held)
      let start = blockStartOffset ?? lineStartOffset
      outputs.append(.diagnostic(SSEDiagnostic(
        code: .sseEventTooLarge, severity: .error, offset: firstOffending,
        message: "expected at most \(limit) bytes of event data, but the data line at byte \(lineStartOffset) "
          + "brings the event starting at byte \(start) to \(size) bytes; "
          + "discarding the event up to the next blank line")))
      discardBlock()
      return
    }
    // The event's first data line, inside the chunk being fed: kept in place (most events
    // have one data line, so most need no copy); a second line or the chunk's end copies it.
    if held == 0 && lineIsInChunk {
      inPlaceData = InPlaceSpan(bytes: value)
      return
    }
    keepInPlaceData()
    dataBuffer.append(contentsOf: value.assumingMemoryBound(to: UInt8.self))
    dataBuffer.append(Self.lineFeed)
  }

  /// Bytes of data the event holds so far, each line counted with its LF.
  var dataCount: Int { inPlaceData.map { $0.bytes.count + 1 } ?? dataBuffer.count }

  /// Copies the data line kept in place into the data buffer (before the chunk it lies in
  /// is gone, or before a second line joins it).
  mutating func keepInPlaceData() {
    guard let value = inPlaceData?.bytes else { return }
    inPlaceData = nil
    dataBuffer.append(contentsOf: value.assumingMemoryBound(to: UInt8.self))
    dataBuffer.append(Self.lineFeed)
  }

  /// The line in progress (starting at `lineStartOffset`, first byte `firstByte`) is
  /// longer than ``SSELimits/maxLineBytes``. A comment is skipped with a warning; a field
  /// line loses its whole event, up to the next blank line.
  mutating func lineTooLong<Sink: SSESink>(firstByte: UInt8, into outputs: inout Sink) {
    let limit = options.limits.maxLineBytes
    let isComment = firstByte == Self.colon
    if blockStartOffset == nil { blockStartOffset = lineStartOffset }
    let consequence = isComment ? "skipping the comment" : "discarding the event up to the next blank line"
    outputs.append(.diagnostic(SSEDiagnostic(
      code: .sseLineTooLong, severity: isComment ? .warning : .error, offset: lineStartOffset + limit,
      message: "expected a line ending within \(limit) bytes of the \(isComment ? "comment" : "line") "
        + "starting at byte \(lineStartOffset), but the line goes on; \(consequence)")))
    if !isComment {
      blockHasFields = true
      discardBlock()
    }
  }

  /// Drops the event in progress after a limit violation: its data, its type, and any
  /// `id` it set (the last event ID buffer goes back to the last event ID). Complete
  /// `retry` lines before the violation have taken effect, as the spec applies them at once.
  mutating func discardBlock() {
    releaseEventBuffers()
    if lastEventIdBufferIsPending {
      lastEventIdBuffer = Array(lastEventId.utf8)
      lastEventIdBufferIsPending = false
    }
    discardingBlock = true
  }

  /// A blank line (or, with flushOnEOF, the end of the stream) ends the block; `end` is the
  /// raw offset just past it.
  mutating func dispatch<Sink: SSESink>(end: Int, into outputs: inout Sink) {
    let start = blockStartOffset ?? lineStartOffset
    blockStartOffset = nil
    blockHasFields = false
    if discardingBlock {
      discardingBlock = false
      return
    }
    // "1. Set the last event ID string of the event source to the value of the last
    // event ID buffer. The buffer does not get reset, so the last event ID string of the
    // event source remains set to this value until the next time it is set by the server."
    if lastEventIdBufferIsPending {
      lastEventId = String(decoding: lastEventIdBuffer, as: UTF8.self)
      lastEventIdBufferIsPending = false
    }
    // "2. If the data buffer is an empty string, set the data buffer and the event type
    // buffer to the empty string and return."
    guard dataCount > 0 else {
      eventTypeSlot = .empty
      eventTypeBuffer.removeAll(keepingCapacity: true)
      return
    }
    // "3. If the data buffer's last character is a U+000A LINE FEED (LF) character, then
    // remove the last character from the data buffer." (It always is; the line kept in
    // place has none.) Valid UTF-8 (the rule) is handed on as it is; invalid data is
    // decoded, each invalid sequence becoming U+FFFD, with a warning.
    // (`handOn` is static and gets the fields it needs: a closure that read `self` here
    // would copy the whole parser, retaining each of its buffers, at every event whose
    // data spans chunks.)
    let range = start..<end
    let known: Int? = if case .known(let index) = eventTypeSlot { index } else { nil }
    if Sink.takesEventBytes, known != nil || eventTypeSlot.isEmpty, handOnBytes(known: known, range: range, into: &outputs) {
      releaseEventBuffers()
      return
    }
    // "the type attribute initialized to "message" ... If the event type buffer has a
    // value other than the empty string, change the type of the newly created event to
    // equal the value of the event type buffer." (A type repeated from the last event
    // reuses its `String`.)
    let type = eventType()
    let (lastEventId, retry) = (self.lastEventId, self.retry)
    if let data = inPlaceData?.bytes {
      Self.handOn(data, inChunk: true, type: type, known: known, lastEventId: lastEventId, retry: retry, range: range,
                  into: &outputs)
    } else {
      dataBuffer.withUnsafeBytes {
        Self.handOn(UnsafeRawBufferPointer(rebasing: $0[..<($0.count - 1)]), inChunk: false, type: type, known: known,
                    lastEventId: lastEventId, retry: retry, range: range, into: &outputs)
      }
    }
    // "5. Set the data buffer and the event type buffer to the empty string."
    releaseEventBuffers()
  }

  /// Hands the event with data `data` to the sink, after checking that it is UTF-8 (unless
  /// the sink checks it later itself: ``SSESink/defersUTF8Check``; the event then goes as
  /// it is, marked unchecked).
  static func handOn<Sink: SSESink>(_ data: UnsafeRawBufferPointer, inChunk: Bool, type: String, known: Int?,
                                    lastEventId: String, retry: Int?, range: Range<Int>, into outputs: inout Sink)
  {
    let defers = outputs.defersUTF8Check
    if defers || _fastPath(SSEParser.isValidUTF8(data)) {
      outputs.appendEvent(SSEEventView(type: type, knownType: known, data: data, dataIsInChunk: inChunk,
                                       lastEventId: lastEventId, retry: retry, byteRange: range, utf8Checked: !defers))
      return
    }
    outputs.append(.diagnostic(SSEDiagnostic.invalidUTF8(byteRange: range)))
    var repaired = String(decoding: data.assumingMemoryBound(to: UInt8.self), as: UTF8.self)
    repaired.withUTF8 {
      outputs.appendEvent(SSEEventView(type: type, knownType: known, data: UnsafeRawBufferPointer($0), dataIsInChunk: false,
                                       lastEventId: lastEventId, retry: retry, byteRange: range))
    }
  }

  /// Hands the event being dispatched (its data in place or in ``dataBuffer``; its type
  /// none or a known one) to a sink that takes event bytes (``SSESink/takesEventBytes``):
  /// no `String` is made for it. Returns false, having done nothing, when the data must be
  /// repaired first (invalid UTF-8 and the sink does not defer the check): ``handOn`` does
  /// that.
  @inline(__always)
  mutating func handOnBytes<Sink: SSESink>(known: Int?, range: Range<Int>, into outputs: inout Sink) -> Bool {
    let typeRange = known.map { knownTypeRanges[$0] } ?? 0..<0
    if let data = inPlaceData?.bytes {
      return knownTypeBytes.withUnsafeBytes { types in
        Self.handOnBytes(data, inChunk: true, known: known, typeBytes: UnsafeRawBufferPointer(rebasing: types[typeRange]),
                         range: range, into: &outputs)
      }
    }
    // Taken out of `self` while it is read (no copy), less its last LF, and given back.
    var buffer: [UInt8] = []
    swap(&buffer, &dataBuffer)
    defer { swap(&buffer, &dataBuffer) }
    return knownTypeBytes.withUnsafeBytes { types in
      buffer.withUnsafeBytes {
        Self.handOnBytes(UnsafeRawBufferPointer(rebasing: $0[..<($0.count - 1)]), inChunk: false, known: known,
                         typeBytes: UnsafeRawBufferPointer(rebasing: types[typeRange]), range: range, into: &outputs)
      }
    }
  }

  /// The hand-on itself: the data checked for UTF-8 unless the sink defers it (false, and
  /// nothing handed on, when it is invalid), then appended as bytes.
  @inline(__always)
  static func handOnBytes<Sink: SSESink>(_ data: UnsafeRawBufferPointer, inChunk: Bool, known: Int?,
                                         typeBytes: UnsafeRawBufferPointer, range: Range<Int>, into outputs: inout Sink)
    -> Bool
  {
    let defers = outputs.defersUTF8Check
    guard defers || _fastPath(SSEParser.isValidUTF8(data)) else { return false }
    outputs.appendEvent(knownType: known, typeBytes: typeBytes, data: data, dataIsInChunk: inChunk, byteRange: range,
                        utf8Checked: !defers)
    return true
  }

  /// Where the event type buffer's value is.
  enum EventTypeSlot {
    /// The buffer is empty: the type is `message`.
    case empty
    /// ``knownTypes``' entry at this index.
    case known(Int)
    /// In ``eventTypeBuffer`` (a stream naming more than ``maxKnownTypes`` types).
    case buffered

    var isEmpty: Bool { if case .empty = self { true } else { false } }
  }

  /// Sets the event type buffer to `value`: a type seen before is found among
  /// ``knownTypes`` by its bytes (no copy, no `String`); a new one is remembered.
  /// O(known types + value).
  mutating func setEventType(_ value: UnsafeRawBufferPointer) {
    if value.isEmpty {
      eventTypeSlot = .empty
      return
    }
    if let index = typeIndex(of: value) {
      eventTypeSlot = .known(index)
      lastKnownType = index
    } else {
      eventTypeBuffer.removeAll(keepingCapacity: true)
      eventTypeBuffer.append(contentsOf: value.assumingMemoryBound(to: UInt8.self))
      eventTypeSlot = .buffered
    }
  }

  /// The index of `value` (not empty) among ``knownTypes``, remembered now when it is new
  /// and fewer than ``maxKnownTypes`` are; nil past those (the type is then buffered).
  /// Shared by the line path (``setEventType(_:)``) and the one-step event.
  @inline(__always)
  mutating func typeIndex(of value: UnsafeRawBufferPointer) -> Int? {
    knownTypeIndex(of: value) ?? rememberType(value)
  }

  /// Remembers `value` (not empty, not known) as a known type when fewer than
  /// ``maxKnownTypes`` are: its index, or nil. The event type buffer is not set.
  /// O(value); one `String` made.
  mutating func rememberType(_ value: UnsafeRawBufferPointer) -> Int? {
    guard knownTypes.count < Self.maxKnownTypes else { return nil }
    if knownTypes.isEmpty {
      // Room for every type remembered at once (a stream names a handful): not grown
      // one type at a time, an allocation each.
      knownTypes.reserveCapacity(Self.maxKnownTypes)
      knownTypeRanges.reserveCapacity(Self.maxKnownTypes)
      knownTypeBytes.reserveCapacity(Self.maxKnownTypes * 32)
    }
    let start = knownTypeBytes.count
    knownTypeBytes.append(contentsOf: value.assumingMemoryBound(to: UInt8.self))
    knownTypeRanges.append(start..<knownTypeBytes.count)
    knownTypes.append(String(decoding: value, as: UTF8.self))
    return knownTypes.count - 1
  }

  /// The index of `value` (not empty) among ``knownTypes``, trying the last one found
  /// first, or nil. O(known types + value), no allocation.
  @inline(__always)
  func knownTypeIndex(of value: UnsafeRawBufferPointer) -> Int? {
    knownTypeBytes.withUnsafeBytes { all in
      knownTypeRanges.withUnsafeBufferPointer { ranges -> Int? in
        guard let base = all.baseAddress else { return nil }
        let count = ranges.count
        var index = lastKnownType  // < count whenever there is a known type
        for _ in 0..<count {
          let range = ranges[index]
          if range.count == value.count && Self.bytesEqual(base + range.lowerBound, value) { return index }
          index = index &+ 1 == count ? 0 : index &+ 1
        }
        return nil
      }
    }
  }

  /// Whether the `bytes.count` bytes at `start` equal `bytes` (eight at a time).
  @inline(__always)
  static func bytesEqual(_ start: UnsafeRawPointer, _ bytes: UnsafeRawBufferPointer) -> Bool {
    guard let other = bytes.baseAddress else { return true }
    let count = bytes.count
    var i = 0
    while i &+ 8 <= count {
      if start.loadUnaligned(fromByteOffset: i, as: UInt64.self) != other.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
        return false
      }
      i &+= 8
    }
    while i < count {
      if start.load(fromByteOffset: i, as: UInt8.self) != other.load(fromByteOffset: i, as: UInt8.self) { return false }
      i &+= 1
    }
    return true
  }

  /// The event type buffer as the event's type: `message` when empty; a known type's
  /// `String` is shared (a stream names a handful of types: no allocation per event).
  func eventType() -> String {
    switch eventTypeSlot {
    case .empty: "message"
    case .known(let index): knownTypes[index]
    case .buffered: String(decoding: eventTypeBuffer, as: UTF8.self)
    }
  }

  /// Event types remembered at most (a stream that names more builds the rest each time).
  static var maxKnownTypes: Int { 16 }

  /// Empties the data and event type buffers, keeping their storage unless a large
  /// event made it large.
  mutating func releaseEventBuffers() {
    inPlaceData = nil
    eventTypeSlot = .empty
    if !dataBuffer.isEmpty { dataBuffer.removeAll(keepingCapacity: dataBuffer.capacity <= Self.retainedCapacity) }
    if !eventTypeBuffer.isEmpty {
      eventTypeBuffer.removeAll(keepingCapacity: eventTypeBuffer.capacity <= Self.retainedCapacity)
    }
  }

  /// The index of the first colon in `line`, or nil. O(line).
  static func firstColon(in line: UnsafeRawBufferPointer) -> Int? {
    var i = 0
    let count = line.count
    while i < count {
      if line[i] == colon { return i }
      i &+= 1
    }
    return nil
  }

  /// The bytes after the colon at `colonIndex`, less one leading U+0020.
  @inline(__always)
  static func value(of line: UnsafeRawBufferPointer, afterColonAt colonIndex: Int) -> UnsafeRawBufferPointer {
    var start = colonIndex + 1
    if start < line.count && line[start] == space { start += 1 }
    return UnsafeRawBufferPointer(rebasing: line[start...])
  }

  /// The value as a base-ten integer when it is one or more ASCII digits (saturating at
  /// Int.max), else nil.
  static func decimalValue(_ digits: UnsafeRawBufferPointer) -> Int? {
    guard !digits.isEmpty else { return nil }
    var result = 0
    for byte in digits {
      guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
      let (times10, overflow1) = result.multipliedReportingOverflow(by: 10)
      let (sum, overflow2) = times10.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
      result = overflow1 || overflow2 ? Int.max : sum
    }
    return result
  }
}
