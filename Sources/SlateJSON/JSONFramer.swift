/// An incremental JSON framer: a push state machine that cuts a text arriving in chunks
/// into complete JSON values (see ``Framing``), reporting each value the moment its last
/// byte arrives.
///
/// Contract:
/// - Strict RFC 8259, validated as bytes arrive: UTF-8 (no overlongs, surrogates, code
///   points above U+10FFFF or truncated sequences), escapes (a lone or mismatched
///   surrogate `\u` escape is `json.invalid_escape`), numbers (no leading zeros; a number
///   stays tentative until the byte after it), literals, unescaped control characters.
///   Verdicts, codes and offsets agree with the one-shot locator
///   (``SimdjsonParser/locateSyntaxError(in:maxDepth:)``) under `value` framing, except
///   that the framer reports the first error in text order where the locator reports
///   invalid UTF-8 anywhere in the document first. Whether a number fits what simdjson
///   holds (`json.number_out_of_range`) is judged by simdjson when the value is
///   materialised, so a framer without a parser accepts `1e400`.
/// - Chunking does not matter: the events (values, announcements, the diagnostic with its
///   offset) are the same however the text is split, down to one byte per `feed`.
/// - Errors are diagnostics, not thrown: values emitted before an error stand; the framer
///   then stops and ignores further input.
/// - Offsets count from the first byte ever fed.
///
/// Complexity: O(1) amortised work per byte. Each byte is examined once; a framed value's
/// bytes are copied at most twice (into a carry buffer when the value spans chunks, then
/// into its ``FramedValue``); member names the framer must match and announced scalars
/// are decoded once when they end. Memory: O(depth / 64) words for the container stack
/// plus the bytes of the value in progress (bounded by ``FramerLimits/maxValueBytes``);
/// bytes between values are never kept. Nesting is tracked iteratively, so 100,000 `[`
/// is a clean `json.depth_exceeded`.
///
/// Values are parsed by simdjson, once each: eagerly when the framer is given a parser (a
/// value simdjson refuses, a number beyond a double's range, becomes the framer's
/// diagnostic), built as a ``JSONValue`` or kept as simdjson's document as its
/// ``ValueForm`` says; or later by ``FramedValue/parse(with:)``.
///
/// Not thread-safe and not `Sendable` (it may hold a ``SimdjsonParser``): one per stream.
public struct JSONFramer {
  /// The framing asked for (`auto` stays `auto` here; see ``resolvedFraming``).
  public let framing: Framing
  public let limits: FramerLimits
  /// Which members of object values are announced early; nil for none.
  public let announcementRule: AnnouncementRule?
  /// Parses each value when set.
  let parser: SimdjsonParser?
  /// What the parser's result is kept as.
  public let form: ValueForm

  // MARK: The machine (its states: JSONFramer+State.swift)

  var state: State
  /// The open containers, innermost last.
  var stack = ContainerStack()
  var mode: Mode
  /// The depth at which framed values start: 0 (`value`, `sequence`), 1 (`array`), 2 (`field`).
  var frameDepth: Int
  /// Whether values at `frameDepth` are framed now (the framing array is open).
  var framingOpen: Bool

  // MARK: The framed value in progress

  /// Text offset of its first byte; -1 when none is in progress.
  var valueStart = -1
  /// Values completed so far.
  var valueCount = 0
  /// Its bytes from earlier chunks (empty when it started in the current chunk).
  var carry: [UInt8] = []
  /// Text offset where a snapshot is cut: past its last complete member or element.
  var lastCut = 0

  // MARK: Names and announcements (JSONFramer+Announcements.swift)

  let fieldName: [UInt8]
  /// The discriminator's name, then the key fields' names.
  let announceNames: [[UInt8]]
  /// The longest raw spelling a wanted name can have (each byte as a six-byte `\u` escape).
  let longestNameSpelling: Int
  /// The object value in progress waits for its announcement.
  var announcePending = false
  /// The announced members' values so far, in the order of `announceNames`.
  var found: [JSONValue?] = []
  var foundCount = 0
  /// The announcement slot the member being read fills; -1 for none.
  var captureSlot = -1
  /// What the framer is collecting the raw bytes of, from chunk index `trackStart`.
  var track: Track = .none
  var trackStart = 0
  var trackBuffer: [UInt8] = []
  /// The tracked name grew longer than any wanted name can be spelled.
  var trackOverflow = false

  /// What the framer is collecting the raw bytes of, besides the value in progress.
  enum Track: UInt8 {
    case none
    /// A member name to match (capped at the longest spelling of a wanted name).
    case name
    /// The scalar value of a member named by the announcement rule.
    case capture
  }

  // MARK: Input and output

  /// Text offset of the chunk being scanned (the bytes fed before it).
  var base = 0
  /// The chunk being scanned (empty outside `feed`).
  var chunk = UnsafeRawBufferPointer(start: nil, count: 0)
  /// The error that stopped the framer, if any.
  public internal(set) var diagnostic: FramerDiagnostic?
  var output: [FramerEvent] = []

