/// What one chunk fed to the SSE parser completed, as a consumer that reads event data as
/// bytes (the action stream) collects it before acting on it: events with their data as
/// bytes, with no `String` built.
///
/// An event that lies inside the chunk keeps its data in place (a span of the chunk, valid
/// until the stream's `feed` returns); any other (cut across chunks, several data lines,
/// or repaired UTF-8) has its data copied into ``kept``, a buffer reused from chunk to
/// chunk. O(1) per event plus the bytes copied; no allocation in the steady state.
package struct SSEEventBatch: SSESink {
  package enum Data {
    /// A span of the chunk being fed.
    case chunk(UnsafeRawBufferPointer)
    /// A range of ``kept``.
    case kept(Range<Int>)
  }

  package enum Item {
    case event(type: String, data: Data, byteRange: Range<Int>)
    /// A comment or a diagnostic.
    case output(SSEOutput)
  }

  package private(set) var items: [Item] = []
  package private(set) var kept: [UInt8] = []

  package init() {}

  package var isEmpty: Bool { items.isEmpty }

  package mutating func appendEvent(_ event: SSEEventView) {
    if event.dataIsInChunk {
      items.append(.event(type: event.type, data: .chunk(event.data), byteRange: event.byteRange))
    } else {
      let start = kept.count
      kept.append(contentsOf: event.data)
      items.append(.event(type: event.type, data: .kept(start..<kept.count), byteRange: event.byteRange))
    }
  }

  package mutating func append(_ output: SSEOutput) { items.append(.output(output)) }

  /// Calls `body` with an event's data (valid only inside `body`).
  package func withData<R>(_ data: Data, _ body: (UnsafeRawBufferPointer) -> R) -> R {
    switch data {
    case .chunk(let bytes): body(bytes)
    case .kept(let range): kept.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[range])) }
    }
  }

  /// Empties the batch, keeping its storage unless a large event made it large.
  package mutating func removeAll() {
    items.removeAll(keepingCapacity: true)
    kept.removeAll(keepingCapacity: kept.capacity <= 64 << 10)
  }
}

extension SSEParser {
  /// ``feed(_:to:)`` into a batch, specialised here (a generic call from another module
  /// would not be). Returns whether the batch holds anything (most small chunks complete
  /// nothing, and the caller then has nothing to route).
  @discardableResult
  package mutating func feed(_ bytes: UnsafeRawBufferPointer, batch: inout SSEEventBatch) -> Bool {
    // Checked here, before the call: most 1-byte chunks end at it.
    if continuesLine(bytes) { return !batch.items.isEmpty }
    feedLines(bytes, to: &batch)
    return !batch.items.isEmpty
  }

  /// ``finish(to:)`` into a batch; returns whether the batch holds anything.
  @discardableResult
  package mutating func finish(batch: inout SSEEventBatch) -> Bool {
    finish(to: &batch)
    return !batch.items.isEmpty
  }
}
