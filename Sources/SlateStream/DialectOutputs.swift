import SlateJSON

/// What a dialect produced, as ``ActionStream`` reads it: diagnostics and deltas, except
/// that text and argument fragments stay spans of the event's parsed payload (simdjson's
/// unescaped strings) rather than becoming `String`s. A span is valid until the dialect's
/// parser parses again (the next event), so the stream routes the items of each event
/// before reading the next; ``appendOwned(to:)`` builds the public ``DialectOutput``s
/// (each fragment's `String`) for callers of the public ``Dialect`` API.
///
/// The items are plain words (``Item`` holds no reference): what does hold one (a whole
/// output, a call's key) is kept in one side array the item indexes, so that reading and
/// emptying the items of every event copies and releases nothing (an enum with references
/// in its payloads is copied and destroyed through outlined value witnesses). One side
/// array, not one per kind: a stream allocates it once. A channel's `part` (an Anthropic
/// block's key, on every text event) is kept in ``parts``, which outlives the event: a part
/// named again, as every delta of a block names it, is found there, not stored again.
struct DialectOutputs: DialectOutputAppending {
  /// One item: a fragment's bytes, or where the rest of it is kept.
  enum Item {
    /// A ``DialectOutput``: ``DialectOutputs/side``'s entry at this index.
    case output(Int)
    /// ``Delta/Kind/text(_:_:)`` with its text as bytes, from the event at `offset`, on the
    /// channel of kind `kind` and choice `choice` whose part is ``DialectOutputs/parts``'
    /// entry at `part` (-1: no part, the usual case).
    case text(Channel.Kind, choice: Int, part: Int, UnsafeRawBufferPointer, offset: Int)
    /// ``Delta/Kind/toolArguments(_:_:)`` with its fragment as bytes; its key is
    /// ``DialectOutputs/side``'s entry at `key`.
    case arguments(key: Int, UnsafeRawBufferPointer, offset: Int)
  }

  /// What an item indexes in ``side``.
  enum Side {
    case output(DialectOutput)
    case key(CallKey)
  }

  private(set) var items: [Item] = []
  private(set) var side: [Side] = []
  /// The channel parts the items name, the last one named last; kept across events (the
  /// same block names the same part event after event), emptied by ``removeAll()`` only
  /// when it holds more than ``maxParts``.
  private(set) var parts: [String] = []
  static var maxParts: Int { 64 }

  var isEmpty: Bool { items.isEmpty }

  /// Room for a typical event's items (or side entries) at once, reserved on first use: the
  /// buffers are reused from event to event, so a stream allocates each about once rather
  /// than once per doubling.
  static var initialCapacity: Int { 16 }

  @inline(__always)
  private mutating func appendItem(_ item: Item) {
    if _slowPath(items.capacity == 0) { items.reserveCapacity(Self.initialCapacity) }
    items.append(item)
  }

  @inline(__always)
  private mutating func appendSide(_ entry: Side) -> Int {
    if _slowPath(side.capacity == 0) { side.reserveCapacity(Self.initialCapacity) }
    side.append(entry)
    return side.count - 1
  }

  mutating func append(_ output: DialectOutput) {
    appendItem(.output(appendSide(.output(output))))
  }

  /// Appends a text fragment of a document's string bytes unless they are empty.
  mutating func emitText(_ bytes: UnsafeRawBufferPointer, on channel: Channel, at offset: Int) {
    guard !bytes.isEmpty else { return }
    let part = channel.part.isEmpty ? -1 : partIndex(channel.part)
    appendItem(.text(channel.kind, choice: channel.choice, part: part, bytes, offset: offset))
  }

  /// Appends an argument fragment of a document's string bytes unless they are empty.
  mutating func emitArguments(_ bytes: UnsafeRawBufferPointer, of key: CallKey, at offset: Int) {
    guard !bytes.isEmpty else { return }
    appendItem(.arguments(key: appendSide(.key(key)), bytes, offset: offset))
  }

  /// The output at `k` of ``side`` (an ``Item/output(_:)``'s index).
  func output(_ k: Int) -> DialectOutput {
    guard case .output(let output) = side[k] else { preconditionFailure("not an output") }
    return output
  }

  /// The key at `k` of ``side`` (an ``Item/arguments(key:_:offset:)``'s index).
  func key(_ k: Int) -> CallKey {
    guard case .key(let key) = side[k] else { preconditionFailure("not a key") }
    return key
  }

  /// A text item's channel.
  func channel(_ kind: Channel.Kind, choice: Int, part: Int) -> Channel {
    guard part >= 0 else { return Channel(kind, choice: choice) }
    return Channel(kind, choice: choice, part: parts[part])
  }

  /// The item as a public output (a fragment's bytes copied into a `String`).
  func owned(_ item: Item) -> DialectOutput {
    switch item {
    case .output(let k): output(k)
    case .text(let kind, let choice, let part, let bytes, let offset):
      .delta(Delta(.text(channel(kind, choice: choice, part: part), DeltaText(String(jsonBytes: bytes))), offset: offset))
    case .arguments(let k, let bytes, let offset):
      .delta(Delta(.toolArguments(key(k), DeltaText(String(jsonBytes: bytes))), offset: offset))
    }
  }

  static func += (outputs: inout DialectOutputs, more: DialectOutputs) {
    for item in more.items {
      switch item {
      case .output(let k): outputs.append(more.output(k))
      case .text(let kind, let choice, let part, let bytes, let offset):
        outputs.emitText(bytes, on: more.channel(kind, choice: choice, part: part), at: offset)
      case .arguments(let k, let bytes, let offset):
        outputs.emitArguments(bytes, of: more.key(k), at: offset)
      }
    }
  }

  /// Appends the items to `out` as public outputs. O(items + fragment bytes).
  func appendOwned(to out: inout [DialectOutput]) {
    out.reserveCapacity(out.count + items.count)
    for item in items { out.append(owned(item)) }
  }

  /// The items with every fragment copied into a `String`: they outlive the payload.
  var owned: DialectOutputs {
    var copy = DialectOutputs()
    for item in items { copy.append(owned(item)) }
    return copy
  }

  /// Empties the outputs, keeping their storage (the side array is touched only when used;
  /// the parts are kept, up to ``maxParts``).
  mutating func removeAll() {
    items.empty()
    if !side.isEmpty { side.empty() }
    if parts.count > Self.maxParts { parts.removeAll(keepingCapacity: true) }
  }

  /// `part`'s index in ``parts``: the last one when it is the same (a block's deltas in a
  /// row), else appended. O(1); a small `String` compares as two words.
  @inline(__always)
  private mutating func partIndex(_ part: String) -> Int {
    if let last = parts.last, last == part { return parts.count - 1 }
    if _slowPath(parts.capacity == 0) { parts.reserveCapacity(Self.initialCapacity) }
    parts.append(part)
    return parts.count - 1
  }
}
