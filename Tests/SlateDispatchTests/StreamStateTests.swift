import SlateDispatch
import SlateJSON
import Testing

/// Which of a turn's phase streams the ledger counts as not read to their end.
@Suite struct StreamStateTests {
  static func event(_ kind: String, _ stream: String, _ status: StreamState? = nil) -> LedgerEvent {
    let detail: JSONValue = status.map { ["stream": .string(stream), "status": .string($0.rawValue)] }
      ?? ["stream": .string(stream)]
    return LedgerEvent(turn: "t", at: Timestamp(milliseconds: 0), kind: kind, detail: detail)
  }

  static func opened(_ stream: String) -> LedgerEvent { event(StreamState.openedEvent, stream) }
  static func closed(_ stream: String, _ status: StreamState) -> LedgerEvent {
    event(StreamState.closedEvent, stream, status)
  }

  @Test func openCutAndCancelledStreamsAreUnread() {
    #expect(StreamState.openStreams(in: [Self.opened("a")]) == ["a"])
    #expect(StreamState.openStreams(in: [Self.opened("a"), Self.closed("a", .truncated)]) == ["a"])
    #expect(StreamState.openStreams(in: [Self.opened("a"), Self.closed("a", .cancelled)]) == ["a"])
    #expect(StreamState.openStreams(in: [Self.opened("a"), Self.closed("a", .failed)]).isEmpty)
    #expect(StreamState.openStreams(in: [Self.opened("b"), Self.opened("a")]) == ["b", "a"])
  }

  @Test func aStreamReadToItsEndOnceStaysRead() {
    // A resumed phase: cut, then read again to its end.
    #expect(StreamState.openStreams(in: [Self.opened("a"), Self.closed("a", .truncated), Self.opened("a"),
                                         Self.closed("a", .complete)]).isEmpty)
    // Racers: one reader closed it complete while another opened it again and is still reading.
    #expect(StreamState.openStreams(in: [Self.opened("a"), Self.opened("a"), Self.closed("a", .complete)]).isEmpty)
    #expect(StreamState.openStreams(in: [Self.opened("a"), Self.closed("a", .complete), Self.opened("a")]).isEmpty)
    #expect(StreamState.openStreams(in: [Self.opened("a"), Self.closed("a", .complete), Self.opened("a"),
                                         Self.closed("a", .cancelled), Self.opened("b")]) == ["b"])
  }
}
