import Slate
import SlateJSON
import SlateSSE
import SlateSchema

/// `slate inspect`'s reading of a stream, chunk by chunk as it arrives: the pipeline's items
/// and the SSE events, printed as one timeline in raw-offset order (events first at one
/// offset, then items in the order they came) as soon as nothing later can come before them.
///
/// A windowed design, so that memory does not grow with the input:
/// - entries wait in a queue ordered by raw offset until the *watermark* passes them: for
///   SSE dialects the end of the last complete event (every later event, and every item an
///   event causes, lies at or past it), for the `text` dialect ``textLag`` bytes behind the
///   input's end (a value committed, or a token reported, a little after its bytes), for
///   `auto` nothing until the dialect is known;
/// - a diagnostic or rejection also waits until the bytes of its excerpt have arrived
///   (``Excerpt/ready(_:at:radius:)``): 36 bytes past its offset in the raw stream or in its
///   channel's text, the end of its tool call, or the end of the input;
/// - only recent bytes are kept (``ByteWindow``): of the raw stream from the oldest entry
///   still waiting (or the watermark) on, and of each channel's text from the end of its
///   last value on (a later value, and so its rejection's ranges, starts there).
///
/// The output is the same as printing every entry sorted at the end (``streaming`` false,
/// the whole input held: what the tests compare with), except in cases that would need
/// unbounded memory: an entry that waits past ``holdLimit`` more bytes for its excerpt is
/// printed with what has arrived (a channel text that stays within 36 bytes of the excerpt
/// for 1 MiB of input and then grows), more than ``keepLimit`` bytes of one event or one
/// channel text are not kept for excerpts, and `turn.prose_without_actions`, known only at
/// the end, is printed at the end instead of beside its prose. Memory: the queue (entries
/// within one event or ``textLag`` bytes), one SSE event, the kept bytes, the pipeline's own.
struct Timeline {
  /// An SSE event as the timeline shows it.
  struct Event {
    var range: Range<Int>
    var type: String
    var dataBytes: Int
  }

  /// An entry waiting to be printed.
  struct Entry {
    var offset: Int
    /// 0 for an event, 1 for an item: events first at one offset.
    var rank: Int
    /// Arrival order.
    var sequence: Int
    var content: Content

    enum Content {
      /// Lines that later bytes cannot change.
      case lines([String])
      /// Waits for the bytes of its excerpt.
      case diagnostic(StreamDiagnostic)
      /// Waits for the bytes of its errors' excerpts.
      case rejection(Rejection, StreamValue)
    }

    func precedes(_ other: Entry) -> Bool { (offset, rank, sequence) < (other.offset, other.rank, other.sequence) }
  }

  /// Bytes on each side of a diagnostic's offset in its excerpt.
  static let radius = 32
  /// Bytes on each side of `--around` in the raw excerpt printed first.
  static let focusRadius = 48
  /// `text` dialect: how far behind the input's end a later item may still lie.
  static let textLag = 1 << 16
  /// How many more input bytes an entry waits for its excerpt before it is printed anyway.
  static let holdLimit = 1 << 20
  /// The most bytes kept of the raw stream and of each channel's text. A window's storage
  /// may reach twice this before it compacts (``ByteWindow``), so the raw stream and one
  /// answer text take at most 32 MiB: 16 MiB kept each measured 76 MB resident on 1 GB of
  /// input (`scripts/rss-check.sh`), over the 64 MB target.
  static let keepLimit = 8 << 20

