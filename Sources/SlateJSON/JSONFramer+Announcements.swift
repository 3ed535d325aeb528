// Member names the framer must recognise (the `field` framing's name at the top level, the
// announcement rule's names at the top level of an object value) and early announcements.
//
// Only those names and the announced scalars are collected, as raw bytes while they are
// scanned, and decoded once when they end; every other string is only validated.

extension JSONFramer {
  /// An object value started: its announcement is pending.
  mutating func beginAnnouncement() {
    announcePending = true
    if found.count == announceNames.count {
      for k in found.indices { found[k] = nil }
    } else {
      found = Array(repeating: nil, count: announceNames.count)
    }
    foundCount = 0
  }

  /// The opening quote of a member name at chunk index `i`.
  mutating func beginKey(at i: Int) -> Int {
    state = .string(key: true)
    captureSlot = -1
    if (mode == .field && depth == 1) || (announcePending && depth == frameDepth + 1) { startTrack(.name, at: i) }
    return i + 1
  }

  /// The member name ended before chunk index `end`: match it if it was tracked.
  mutating func keyDone(end: Int) {
    state = .structure(.colon)
    guard track == .name else { return }
    appendTrack(upTo: end)
    track = .none
    guard !trackOverflow else { return }
    if mode == .field && depth == 1 {
      if Self.spells(trackBuffer, fieldName) { state = .structure(.fieldColon) }
    } else if let slot = announceNames.firstIndex(where: { Self.spells(trackBuffer, $0) }) {
      captureSlot = slot
    }
  }

  /// Whether the validated string literal `literal` (quotes included) stands for `name`:
  /// compared in place when it holds no escape, else decoded first.
  static func spells(_ literal: [UInt8], _ name: [UInt8]) -> Bool {
    let inner = literal[1..<(literal.count - 1)]
    if !inner.contains(UInt8(ascii: "\\")) { return inner.elementsEqual(name) }
    return unescaped(literal) == name
  }

  /// The announced scalar ended before chunk index `end`: record it, and announce when
  /// every wanted member is complete.
  mutating func captureDone(end: Int) {
    appendTrack(upTo: end)
    track = .none
    let slot = captureSlot
    captureSlot = -1
    guard announcePending, slot >= 0 else { return }
    let value = Self.scalar(fromLiteral: trackBuffer)
    for k in slot..<announceNames.count where announceNames[k] == announceNames[slot] {  // a name may be wanted twice
      if found[k] == nil { foundCount += 1 }
      found[k] = value
    }
    guard foundCount == found.count else { return }
    announcePending = false
    // The last byte before which a chunk could have ended with the announcement still to
    // come: a number completes at the byte after it, a string or literal at its last byte.
    // Past the size limit there, the value is too large whatever comes (a chunking cut
    // there reports it first), so it is not announced: the events stay chunk-invariant.
    let isNumber = value.numberValue != nil
    guard base + end - (isNumber ? 0 : 1) - valueStart <= limits.maxValueBytes else { return }
    var keys = JSONObject()
    if let names = announcementRule?.keyFields, !names.isEmpty {
      keys.members.reserveCapacity(names.count)
      for k in names.indices { keys.append(key: names[k], value: found[k + 1]!) }
    }
    output.append(.started(ValueAnnouncement(index: valueCount, offset: valueStart, readyAt: base + end,
                                             type: found[0]!, keys: keys)))
  }

  // MARK: Tracking raw bytes

  mutating func startTrack(_ kind: Track, at i: Int) {
    track = kind
    trackStart = i
    trackBuffer.removeAll(keepingCapacity: true)
    trackOverflow = false
  }

  /// Appends `chunk[trackStart..<end]` to the tracked bytes. A name longer than any wanted
  /// name can be spelled is abandoned (it cannot match), so names cost O(1) memory.
  mutating func appendTrack(upTo end: Int) {
    guard !trackOverflow, end > trackStart else { return }
    if track == .name && trackBuffer.count + (end - trackStart) > longestNameSpelling {
      trackOverflow = true
      return
    }
    trackBuffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[trackStart..<end]))
  }

  /// The value of a validated scalar from its bytes.
  static func scalar(fromLiteral raw: [UInt8]) -> JSONValue {
    switch raw.first {
    case UInt8(ascii: "\""):
      raw.contains(UInt8(ascii: "\\"))
        ? .string(String(decoding: unescaped(raw), as: UTF8.self))
        : .string(String(decoding: raw[1..<(raw.count - 1)], as: UTF8.self))
    case UInt8(ascii: "t"): .bool(true)
    case UInt8(ascii: "f"): .bool(false)
    case UInt8(ascii: "n"): .null
    default: .number(JSONNumber(validatedLexeme: String(decoding: raw, as: UTF8.self)))
    }
  }

  // MARK: Snapshots

  /// The object or array value in progress as it stands: the members and elements that
  /// are complete, closed with the brackets still open. Members whose value is still in
  /// progress (a string not yet closed, a number not yet delimited) are left out. Nil
  /// when no container value is in progress. Call it between feeds; it copies the value's
  /// bytes so far and parses them once: O(bytes of the value so far), never done per feed.
  public func snapshot(with parser: SimdjsonParser) throws(JSONParseError) -> JSONValue? {
    switch state {
    case .stopped, .classify: return nil
    default: break
    }
    guard valueStart >= 0, depth > frameDepth else { return nil }
    var closers: [UInt8] = []
    for level in stride(from: depth - 1, through: frameDepth, by: -1) {
      closers.append(stack.isObject(level: level) ? UInt8(ascii: "}") : UInt8(ascii: "]"))
    }
    let cut = lastCut - valueStart
    let bytes = carry.withUnsafeBytes { head in
      closers.withUnsafeBytes { PaddedBytes(UnsafeRawBufferPointer(rebasing: head[0..<cut]), $0) }
    }
    return try parser.parse(bytes)
  }
}
