/// An incremental parser for `text/event-stream` (Server-Sent Events), following WHATWG
/// HTML §9.2.5 "Parsing an event stream" and §9.2.6 "Interpreting an event stream".
///
/// Push bytes with ``feed(_:into:)`` in chunks of any size, split anywhere (inside a
/// CRLF, a UTF-8 sequence, the BOM or a field name); call ``finish(into:)`` when the
/// stream ends. The outputs (events, comments, diagnostics) are the same, in the same
/// order and with the same byte offsets, for every way of splitting the input.
///
/// Contract:
/// - A line ends at CR, LF or CRLF. A CR ends its line at once, so an event whose blank
///   line ends in CR is dispatched while the connection is still open; an LF right after
///   a CR (possibly in the next chunk) is skipped.
/// - Bytes stay bytes until a field is interpreted: UTF-8 is decoded once per value (with
///   U+FFFD for invalid sequences, as the spec's decoder does), so a code point split
///   across chunks is never damaged.
/// - At the end of the stream an unterminated event is discarded, as the spec says, and
///   reported as `sse.unterminated_event`; ``Options/flushOnEOF`` dispatches it instead.
/// - ``SSELimits`` bound memory; exceeding one is a diagnostic and the parser skips to the
///   next blank line.
/// - After ``finish(into:)`` the parser is ready for the next stream of the same
///   connection (a reconnection): ``lastEventId`` and ``retry`` carry over, as the spec's
///   EventSource keeps them; offsets start again at 0 and a BOM is stripped again.
///
/// Complexity: O(n) in the bytes fed, however they are chunked. Line ends are searched
/// only in newly fed bytes (with `memchr`; 8 bytes at a time in short spans), a line split
/// across chunks is buffered once and interpreted once, and each value is decoded once. The
/// common event (an optional `event:` line, one `data:` line, a blank line, whole inside the
/// chunk) is read in one step (`SSEParser+WholeEvent.swift`), to the same outputs as line
/// by line.
public struct SSEParser: Sendable {
  /// How the parser behaves beyond the spec's rules.
  public struct Options: Sendable, Hashable {
    public var limits: SSELimits
    /// Dispatch an event still open at the end of the stream (its last line may lack a
    /// line ending) instead of discarding it; reported as a warning either way.
    public var flushOnEOF: Bool
    /// Report comment lines as ``SSEOutput/comment(_:)``. Off, they are skipped unseen.
    public var reportsComments: Bool

    public init(limits: SSELimits = .default, flushOnEOF: Bool = false, reportsComments: Bool = true) {
      self.limits = limits
      self.flushOnEOF = flushOnEOF
      self.reportsComments = reportsComments
    }

    public static let `default` = Options()
  }

  /// Where the parser stands between two bytes.
  public enum State: Sendable, Hashable {
    /// At the start of the stream, having seen `bomBytesSeen` (0–2) bytes of a UTF-8 BOM.
    case streamStart(bomBytesSeen: Int)
    /// At the start of a line; nothing of it is buffered.
    case lineStart
    /// Just after a CR that ended a line: an LF here is the rest of a CRLF and is skipped.
    case afterCR
    /// Inside a line whose bytes so far are buffered (it began in an earlier chunk).
    case inLine
    /// Inside a line longer than ``SSELimits/maxLineBytes``, already reported; its
    /// remaining bytes are skipped up to its line ending.
    case skippingLine
  }

  public let options: Options
  public internal(set) var state: State = .streamStart(bomBytesSeen: 0)
  /// The last event ID string: set from the last event ID buffer at each blank line.
  public internal(set) var lastEventId: String = ""
  /// The reconnection time in milliseconds from the most recent valid `retry` field, or
  /// nil while none has been seen.
  public internal(set) var retry: Int?
  /// Bytes of the current stream fed so far; the offset of the next byte.
  public internal(set) var offset: Int {
    get { nextOffset }
    set { nextOffset = newValue }
  }
  /// ``offset``'s storage (advanced by the inlinable ``appendsByte(_:)``).
  @usableFromInline var nextOffset = 0

  // The line in progress, when it began in an earlier chunk (state .inLine): its bytes in
  // ``lineBuffer``, then the last ``pendingCount`` of them in ``pendingBytes``.
  @usableFromInline var lineBuffer: [UInt8] = []
  /// Bytes that 1-byte chunks continuing the line brought (``appendsByte(_:)``), held in the
  /// parser itself, at most ``pendingCapacity``: storing one costs no array access (its
  /// uniqueness check and bounds), the most of a 1-byte chunk's cost. Moved to
  /// ``lineBuffer`` (``flushPendingBytes(into:)``) before any other chunk is read, so every
  /// other path sees the whole line there.
  @usableFromInline var pendingBytes: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
  @usableFromInline var pendingCount = 0
  @inlinable static var pendingCapacity: Int { 64 }
  /// Raw offset of the first byte of the line in progress.
  var lineStartOffset: Int = 0

