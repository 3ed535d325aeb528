import SlateJSON

/// What a dialect produced, as ``ActionStream`` reads it: diagnostics and deltas, except
/// that text and argument fragments stay spans of the event's parsed payload (simdjson's
/// unescaped strings) rather than becoming `String`s. A span is valid until the dialect's
/// parser parses again (the next event), so the stream routes the items of each event
/// before reading the next; ``appendOwned(to:)`` builds the public ``DialectOutput``s
/// (each fragment's `String`) for callers of the public ``Dialect`` API.
struct DialectOutputs: DialectOutputAppending {
  enum Item {
    case output(DialectOutput)
    /// ``Delta/Kind/text(_:_:)`` with its text as bytes, from the event at `offset`.
    case text(Channel, UnsafeRawBufferPointer, offset: Int)
    /// ``Delta/Kind/toolArguments(_:_:)`` with its fragment as bytes.
    case arguments(CallKey, UnsafeRawBufferPointer, offset: Int)

    /// The item as a public output (a fragment's bytes copied into a `String`).
    var owned: DialectOutput {
      switch self {
      case .output(let output): output
      case .text(let channel, let bytes, let offset): .delta(Delta(.text(channel, DeltaText(String(jsonBytes: bytes))), offset: offset))
      case .arguments(let key, let bytes, let offset):
        .delta(Delta(.toolArguments(key, DeltaText(String(jsonBytes: bytes))), offset: offset))
      }
    }
  }

  var items: [Item] = []

  var isEmpty: Bool { items.isEmpty }

  mutating func append(_ output: DialectOutput) { items.append(.output(output)) }

  /// Appends a text fragment of a document's string bytes unless they are empty.
  mutating func emitText(_ bytes: UnsafeRawBufferPointer, on channel: Channel, at offset: Int) {
    if !bytes.isEmpty { items.append(.text(channel, bytes, offset: offset)) }
  }

  /// Appends an argument fragment of a document's string bytes unless they are empty.
  mutating func emitArguments(_ bytes: UnsafeRawBufferPointer, of key: CallKey, at offset: Int) {
    if !bytes.isEmpty { items.append(.arguments(key, bytes, offset: offset)) }
  }

  static func += (outputs: inout DialectOutputs, more: DialectOutputs) { outputs.items += more.items }

  /// Appends the items to `out` as public outputs. O(items + fragment bytes).
  func appendOwned(to out: inout [DialectOutput]) {
    out.reserveCapacity(out.count + items.count)
    for item in items { out.append(item.owned) }
  }

  /// The items with every fragment copied into a `String`: they outlive the payload.
  var owned: DialectOutputs { DialectOutputs(items: items.map { .output($0.owned) }) }

  mutating func removeAll() { items.empty() }
}
