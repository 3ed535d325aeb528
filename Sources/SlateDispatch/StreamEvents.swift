/// How a phase's stream stands in the ledger: `stream.opened` when a live turn starts
/// reading it, `stream.closed` (with one of these as `status`) when it stops.
///
/// A stream with `stream.opened` and no `stream.closed` was left ``open``: the process
/// died (or the host dropped the turn) while reading it, so the ledger cannot know what the
/// rest of it carried. ``TurnAssessment`` never calls such a turn complete.
public enum StreamState: String, Sendable, Hashable, CaseIterable {
  case open
  case complete
  case truncated
  case failed
  /// The host cancelled the turn (its task): the bytes after it were never asked for.
  case cancelled

  /// The event kind appended when a phase's stream is opened.
  public static let openedEvent = "stream.opened"
  /// The event kind appended when a phase's stream stops (detail `status`).
  public static let closedEvent = "stream.closed"

  /// The streams of a turn's events not read to their end, in the order they were
  /// opened: each `stream.opened` event's `stream` detail whose last event is that opening
  /// (left open), or a `stream.closed` with status `cancelled` (the rest never asked for)
  /// or `truncated` (cut before its end: what the rest carried was never read). A stream
  /// read to its end once (a `complete` close, whoever read it: a resumed phase, or one of
  /// several processes racing on the turn) is never listed again: every action it carried
  /// was dispatched, and a later reader of the same stream only meets duplicates. So racers
  /// on one turn do not hold each other's finalisation back. O(events).
  public static func openStreams(in events: [LedgerEvent]) -> [String] {
    var streams = OpenStreams()
    for event in events { streams.add(event) }
    return streams.open
  }

  /// ``openStreams(in:)`` one event at a time (O(streams) memory, whatever the events).
  public struct OpenStreams: Sendable {
    /// The streams not read to their end so far, in the order they were opened.
    public private(set) var open: [String] = []
    private var read: Set<String> = []

    public init() {}

    /// Takes in the turn's next event (in sequence order).
    public mutating func add(_ event: LedgerEvent) {
      guard event.kind == openedEvent || event.kind == closedEvent,
        case .string(let name)? = event.detail["stream"], !read.contains(name)
      else { return }
      let status = event.detail["status"]?.stringValue
      if event.kind == closedEvent && status == StreamState.complete.rawValue {
        read.insert(name)
        open.removeAll { $0 == name }
        return
      }
      let unread = event.kind == openedEvent || status == StreamState.cancelled.rawValue
        || status == StreamState.truncated.rawValue
      if unread {
        if !open.contains(name) { open.append(name) }
      } else {
        open.removeAll { $0 == name }
      }
    }
  }
}
