import SlateDispatch
import SlateJSON
import SlateStream

extension LiveTurn {
  /// A phase stream whose last `stream.opened` has no `stream.closed` after it: the process
  /// reading it died.
  struct UnclosedStream: Equatable {
    var name: String
    var phase: String?
    var source: String
    /// Its bytes reached the kept-bytes limit (a `stream.kept_limit` event): the kept
    /// bytes are not all it carried.
    var limited: Bool
  }

  /// The streams left open in `events` (a turn's, in sequence order), in the order they
  /// were opened. A stream some reader closed `complete` is not one of them, as in
  /// ``StreamState/openStreams(in:)``: everything it carried was dispatched. O(events).
  static func unclosedStreams(in events: [LedgerEvent]) -> [UnclosedStream] {
    var open: [UnclosedStream] = []
    var read: Set<String> = []
    for event in events {
      guard case .string(let name)? = event.detail["stream"], !read.contains(name) else { continue }
      if event.kind == StreamState.closedEvent, event.detail["status"]?.stringValue == StreamState.complete.rawValue {
        read.insert(name)
      }
      switch event.kind {
      case StreamState.openedEvent:
        open.removeAll { $0.name == name }
        open.append(UnclosedStream(name: name, phase: event.detail["phase"]?.stringValue,
                                   source: event.detail["source"]?.stringValue ?? name, limited: false))
      case StreamState.closedEvent:
        open.removeAll { $0.name == name }
      case KeptBytes.limitEvent:
        if let index = open.firstIndex(where: { $0.name == name }) { open[index].limited = true }
      default:
        continue
      }
    }
    return open
  }

  /// Finishes the turn after the process reading it died, from the ledger: the dispatcher
  /// first finishes the actions the ledger knows (``Dispatcher/recover(turn:)``: a turn
  /// that ended goes back to `running`); then every phase stream left open is read again
  /// from the bytes the ledger kept (``keptBytesLimit``) through this turn's pipeline, and
  /// its batches dispatched: what was applied before is a duplicate (each action applied
  /// once, each effect queued once), the rest is applied now.
  ///
  /// - When the kept bytes end the stream (the pipeline's status is `complete`: the
  ///   provider's end signal was kept, and the limit was not reached), the stream is closed
  ///   `complete` and the turn is finalised as the ledger shows it (`completed` when
  ///   nothing else is missing).
  /// - Otherwise the stream is closed `truncated` with the offset reached (`bytes`) and the
  ///   turn ends `partially_completed` (`failed` when nothing landed) with
  ///   `resume_from_phase:<stream>` and a reason saying what is missing: never `completed`
  ///   with actions missing. Resume it by running the phase again (``run(_:phase:source:)``
  ///   with a dispatcher in ``Dispatcher/Mode/recover`` mode).
  ///
  /// A stream the host cancelled is not read again (the rest was never asked for). Use a
  /// new ``LiveTurn`` with the pack and options the turn was read with. Returns the turn's
  /// report: the recovered phases and what this recovery dispatched, each action counted
  /// once (``DispatchResult/countRecoveredOnce(turn:)``). Throws
  /// ``DispatchError/unknownTurn(_:)`` when the ledger has no such turn. Complexity: the
  /// pipeline over the kept bytes, plus one dispatch per batch.
  public mutating func recover() async throws -> TurnReport {
    result.merge(try await dispatcher.recover(turn: turn))
    let turn = self.turn
    let events = try await dispatcher.ledger.read { tx throws(LedgerError) in try tx.events(turn: turn, after: 0) }
    var cut: [String] = []
    for stream in Self.unclosedStreams(in: events) {
      let bytes = try await dispatcher.ledger.read { tx throws(LedgerError) in
        StreamChunkRecord.contiguousBytes(try tx.streamChunks(turn: turn, stream: stream.name))
      }
      var pipeline = TurnPipeline(pack: pack, options: options, validation: validation, batchLimits: batchLimits,
                                  phase: stream.phase)
      var items: [TurnItem] = []
      var lines: [JSONLine] = []
      var batches: [String] = []
      bytes.withUnsafeBytes { pipeline.feed($0, into: &items) }
      let summary = pipeline.finish(into: &items)
      try await dispatch(&items, lines: &lines, batches: &batches)
      lines.append(summary.jsonLine(schema: true))
      let whole = summary.stream.status == .complete && !stream.limited
      var detail: [String: JSONValue] = [
        "status": .string(whole ? StreamState.complete.rawValue : StreamState.truncated.rawValue),
        "bytes": .number(JSONNumber(bytes.count)), "recovered": true,
      ]
      if !whole {
        let why = stream.limited ? "the kept-bytes limit was reached" : "\(summary.stream.status)"
        let missing = "stream.truncated: phase \(stream.name): recovery read the \(bytes.count) bytes kept of its stream "
          + "(\(why)); what the stream carried after byte \(bytes.count) was never read"
        detail["reason"] = .string(missing)
        cut.append(missing)
      }
      try await record(StreamState.closedEvent, stream: stream.name, detail)
      phases.append(PhaseReport(name: stream.phase, source: stream.source, summary: summary, lines: lines,
                                batches: batches))
    }
    // An action the ledger knew and the kept bytes carry was reached twice: count it once.
    result.countRecoveredOnce(turn: turn)
    if let reason = cut.first, await dispatcher.mode != .dryRun {
      let (current, assessment) = try await dispatcher.assess(turn: turn)
      if current.status == .running {
        try await dispatcher.finalize(turn: turn, as: assessment.landed > 0 ? .partiallyCompleted : .failed,
                                      reason: reason, counts: result.actionCounts)
      }
    }
    return try await finish()
  }
}
