import SlateDispatch
import SlateJSON

extension LiveTurn {
  /// Appends a `stream.*` event for `stream` to the turn's ledger.
  func record(_ kind: String, stream: String, _ detail: [String: JSONValue]) async throws {
    let event = streamEvent(kind, stream: stream, detail)
    try await dispatcher.ledger.write { tx throws(LedgerError) in _ = try tx.appendEvent(event) }
  }

  /// A `stream.*` event for `stream`: detail `stream` first, then `detail` by key.
  func streamEvent(_ kind: String, stream: String, _ detail: [String: JSONValue]) -> LedgerEvent {
    LedgerEvent(turn: turn, at: dispatcher.now(), kind: kind,
                detail: .object(JSONObject([JSONMember(key: "stream", value: .string(stream))]
                  + detail.sorted { $0.key < $1.key }.map { JSONMember(key: $0.key, value: $0.value) })))
  }

  /// The host cancelled the turn while `stream` was read: the stream is closed
  /// `cancelled` and the running turn finalised `stopped`, in an unstructured task (not
  /// cancelled with the host's), awaited to its end.
  func stop(stream: String, read: Int) async throws {
    let live = self
    let ending = Task {
      try await live.record(StreamState.closedEvent, stream: stream,
                            ["status": .string(StreamState.cancelled.rawValue), "bytes": .number(JSONNumber(read))])
      guard await live.dispatcher.mode != .dryRun,
        try await live.dispatcher.assess(turn: live.turn).0.status == .running
      else { return }
      try await live.dispatcher.finalize(
        turn: live.turn, as: .stopped,
        reason: "turn.cancelled: the host cancelled the turn while the stream of phase \(stream) was read (\(read) bytes)")
    }
    try await ending.value
  }
}
