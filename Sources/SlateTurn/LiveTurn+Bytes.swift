import SlateDispatch
import SlateJSON

/// The raw bytes of the phase stream a ``LiveTurn`` is reading, kept in the ledger so that
/// recovery can read them again (``LiveTurn/recover()``).
///
/// Bytes wait in memory until the next batch is dispatched: they are written (one
/// ``StreamChunkRecord``) in the same transaction as that batch's intents, so every byte a
/// dispatched action came from is durable before its handler is called, at the cost of no
/// extra transaction; what remains is written with the stream's `stream.closed` event. A
/// stream that goes ``flushBytes`` without a batch has its bytes written on their own (one
/// transaction per ``flushBytes``), so that memory stays bounded. At most ``limit`` bytes
/// are kept: past it the rest is dropped, and a `stream.kept_limit` event (detail `kept`:
/// the offset reached) says so, written with the last chunk.
///
/// Complexity: O(bytes) copies, once each; memory: the bytes read since the last batch, at
/// most ``flushBytes`` and one read more.
struct KeptBytes: Sendable {
  /// The event appended once when a stream's bytes reach the limit.
  static let limitEvent = "stream.kept_limit"
  /// The most bytes kept in memory before they are written without waiting for a batch.
  static let flushBytes = 1 << 20

  let turn: TurnID
  let stream: String
  let limit: Int
  /// Bytes already handed to the ledger: the next chunk's offset.
  private(set) var stored = 0
  private var pending: [UInt8] = []
  /// A byte past ``limit`` was read (and dropped).
  private(set) var overflowed = false
  private var overflowRecorded = false

  init(turn: TurnID, stream: String, limit: Int) {
    self.turn = turn
    self.stream = stream
    self.limit = max(0, limit)
  }

  /// The bytes waiting to be written.
  var pendingCount: Int { pending.count }

  /// Keeps `buffer` (the next bytes of the stream), up to the limit.
  mutating func append(_ buffer: UnsafeRawBufferPointer) {
    let room = limit - stored - pending.count
    if buffer.count > room { overflowed = true }
    pending.append(contentsOf: buffer.prefix(max(0, room)))
  }

  /// The ledger writes that store the bytes kept since the last call (and the limit's
  /// event, once), or nil when there is nothing to write. The bytes count as stored from
  /// here on: a write that fails leaves the stream open (the turn's run throws).
  mutating func take(at now: Timestamp) -> LedgerWrites? {
    let mark = overflowed && !overflowRecorded
    guard !pending.isEmpty || mark else { return nil }
    let chunk = pending.isEmpty ? nil
      : StreamChunkRecord(turn: turn, stream: stream, offset: Int64(stored), bytes: pending)
    stored += pending.count
    pending = []
    overflowRecorded = overflowed
    let (turn, stream, kept) = (self.turn, self.stream, stored)
    return { tx throws(LedgerError) in
      if let chunk { try tx.putStreamChunk(chunk) }
      if mark {
        try tx.appendEvent(LedgerEvent(turn: turn, at: now, kind: KeptBytes.limitEvent,
                                       detail: ["stream": .string(stream), "kept": .number(JSONNumber(kept))]))
      }
    }
  }
}

extension LiveTurn {
  /// The default of ``keptBytesLimit``: 64 MiB per phase stream.
  public static let defaultKeptBytesLimit = 64 << 20

  /// Opens `stream` in the ledger: its earlier kept bytes (a phase read again) are deleted
  /// and `stream.opened` appended, in one transaction; the stream's bytes are kept from
  /// here on.
  mutating func open(stream: String, phase: String?, source: String) async throws {
    keeping = KeptBytes(turn: turn, stream: stream, limit: keptBytesLimit)
    let event = streamEvent(StreamState.openedEvent, stream: stream,
                            ["phase": phase.map(JSONValue.string) ?? .null, "source": .string(source),
                             "kept_limit": .number(JSONNumber(keptBytesLimit))])
    let turn = self.turn
    try await dispatcher.ledger.write { tx throws(LedgerError) in
      try tx.deleteStreamChunks(turn: turn, stream: stream)
      _ = try tx.appendEvent(event)
    }
  }

  /// Closes `stream` in the ledger: the bytes still pending and `stream.closed` with
  /// `detail`, in one transaction.
  mutating func close(stream: String, _ detail: [String: JSONValue]) async throws {
    let rest = takeKept()
    let event = streamEvent(StreamState.closedEvent, stream: stream, detail)
    try await dispatcher.ledger.write { tx throws(LedgerError) in
      try rest?(tx)
      _ = try tx.appendEvent(event)
    }
    keeping = nil
  }

  /// Writes the bytes kept since the last batch in a transaction of their own when they
  /// reach `threshold` (``KeptBytes/flushBytes``): a stream that brings no batch for long
  /// holds no more than that in memory.
  mutating func flushKept(past threshold: Int = KeptBytes.flushBytes) async throws {
    guard let keeping, keeping.pendingCount >= threshold, let writes = takeKept() else { return }
    try await dispatcher.ledger.write { tx throws(LedgerError) in try writes(tx) }
  }

  /// The writes of the bytes kept since the last batch (see ``KeptBytes``), if any.
  mutating func takeKept() -> LedgerWrites? {
    let now = dispatcher.now()
    return keeping?.take(at: now)
  }
}
