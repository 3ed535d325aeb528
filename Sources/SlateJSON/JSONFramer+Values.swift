// The framed value in progress: its bytes across chunks, its emission, and the events.

extension JSONFramer {
  /// The framed value in progress ended at text offset `end`: emit it.
  mutating func completeValue(end: Int) {
    if end - valueStart > limits.maxValueBytes { return failTooLarge() }
    let tail = UnsafeRawBufferPointer(rebasing: chunk[max(valueStart - base, 0)..<(end - base)])
    let bytes = carry.withUnsafeBytes { PaddedBytes($0, tail) }
    var framed = FramedValue(index: valueCount, range: valueStart..<end, bytes: bytes)
    if let parser {
      do {
        switch form {
        case .value: framed.value = try framed.parse(with: parser)
        case .document: framed.document = try framed.parseDocument(with: parser)
        }
      } catch {
        return fail(error.code, at: error.offset, error.message)
      }
    }
    output.append(.value(framed))
    valueCount += 1
    valueStart = -1
    announcePending = false
    if carry.capacity > 1 << 16 { carry = [] } else { carry.removeAll(keepingCapacity: true) }
  }

  /// The end of a chunk of `n` bytes: keep the bytes of the value in progress (and of a
  /// tracked name or scalar), and enforce the value size limit on what is accepted so far.
  mutating func endChunk(_ n: Int) {
    switch state {
    case .stopped, .classify: return
    default: break
    }
    if valueStart >= 0 {
      if acceptedEnd(chunkEnd: base + n) - valueStart > limits.maxValueBytes { return failTooLarge() }
      let from = max(valueStart - base, 0)
      if n - from <= 8 {
        for k in from..<n { carry.append(chunk[k]) }  // cheaper than a copy call for tiny chunks
      } else {
        carry.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[from..<n]))
      }
    }
    if track != .none {
      appendTrack(upTo: n)
      trackStart = 0
    }
  }

  /// Moves the completed events to `events`.
  mutating func drain(into events: inout [FramerEvent]) {
    if output.isEmpty { return }
    if events.isEmpty {
      swap(&events, &output)
    } else {
      events.append(contentsOf: output)
      output.empty()
    }
  }

  /// Frees what a stopped framer no longer needs.
  mutating func release() {
    carry = []
    trackBuffer = []
    found = []
  }
}