  var printer: TimelinePrinter
  /// False: hold everything until ``finish(_:)`` (the reference the windowed output equals).
  let streaming: Bool
  private var pipeline: TurnPipeline
  private var items: [TurnItem] = []
  private var sse = SSEParser()
  private var sseOutputs: [SSEOutput] = []
  private let parser = SimdjsonParser()
  /// SSE events seen while `auto` was undecided.
  private var heldEvents: [SSEEvent] = []
  private var dialect: DialectKind
  /// The end of the last complete SSE event (the watermark of SSE dialects).
  private var eventsEnd = 0
  private var raw = ByteWindow()
  private var texts: [StreamChannel: ByteWindow] = [:]
  /// Where each channel's last value ended: later values start there.
  private var valueEnds: [StreamChannel: Int] = [:]
  /// Tool calls that ended: their text is complete.
  private var closed: Set<StreamChannel> = []
  /// Channels found to be prose: nothing more is framed on them.
  private var prose: Set<StreamChannel> = []
  /// The excerpt each `stream.prose_text` showed (`turn.prose_without_actions` repeats it).
  private var proseExcerpts: [StreamChannel: Excerpt] = [:]
  /// Deltas by raw offset, until their event is listed.
  private var deltas: [Int: [Delta]] = [:]
  private var queue: [Entry] = []
  private var head = 0
  /// Queued diagnostics and rejections (the entries that need kept text).
  private var deferred = 0
  private var sequence = 0
  private var finished = false
  private var headerPrinted: Bool

  init(pack: CompiledPack?, options: ActionStreamOptions, printer: TimelinePrinter, streaming: Bool = true) {
    var options = options
    options.emitsDeltas = true
    pipeline = TurnPipeline(pack: pack, options: options)
    dialect = options.dialect
    self.printer = printer
    self.streaming = streaming
    headerPrinted = printer.focusOffset == nil || printer.json
  }

  // MARK: Input

  /// Reads the next chunk and prints every entry it made final.
  mutating func feed(_ chunk: UnsafeRawBufferPointer, _ out: (String) -> Void) {
    raw.append(chunk)
    pipeline.feed(chunk, into: &items)
    if dialect == .auto { dialect = pipeline.dialectKind }
    take()
    if dialect != .text {
      sse.feed(chunk, into: &sseOutputs)
      takeEvents()
    }
    emit(out)
    discard()
  }

  /// Ends the input: prints every entry left, then the end. Returns the summary.
  mutating func finish(_ out: (String) -> Void) -> TurnSummary {
    let summary = pipeline.finish(into: &items)
    dialect = summary.stream.dialect
    take()
    if dialect != .text {
      sse.finish(into: &sseOutputs)
      takeEvents()
    } else {
      heldEvents.removeAll()
    }
    finished = true
    emit(out)
    printer.end(summary, out)
    return summary
  }

  /// Notes the deltas' texts and queues the items to print.
  private mutating func take() {
    var items = self.items
    self.items = []
    defer {
      ActionsSetup.release(&items)
      self.items = items  // its capacity, for the next chunk
    }
    for item in items {
      switch item {
      case .stream(.delta(let delta)):
        note(delta)
      case .stream(.started(let start)):
        enqueue(start.streamOffset, .lines([printer.json ? start.jsonLine.text : printer.startedLine(start)]))
      case .stream(.value(let value)):
        valueEnds[value.channel] = value.textRange.upperBound
        if !printer.schema { enqueue(value.streamOffset, .lines([printer.json ? value.jsonLine.text : printer.valueLine(value)])) }
      case .stream(.diagnostic(let diagnostic)):
        if diagnostic.code == "stream.prose_text", let channel = diagnostic.channel { prose.insert(channel) }
        enqueue(diagnostic.streamOffset, .diagnostic(diagnostic))
      case .action(let action, let value):
        enqueue(value.streamOffset, .lines([printer.json ? action.jsonLine(value).text : printer.actionLine(action, value)]))
      case .rejected(let rejection, let value):
        enqueue(value.streamOffset, .rejection(rejection, value))
      case .stream(.end), .batch:
        break
      }
    }
  }

  private mutating func note(_ delta: Delta) {
    guard dialect != .text else { return }  // the raw bytes are the text
    switch delta.kind {
    case .text(let channel, let text) where channel.kind == .answer:
      text.withUTF8 { texts[.answer(choice: channel.choice), default: ByteWindow()].append($0) }
    case .toolArguments(let key, let text):
      text.withUTF8 { texts[.call(key), default: ByteWindow()].append($0) }
    case .toolCallEnded(let key):
      closed.insert(.call(key))
    default:
      break
    }
    if !printer.json { deltas[delta.offset, default: []].append(delta) }
  }