  // The block in progress: the lines since the last blank line.
  /// Raw offset of the block's first line; nil before it has one.
  var blockStartOffset: Int?
  /// Whether the block has a line other than a comment (so cutting it off loses something).
  var blockHasFields = false
  /// Set by a limit violation: the block's field lines are skipped up to the blank line.
  var discardingBlock = false
  var dataBuffer: [UInt8] = []
  /// The event's one data line so far, when it lies inside the chunk being fed (no LF
  /// after it); copied into ``dataBuffer`` before ``feed(_:to:)`` returns.
  var inPlaceData: InPlaceSpan?
  /// Whether the line being interpreted lies inside the chunk being fed.
  var lineIsInChunk = false
  /// The event types named so far (at most ``maxKnownTypes``), each built once as a
  /// `String` and reused whenever the type repeats: their bytes end to end in
  /// ``knownTypeBytes``, the ranges there in ``knownTypeRanges``, the `String`s in
  /// ``knownTypes`` (same indices).
  var knownTypes: [String] = []
  var knownTypeRanges: [Range<Int>] = []
  var knownTypeBytes: [UInt8] = []
  /// The index of the type the last `event` field named (tried first: types repeat).
  var lastKnownType = 0
  /// Where the event type buffer's value is (its bytes in ``eventTypeBuffer`` only for a
  /// type not among ``knownTypes``).
  var eventTypeSlot = EventTypeSlot.empty
  var eventTypeBuffer: [UInt8] = []
  var lastEventIdBuffer: [UInt8] = []
  /// Whether an `id` field set the buffer since ``lastEventId`` was last set from it.
  var lastEventIdBufferIsPending = false

  /// Whether an event whole inside the chunk is read in one step
  /// (``dispatchWholeEvent(_:at:count:chunkStart:lineEnds:into:)``). Off only to compare
  /// the two paths: both give the same outputs.
  var readsWholeEvents = true
  #if DEBUG
    /// Events read in one step so far (tests check that the step was taken).
    var wholeEventsRead = 0
  #endif

  public init(options: Options = .default) {
    self.options = options
  }

  /// Ends the stream. An event still open (lines after the last blank line, or a last line
  /// with no line ending) is discarded and reported as an error `sse.unterminated_event`
  /// with its byte range; with ``Options/flushOnEOF`` its last line is taken as complete
  /// and the event is dispatched, with a warning. A block holding only comments is not
  /// reported. Then the parser is reset for a new stream, keeping ``lastEventId`` and
  /// ``retry``.
  public mutating func finish(into outputs: inout [SSEOutput]) {
    finish(to: &outputs)
  }

  /// ``finish(into:)`` handing its outputs to `sink`, as ``feed(_:to:)`` does.
  package mutating func finish<Sink: SSESink>(to outputs: inout Sink) {
    flushPendingBytes(into: &outputs)
    let end = offset
    // The last line, when it has no line ending. ("a CR at the very end of the input is a
    // complete line ending" needs nothing here: the CR already ended its line.)
    var partialLine: [UInt8] = []
    switch state {
    case .streamStart(let seen): partialLine = Array(Self.byteOrderMark[0..<seen])
    case .inLine: swap(&partialLine, &lineBuffer)
    case .lineStart, .afterCR, .skippingLine: break
    }
    let partialIsField = partialLine.first.map { $0 != Self.colon } ?? false
    let cutOff = blockHasFields || partialIsField
    let blockStart = blockStartOffset ?? lineStartOffset

    if options.flushOnEOF {
      if cutOff {
        outputs.append(.diagnostic(SSEDiagnostic(
          code: .sseUnterminatedEvent, severity: .warning, offset: blockStart, byteRange: blockStart..<end,
          message: "expected a blank line to end the event starting at byte \(blockStart), "
            + "but the stream ended at byte \(end); dispatched it (flush on EOF)")))
      }
      if !partialLine.isEmpty {
        partialLine.withUnsafeBytes { interpretLine($0, lineEnd: end, into: &outputs) }
      }
      if cutOff { dispatch(end: end, into: &outputs) }
    } else if cutOff {
      // "Once the end of the file is reached, any pending data must be discarded. (If the
      // file ends in the middle of an event, before the final empty line, the incomplete
      // event is not dispatched.)"
      outputs.append(.diagnostic(SSEDiagnostic(
        code: .sseUnterminatedEvent, severity: .error, offset: blockStart, byteRange: blockStart..<end,
        message: "expected a blank line to end the event starting at byte \(blockStart), "
          + "but the stream ended at byte \(end); discarded its \(end - blockStart) bytes")))
    }
    resetStream()
  }

  /// Back to the start of a new stream, keeping the connection's last event ID and
  /// reconnection time.
  mutating func resetStream() {
    state = .streamStart(bomBytesSeen: 0)
    offset = 0
    lineBuffer = []
    pendingCount = 0
    lineStartOffset = 0
    blockStartOffset = nil
    blockHasFields = false
    discardingBlock = false
    dataBuffer = []
    inPlaceData = nil
    eventTypeSlot = .empty
    eventTypeBuffer = []
    lastEventIdBuffer = Array(lastEventId.utf8)
    lastEventIdBufferIsPending = false
  }

  /// A span of the chunk being fed; never kept past ``feed(_:to:)`` (so the parser stays
  /// `Sendable` in effect: between calls it holds none).
  struct InPlaceSpan: @unchecked Sendable {
    var bytes: UnsafeRawBufferPointer
  }

  static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
  static let lineFeed = UInt8(ascii: "\n")
  static let carriageReturn = UInt8(ascii: "\r")
  static let colon = UInt8(ascii: ":")
  static let space = UInt8(ascii: " ")
}
