/// What one chunk fed to the SSE parser completed, as a consumer that reads event data as
/// bytes (the action stream) collects it before acting on it: events with their data as
/// bytes, with no `String` built.
///
/// An event that lies inside the chunk keeps its data in place (a span of the chunk, valid
/// until the stream's `feed` returns); any other (cut across chunks, several data lines,
/// or repaired UTF-8) has its data copied into ``kept``, a buffer reused from chunk to
/// chunk. O(1) per event plus the bytes copied; no allocation in the steady state.
@usableFromInline
package struct SSEEventBatch: SSESink {
  @usableFromInline
  package enum Data {
    /// A span of the chunk being fed.
    case chunk(UnsafeRawBufferPointer)
    /// A range of ``kept``.
    case kept(Range<Int>)
  }

  /// Where an event's type is: no `String` is kept per event.
  @usableFromInline
  package enum TypeBytes {
    /// The event had no type (`message`).
    case none
    /// A range of ``types``: the type the parser knows by this index, copied there once.
    case known(Range<Int>)
    /// A range of ``kept`` (a type past those the parser remembers).
    case kept(Range<Int>)
  }

  @usableFromInline
  package enum Item {
    /// An event; `utf8Checked` false when its data was not checked (``defersUTF8Check``).
    case event(type: TypeBytes, data: Data, byteRange: Range<Int>, utf8Checked: Bool)
    /// A comment or a diagnostic. (Indirect: rare, and an item the size of an event's
    /// fields is copied cheaply into the batch at every event.)
    indirect case output(SSEOutput)
  }

  @usableFromInline package private(set) var items: [Item] = []
  package private(set) var kept: [UInt8] = []
  /// The bytes of each known type seen so far, end to end (a handful per stream), and
  /// where each is by the parser's index (the same parser feeds the batch throughout).
  private var types: [UInt8] = []
  private var typeRanges: [Range<Int>?] = []

  /// When set, the parser hands events on without checking their data for UTF-8 (each
  /// marked unchecked), and the batch's reader owes the WHATWG decoding of data it finds
  /// invalid (``SSESink/defersUTF8Check``). Off by default.
  package var defersUTF8Check = false

  package init() {}

  @inlinable package var isEmpty: Bool { items.isEmpty }

  package mutating func appendEvent(_ event: SSEEventView) {
    let type = typeBytes(of: event)
    append(type: type, data: event.data, dataIsInChunk: event.dataIsInChunk, byteRange: event.byteRange,
           utf8Checked: event.utf8Checked)
  }

  /// The batch keeps an event's type by the parser's number and its data as bytes: events
  /// come as bytes, with no `String` made for them.
  package static var takesEventBytes: Bool { true }

  package mutating func appendEvent(knownType: Int?, typeBytes: UnsafeRawBufferPointer, data: UnsafeRawBufferPointer,
                                    dataIsInChunk: Bool, byteRange: Range<Int>, utf8Checked: Bool)
  {
    let type: TypeBytes
    if let index = knownType {
      if index < typeRanges.count, let range = typeRanges[index] {
        type = .known(range)
      } else {
        type = .known(remember(typeBytes, index: index))
      }
    } else {
      type = .none
    }
    append(type: type, data: data, dataIsInChunk: dataIsInChunk, byteRange: byteRange, utf8Checked: utf8Checked)
  }

  /// Appends an event whose type is placed: its data kept in place when it lies in the
  /// chunk, else copied into ``kept``.
  @inline(__always)
  private mutating func append(type: TypeBytes, data: UnsafeRawBufferPointer, dataIsInChunk: Bool, byteRange: Range<Int>,
                               utf8Checked: Bool)
  {
    // Room for a chunk's worth of events at once: not grown from one item by doubling, an
    // allocation each, in every stream.
    if _slowPath(items.capacity == 0) { items.reserveCapacity(Self.initialCapacity) }
    if dataIsInChunk {
      items.append(.event(type: type, data: .chunk(data), byteRange: byteRange, utf8Checked: utf8Checked))
    } else {
      let start = kept.count
      kept.append(contentsOf: data)
      items.append(.event(type: type, data: .kept(start..<kept.count), byteRange: byteRange, utf8Checked: utf8Checked))
    }
  }

  /// Where the event's type is kept: a known type's bytes are copied into ``types`` the
  /// first time it comes, any other into ``kept``. O(1) for a known type.
  private mutating func typeBytes(of event: SSEEventView) -> TypeBytes {
    if let index = event.knownType {
      if index < typeRanges.count, let range = typeRanges[index] { return .known(range) }
      var type = event.type
      return .known(type.withUTF8 { remember(UnsafeRawBufferPointer($0), index: index) })
    }
    // (Both the buffer's empty value and `message` itself stand for "no type".)
    if event.type == "message" { return .none }
    let start = kept.count
    kept.append(contentsOf: event.type.utf8)
    return .kept(start..<kept.count)
  }

  /// Copies known type number `index` into ``types``. Out of line: once per type. The first
  /// one makes room for as many as the parser remembers.
  @inline(never)
  private mutating func remember(_ type: UnsafeRawBufferPointer, index: Int) -> Range<Int> {
    if typeRanges.isEmpty {
      typeRanges.reserveCapacity(SSEParser.maxKnownTypes)
      types.reserveCapacity(SSEParser.maxKnownTypes * 32)
    }
    let start = types.count
    types.append(contentsOf: type)
    while typeRanges.count <= index { typeRanges.append(nil) }
    typeRanges[index] = start..<types.count
    return start..<types.count
  }

  /// The items' first capacity.
  static var initialCapacity: Int { 16 }

  /// Calls `body` with the batch's buffers, through which every event of the batch is read
  /// (``Contents/event(_:_:)``) without a closure per event; valid only inside `body`.
  package func withContents<R>(_ body: (Contents) -> R) -> R {
    types.withUnsafeBytes { types in
      kept.withUnsafeBytes { kept in body(Contents(types: types, kept: kept)) }
    }
  }

  /// The batch's buffers, as ``withContents(_:)`` lends them.
  package struct Contents {
    let types: UnsafeRawBufferPointer
    let kept: UnsafeRawBufferPointer

    /// An event's type (empty when it had none, or was `message`) and its data. O(1).
    @inline(__always)
    package func event(_ type: TypeBytes, _ data: Data) -> (type: UnsafeRawBufferPointer, data: UnsafeRawBufferPointer) {
      let name: UnsafeRawBufferPointer = switch type {
      case .none: UnsafeRawBufferPointer(start: nil, count: 0)
      case .known(let range): UnsafeRawBufferPointer(rebasing: types[range])
      case .kept(let range): UnsafeRawBufferPointer(rebasing: kept[range])
      }
      let bytes: UnsafeRawBufferPointer = switch data {
      case .chunk(let bytes): bytes
      case .kept(let range): UnsafeRawBufferPointer(rebasing: kept[range])
      }
      return (SSEEventBatch.isMessage(name) ? UnsafeRawBufferPointer(start: nil, count: 0) : name, bytes)
    }
  }

  /// Whether a type's bytes are `message` (the type of an event named so, or not at all).
  @inline(__always)
  package static func isMessage(_ bytes: UnsafeRawBufferPointer) -> Bool {
    bytes.count == 7 && bytes.elementsEqual("message".utf8)
  }

  package mutating func append(_ output: SSEOutput) { items.append(.output(output)) }

  /// Empties the batch, keeping its storage unless a large event made it large.
  package mutating func removeAll() {
    items.empty()
    if !kept.isEmpty { kept.removeAll(keepingCapacity: kept.capacity <= 64 << 10) }
  }
}

extension SSEParser {
  /// ``feed(_:to:)`` into a batch, specialised here (a generic call from another module
  /// would not be). Returns whether the batch holds anything (most small chunks complete
  /// nothing, and the caller then has nothing to route).
  ///
  /// Inlinable: a 1-byte chunk that continues the buffered line (most 1-byte chunks) is
  /// appended inline in the caller, with no call; any other chunk takes ``feedChunk(_:batch:)``.
  @inlinable @inline(__always) @discardableResult
  package mutating func feed(_ bytes: UnsafeRawBufferPointer, batch: inout SSEEventBatch) -> Bool {
    if bytes.count == 1, case .inLine = state, appendsByte(bytes.load(as: UInt8.self)) { return !batch.isEmpty }
    return feedChunk(bytes, batch: &batch)
  }

  /// ``feed(_:batch:)`` for any chunk but a byte that continues the buffered line.
  @usableFromInline
  mutating func feedChunk(_ bytes: UnsafeRawBufferPointer, batch: inout SSEEventBatch) -> Bool {
    flushPendingBytes(into: &batch)
    // Checked here, before the line scan's set-up: most small chunks end at it.
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