  /// A framer for `framing`. With `parser`, each value is parsed as it completes
  /// (``FramedValue/value`` is set, or ``FramedValue/document`` when `form` is `document`);
  /// give it ``FramerLimits/parserLimits``.
  public init(framing: Framing = .auto, limits: FramerLimits = .default,
              announcements: AnnouncementRule? = AnnouncementRule(), parser: SimdjsonParser? = nil,
              form: ValueForm = .value)
  {
    self.framing = framing
    self.limits = limits
    self.announcementRule = announcements
    self.parser = parser
    self.form = form
    var field: [UInt8] = []
    switch framing {
    case .array: (mode, state, frameDepth, framingOpen) = (.array, .structure(.start), 1, false)
    case .sequence: (mode, state, frameDepth, framingOpen) = (.sequence, .structure(.between), 0, true)
    case .value: (mode, state, frameDepth, framingOpen) = (.value, .structure(.value), 0, true)
    case .auto: (mode, state, frameDepth, framingOpen) = (.undecided, .structure(.start), 0, false)
    case .field(let name):
      (mode, state, frameDepth, framingOpen) = (.field, .structure(.start), 2, false)
      field = Array(name.utf8)
    }
    fieldName = field
    announceNames = announcements.map { [Array($0.discriminator.utf8)] + $0.keyFields.map { Array($0.utf8) } } ?? []
    longestNameSpelling = 2 + 6 * (announceNames.map(\.count) + [field.count]).max()!
  }

  /// How the framer ended up framing: `auto` becomes `array` or `sequence` at the first
  /// non-whitespace byte (nil until then).
  public var resolvedFraming: Framing? {
    switch mode {
    case .undecided: nil
    case .array: .array
    case .sequence: .sequence
    case .value: .value
    case .field: framing
    }
  }

  /// Where a framer is.
  public enum Status: Sendable, Equatable {
    /// More input may come.
    case running
    /// ``finish()`` was called and every byte was valid.
    case complete
    /// The input ended inside a value or before the framing's closing bracket (`json.truncated`).
    case truncated
    /// Any other error.
    case failed
  }

  public var status: Status {
    if let diagnostic { return diagnostic.code == .jsonTruncated ? .truncated : .failed }
    return isStopped ? .complete : .running
  }

  /// Values completed so far.
  public var valuesFramed: Int { valueCount }
  /// Bytes fed so far.
  public var bytesFed: Int { base }

  // MARK: Feeding

  /// Scans `bytes`, the next part of the text, and appends what completed to `events`:
  /// announcements, values, at most one diagnostic. Ignored once stopped. O(bytes).
  public mutating func feed(_ bytes: UnsafeRawBufferPointer, into events: inout [FramerEvent]) {
    if !isStopped, let start = bytes.baseAddress, !bytes.isEmpty {
      chunk = bytes
      scan(start.assumingMemoryBound(to: UInt8.self), bytes.count)
      endChunk(bytes.count)
      chunk = UnsafeRawBufferPointer(start: nil, count: 0)
    }
    base += bytes.count
    drain(into: &events)
  }

  /// Ends the text: completes a top-level number still tentative (`sequence`, `value`),
  /// and reports an unfinished value or framing as `json.truncated` at the text's length
  /// (an unfinished UTF-8 sequence as `json.invalid_utf8` at its first byte). Idempotent.
  public mutating func finish(into events: inout [FramerEvent]) {
    if !isStopped {
      chunk = UnsafeRawBufferPointer(start: nil, count: 0)
      switch state {
      case .classify(let sequence, let rejection):
        fail(.jsonInvalidUTF8, at: sequence.start,
             "invalid UTF-8: the input ended inside the sequence starting with \(Self.hex(sequence.lead)) (expected \(text(rejection.expected)))")
      case .utf8(let sequence, _):
        fail(.jsonInvalidUTF8, at: sequence.start,
             "invalid UTF-8: the input ended inside the sequence starting with \(Self.hex(sequence.lead)) in a string")
      case .number(.zero), .number(.integer), .number(.fraction), .number(.exponent):
        if depth == 0 { _ = unquotedScalarDone(end: 0) }
      default: break
      }
      switch state {
      case .stopped, .structure(.between), .structure(.adjacent), .structure(.trailing): break
      case .structure(.start) where mode == .undecided: break
      default:
        if valueStart >= 0 && base - valueStart > limits.maxValueBytes {
          failTooLarge()
        } else {
          fail(.jsonTruncated, at: base, "input ended too soon: expected \(expectation), found the end of the input")
        }
      }
      if !isStopped {  // finished cleanly
        state = .stopped
        release()
      }
    }
    drain(into: &events)
  }

  // MARK: The scan

  /// The hot loop: hands each run of bytes, with its state's data, to the state that
  /// consumes it. The scanners of the rare states (a UTF-8 sequence or an escape cut by a
  /// chunk's end, a literal, a rejected non-ASCII byte) are `@inline(never)`: inlined here
  /// they made this loop a large function whose entry and every state change paid for
  /// their registers and constants (4–8% more instructions on the framer benchmarks, 1-byte
  /// chunks the worst).
  mutating func scan(_ p: UnsafePointer<UInt8>, _ n: Int) {
    var i = 0
    while i < n {
      switch state {
      case .structure(let next): i = scanStructure(next, p, i, n)
      case .string(let key): i = scanString(key: key, p, i, n)
      case .utf8(let sequence, let key): i = scanStringUTF8(sequence, key: key, p, i, n)
      case .escape(let escape): i = scanEscape(escape, p, i, n)
      case .literal(let literal): i = scanLiteral(literal, p, i, n)
      case .number(let step): i = scanNumber(step, p, i, n)
      case .classify(let sequence, let rejection): i = scanClassify(sequence, rejection, p, i, n)
      case .stopped: return
      }
    }
  }

  /// Open containers.
  var depth: Int { stack.depth }

  // MARK: Bytes

  /// RFC 8259 §2: the four insignificant whitespace bytes.
  @inline(__always)
  static func isWhitespace(_ c: UInt8) -> Bool {
    c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09
  }

  @inline(__always)
  static func isDigit(_ c: UInt8) -> Bool { c &- UInt8(ascii: "0") < 10 }
}