  /// Queues the SSE events completed so far (held while `auto` is undecided).
  private mutating func takeEvents() {
    for case .event(let event) in sseOutputs { heldEvents.append(event) }
    sseOutputs.removeAll(keepingCapacity: true)
    guard dialect != .auto else { return }
    for event in heldEvents {
      let listed = Self.event(event, parser: parser)
      eventsEnd = max(eventsEnd, event.byteRange.upperBound)
      let line = printer.eventLine(listed, deltas.removeValue(forKey: listed.range.lowerBound) ?? [])
      enqueue(listed.range.lowerBound, .lines([line]), rank: 0)
    }
    heldEvents.removeAll(keepingCapacity: true)
    if !deltas.isEmpty { deltas = deltas.filter { $0.key >= eventsEnd } }  // no event there
  }

  /// An SSE event named by its `event:` field, else its payload's `type` or `object` member.
  static func event(_ event: SSEEvent, parser: SimdjsonParser) -> Event {
    var type = event.type == "message" ? "" : event.type
    if type.isEmpty {
      let payload = try? parser.parse(event.data)
      type = payload?["type"]?.stringValue ?? payload?["object"]?.stringValue
        ?? (event.data.trimmingWhitespace == "[DONE]" ? "[DONE]" : "data")
    }
    return Event(range: event.byteRange, type: type, dataBytes: event.data.utf8.count)
  }

  private mutating func enqueue(_ offset: Int, _ content: Entry.Content, rank: Int = 1) {
    let entry = Entry(offset: offset, rank: rank, sequence: sequence, content: content)
    sequence += 1
    if case .lines = content {} else { deferred += 1 }
    var i = queue.count
    while i > head && entry.precedes(queue[i - 1]) { i -= 1 }
    queue.insert(entry, at: i)
  }

  // MARK: Output

  /// Below this raw offset no entry can come any more.
  private var watermark: Int {
    if finished { return Int.max }
    if !streaming { return Int.min }
    switch dialect {
    case .auto: return 0
    case .text: return raw.end - Self.textLag
    default: return eventsEnd
    }
  }

  /// Prints the queued entries in order while the first one is final.
  private mutating func emit(_ out: (String) -> Void) {
    let watermark = watermark
    while head < queue.count, queue[head].offset < watermark {
      let entry = queue[head]
      if let shown = printer.shown, !shown.contains(entry.offset) {
        if case .lines = entry.content {} else { deferred -= 1 }
        head += 1
        continue
      }
      if !headerPrinted {
        guard let focus = printer.focusOffset, finished || Excerpt.ready(raw, at: focus, radius: Self.focusRadius) else { break }
        printer.header(Excerpt(raw, at: focus, radius: Self.focusRadius), out)
        headerPrinted = true
      }
      let force = finished || raw.end - entry.offset > Self.holdLimit
      guard let lines = render(entry, force: force) else { break }
      for line in lines { out(line) }
      if case .lines = entry.content {} else { deferred -= 1 }
      head += 1
    }
    if finished, !headerPrinted, let focus = printer.focusOffset {
      printer.header(Excerpt(raw, at: focus, radius: Self.focusRadius), out)
      headerPrinted = true
    }
    if head > 1024 && head * 2 > queue.count {
      queue.removeFirst(head)
      head = 0
    }
  }

