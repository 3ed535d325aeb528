/// How fast a ``RecordingServer`` sends a recording: when each of its units (an SSE event;
/// see ``RecordingUnits``) goes out, counted from the moment the request was read.
///
/// The recordings in `Corpus/` and `../shared/corpus-real` carry no chunk timing (they are
/// response bodies, not captures with timestamps), so ``recorded`` cannot replay a
/// measured timing: it is defined as ``recordedEventsPerSecond`` events per second, the
/// pace of a provider streaming one token per event at a typical 50 tokens a second. A
/// recording format with timing would make it the recording's own.
public enum Pace: Sendable, Hashable, CustomStringConvertible {
  /// ``recordedEventsPerSecond`` events a second (the corpus has no timing; see above).
  case recorded
  /// No waits: every unit is written as soon as the socket takes it.
  case fast
  /// Unit `i` goes out when the bytes before it have taken `bytes / n` seconds.
  case bytesPerSecond(Int)
  /// Unit `i` goes out at `i / n` seconds.
  case eventsPerSecond(Int)

  /// The pace of ``recorded``: 50 events a second (one event every 20 ms).
  public static let recordedEventsPerSecond = 50

  /// Parses `recorded`, `fast`, or a RATE: `N` or `N/s` (events a second) or `NB/s`
  /// (bytes a second), with N from 1 to 10^9. Nil for anything else.
  public init?(_ text: String) {
    switch text {
    case "recorded": self = .recorded
    case "fast": self = .fast
    default:
      var number = Substring(text)
      var bytes = false
      if number.hasSuffix("B/s") {
        bytes = true
        number = number.dropLast(3)
      } else if number.hasSuffix("/s") {
        number = number.dropLast(2)
      }
      guard let n = Int(number), n >= 1, n <= 1_000_000_000 else { return nil }
      self = bytes ? .bytesPerSecond(n) : .eventsPerSecond(n)
    }
  }

  public var description: String {
    switch self {
    case .recorded: "recorded"
    case .fast: "fast"
    case .bytesPerSecond(let n): "\(n)B/s"
    case .eventsPerSecond(let n): "\(n)/s"
    }
  }

  /// When unit `index` (which starts `offset` bytes into the recording) is due, in
  /// nanoseconds from the start of the response.
  public func due(index: Int, offset: Int) -> Int64 {
    switch self {
    case .fast: 0
    case .recorded: Int64(index) * 1_000_000_000 / Int64(Self.recordedEventsPerSecond)
    case .eventsPerSecond(let n): Int64(index) * 1_000_000_000 / Int64(n)
    case .bytesPerSecond(let n): Int64(offset) * 1_000_000_000 / Int64(n)
    }
  }
}
