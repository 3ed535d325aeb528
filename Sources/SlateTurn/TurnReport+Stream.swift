import SlateDispatch
import SlateJSON

extension TurnReport {
  /// The turn's figures: its ``tally``, or the tally of ``result`` (O(keys) to build).
  public var figures: DispatchTally { tally ?? DispatchTally(result) }

  /// The outbox entries of the turn per kind: ``effectCounts`` with a tally, else counted
  /// from ``effects``.
  public var outboxCounts: [String: Int] {
    tally != nil ? effectCounts : effects.reduce(into: [:]) { $0[$1.kind, default: 0] += 1 }
  }

  /// ``summaryJSON``'s text, written in pieces of about `chunk` bytes to `write` as it is
  /// made, without holding it whole: the queues' key lists come from ``figures``, the
  /// effects from ``effects``, or, with a ``tally``, from the ledger a row at a time
  /// (``LedgerReader/forEachEffect(turn:_:)``). The same bytes as `summaryJSON.text`.
  /// Memory: O(chunk) beyond the figures (and the sort of one queue's keys).
  public func writeSummaryJSON(chunk: Int = 1 << 16, to write: @escaping @Sendable ([UInt8]) -> Void) async throws {
    let out = ChunkedWriter(chunk: chunk, write: write)
    var head = JSONLine()
    head.add("turn", .string(turn.id.rawValue))
    head.add("status", .string(turn.status.rawValue))
    for (name, value) in actionCounts.named { head.add(name, .int(value)) }
    let figures = self.figures
    let counts = figures.counts
    var keys = JSONObject()
    for kind in SlateDispatch.Outcome.Kind.allCases {
      keys.append(key: kind.rawValue, value: .int(counts[kind] ?? 0))
    }
    head.add("keys", .object(keys))
    var text = Array(head.text.utf8)
    text.removeLast()  // the closing brace: the members below follow
    out.append(text)
    out.append(member: "queues", first: false)
    out.append(UInt8(ascii: "{"))
    for (i, queue) in Array(Set(queues + figures.queues)).sorted().enumerated() {
      out.append(member: queue, first: i == 0)
      out.append(UInt8(ascii: "["))
      var first = true
      figures.forEachKey(queue: queue) { readable, namespace in
        if !first { out.append(UInt8(ascii: ",")) }
        first = false
        out.append(string: Self.entityName(readable: readable, namespace: namespace))
      }
      out.append(UInt8(ascii: "]"))
    }
    out.append(UInt8(ascii: "}"))
    out.append(member: "effects", first: false)
    out.append(UInt8(ascii: "["))
    if let ledger, tally != nil {
      let turn = self.turn.id
      // A ledger may run a read body again (a transient failure): the entries written by an
      // earlier run of it are skipped, not written twice.
      let cursor = EffectCursor()
      try await ledger.read { tx throws(LedgerError) in
        cursor.seen = 0
        try tx.forEachEffect(turn: turn) { effect throws(LedgerError) in
          defer { cursor.seen += 1 }
          guard cursor.seen >= cursor.written else { return }
          Self.append(effect, first: cursor.written == 0, to: out)
          cursor.written += 1
        }
      }
    } else {
      for (i, effect) in effects.enumerated() { Self.append(effect, first: i == 0, to: out) }
    }
    out.append(UInt8(ascii: "]"))
    // The findings one by one (a dry run or a turn of many problems has one per key).
    out.append(member: "audit", first: false)
    out.append(UInt8(ascii: "["))
    for (i, finding) in audit.enumerated() {
      if i > 0 { out.append(UInt8(ascii: ",")) }
      out.append(value: finding.json)
    }
    out.append(UInt8(ascii: "]"))
    out.append(member: "recoverability", first: false)
    out.append(value: turn.recoverability.map { .string($0.code) } ?? .null)
    out.append(UInt8(ascii: "}"))
    out.flush()
  }

  /// One effect's object in the summary's `effects` array.
  static func summaryJSON(_ effect: EffectRecord) -> JSONValue {
    var object = JSONObject()
    object.append(key: "key", value: .string(effect.key))
    object.append(key: "kind", value: .string(effect.kind))
    object.append(key: "action", value: .string(effect.action.readable))
    object.append(key: "status", value: .string(effect.status.rawValue))
    return .object(object)
  }

  /// Writes one effect's object, after a comma unless it is the `first`.
  static func append(_ effect: EffectRecord, first: Bool, to out: ChunkedWriter) {
    if !first { out.append(UInt8(ascii: ",")) }
    out.append(value: summaryJSON(effect))
  }

  /// ``entityName(_:)`` of a key given by its readable form and namespace.
  public static func entityName(readable: String, namespace: String) -> String {
    let prefix = namespace + ":"
    return readable.hasPrefix(prefix) ? String(readable.dropFirst(prefix.count)) : readable
  }
}

/// How far a read of the outbox got: rows seen in this run of the read body, rows written
/// in all of them. Used within one read at a time.
final class EffectCursor: @unchecked Sendable {
  var seen = 0
  var written = 0
}

/// Canonical JSON bytes, buffered and handed to `write` about `chunk` bytes at a time.
/// Used by one task at a time (a ledger's read body runs synchronously within its call).
final class ChunkedWriter: @unchecked Sendable {
  private var bytes: [UInt8] = []
  private let chunk: Int
  private let write: @Sendable ([UInt8]) -> Void

  init(chunk: Int, write: @escaping @Sendable ([UInt8]) -> Void) {
    self.chunk = max(1, chunk)
    self.write = write
    bytes.reserveCapacity(self.chunk)
  }

  func append(_ byte: UInt8) {
    bytes.append(byte)
    flushIfFull()
  }

  func append(_ more: [UInt8]) {
    bytes.append(contentsOf: more)
    flushIfFull()
  }

  /// A string, canonically.
  func append(string: String) {
    JSONValue.writeCanonicalString(string, into: &bytes)
    flushIfFull()
  }

  /// A value, canonically.
  func append(value: JSONValue) {
    JSONValue.writeCanonical(value, into: &bytes)
    flushIfFull()
  }

  /// `,"name":` (no comma for the first member).
  func append(member name: String, first: Bool) {
    if !first { bytes.append(UInt8(ascii: ",")) }
    JSONValue.writeCanonicalString(name, into: &bytes)
    bytes.append(UInt8(ascii: ":"))
    flushIfFull()
  }

  func flush() {
    guard !bytes.isEmpty else { return }
    write(bytes)
    bytes.removeAll(keepingCapacity: true)
  }

  private func flushIfFull() {
    if bytes.count >= chunk { flush() }
  }
}