  /// The entry's lines, or nil while the bytes of an excerpt are still to come.
  private mutating func render(_ entry: Entry, force: Bool) -> [String]? {
    switch entry.content {
    case .lines(let lines):
      return lines
    case .diagnostic(let diagnostic):
      guard let excerpt = excerpt(for: diagnostic, force: force) else { return nil }
      if diagnostic.code == "stream.prose_text", let channel = diagnostic.channel { proseExcerpts[channel] = excerpt }
      return printer.json ? [printer.jsonLine(diagnostic, excerpt)] : printer.diagnosticLines(diagnostic, excerpt)
    case .rejection(let rejection, let value):
      let text = window(of: value.channel)
      if !force, !closed.contains(value.channel) {
        for error in rejection.errors {
          guard let range = error.range else { continue }
          guard let text, Excerpt.ready(text, at: range.lowerBound) else { return nil }
        }
      }
      return printer.json ? [rejection.jsonLine(value).text] : printer.rejectionLines(rejection, value, text: text ?? ByteWindow())
    }
  }

  /// The bytes a diagnostic is about: its channel's text at its text offset when the
  /// channel has a text, the raw stream at its raw offset otherwise; nil while they are
  /// still to come.
  private func excerpt(for diagnostic: StreamDiagnostic, force: Bool) -> Excerpt? {
    if let channel = diagnostic.channel, let offset = diagnostic.textOffset {
      if diagnostic.code == "turn.prose_without_actions", let excerpt = proseExcerpts[channel] { return excerpt }
      if let text = window(of: channel) {
        guard force || closed.contains(channel) || Excerpt.ready(text, at: offset) else { return nil }
        return Excerpt(text, at: offset)
      }
      if !force && !closed.contains(channel) { return nil }  // its text may still start
    }
    guard force || Excerpt.ready(raw, at: diagnostic.streamOffset) else { return nil }
    return Excerpt(raw, at: diagnostic.streamOffset)
  }

  /// A channel's text: the raw bytes themselves for the `text` dialect.
  private func window(of channel: StreamChannel) -> ByteWindow? {
    dialect == .text && channel == .answer(choice: 0) ? raw : texts[channel]
  }

  // MARK: Memory

  /// Discards the bytes no excerpt can need any more, and the texts of ended tool calls.
  private mutating func discard() {
    guard streaming else { return }
    let margin = Self.radius + 8
    var rawLow = min(watermark, raw.end)
    var textLows: [StreamChannel: Int] = [:]
    for (channel, text) in texts {
      textLows[channel] = closed.contains(channel) || prose.contains(channel) ? text.end : valueEnds[channel] ?? 0
    }
    if dialect == .text { textLows[.answer(choice: 0)] = prose.contains(.answer(choice: 0)) ? raw.end : valueEnds[.answer(choice: 0)] ?? 0 }
    if !headerPrinted, let focus = printer.focusOffset { rawLow = min(rawLow, focus - Self.focusRadius) }
    if head < queue.count { rawLow = min(rawLow, queue[head].offset) }  // the queue is in offset order
    for entry in deferred > 0 ? queue[head...] : [] {
      switch entry.content {
      case .lines: break
      case .diagnostic(let diagnostic):
        if let channel = diagnostic.channel, let offset = diagnostic.textOffset, let low = textLows[channel] {
          textLows[channel] = min(low, offset)
        }
      case .rejection(let rejection, let value):
        for error in rejection.errors {
          if let range = error.range, let low = textLows[value.channel] { textLows[value.channel] = min(low, range.lowerBound) }
        }
      }
    }
    if dialect == .text, let low = textLows.removeValue(forKey: .answer(choice: 0)) { rawLow = min(rawLow, low) }
    raw.discard(before: max(rawLow - margin, raw.end - Self.keepLimit))
    for (channel, low) in textLows {
      let text = texts[channel]!
      if closed.contains(channel) && low >= text.end {
        texts[channel] = nil  // an ended call that nothing waits for
        closed.remove(channel)
        valueEnds[channel] = nil
        continue
      }
      texts[channel]!.discard(before: max(low - margin, text.end - Self.keepLimit))
    }
  }
}

extension String {
  /// Without leading and trailing spaces, tabs and line endings.
  var trimmingWhitespace: Substring {
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" || $0 == "\r\n" }
    guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
    return self[first...last]
  }
}
