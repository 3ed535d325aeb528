import SlateJSON

/// Anthropic Messages events (provider-streams.md §3).
///
/// Every event is named and the name repeats the payload `type` (dispatch is on the payload
/// `type`; a differing name is `dialect.event_type_mismatch`). Content arrives per content
/// block `index` between `content_block_start` and `content_block_stop`:
/// - `text` blocks: `text_delta` is answer text on part `message.index`;
/// - `thinking` blocks: `thinking_delta` is reasoning text, `signature_delta` goes to the
///   signature channel, both kept apart from answer text and from actions;
/// - `tool_use` blocks start a client call keyed `message.index` (name and id from the
///   start), `input_json_delta` fragments are its argument text, `content_block_stop` its
///   end signal. A block that streamed nothing but `""` ends with the arguments `{}` (or
///   the start's non-empty `input`), never an empty, invalid document;
/// - `server_tool_use` / `mcp_tool_use` blocks are tools the provider runs: reported once,
///   whole, as ``Delta/Kind/serverToolUse(_:)`` when they stop, never as client calls;
/// - `redacted_thinking` and `*_tool_result` blocks carry nothing to report.
///
/// `message_delta` carries the stop reason (`max_tokens` and `model_context_window_exceeded`
/// mean truncated) and usage, `message_stop` is the terminal event, `ping` is keep-alive,
/// `error` is the provider's error (§3 "Errors after the 200"). Order is checked:
/// a delta or stop for a block that never started is `dialect.delta_without_start`, a
/// block still open at `message_delta` / `message_stop` / the end of input is
/// `dialect.block_not_stopped` (its call stays open, and the stream is truncated, unless a
/// late `content_block_stop` before `message_stop` still closes it), a second
/// `message_start` is `dialect.second_message_start` (its blocks are a new message).
/// Unknown event and delta types are skipped (`dialect.unknown_event`, info).
///
/// Complexity: O(payload) per event; state O(blocks of the current message).
public struct AnthropicDialect: PayloadDialect {
  public var kind: DialectKind { .anthropic }

  let payloads: PayloadDecoder
  /// Where the stream is.
  private var state = State.beforeMessage
  private var blocks = IndexTable<Block>()
  private var blockOrder: [Int] = []
  /// Blocks (and their calls) of earlier messages that never stopped.
  private var abandonedBlocks: [String] = []
  private var abandonedCalls: [CallKey] = []
  var outcome = Outcome()

  /// The stream's progress, message by message.
  private enum State {
    /// No `message_start` yet.
    case beforeMessage
    /// Inside message number `n` (0-based): its blocks are in `blocks`.
    case message(Int)
    /// `message_stop` ended message number `n`: only a new `message_start`, a `ping` or
    /// an `error` is read.
    case stopped(Int)

    /// The ordinal of the current (or last) message; -1 before the first.
    var ordinal: Int {
      switch self {
      case .beforeMessage: -1
      case .message(let n), .stopped(let n): n
      }
    }
  }

  /// What a content block holds, with the data each kind keeps.
  private enum Content {
    case text, thinking, opaque
    /// A client tool call: whether a non-empty fragment streamed, and the start's
    /// `input` when it is a non-empty object (sent whole, without deltas).
    case toolUse(streamed: Bool, initialInput: JSONValue?)
    /// A tool the provider runs: the input streamed so far, and the start's `input`.
    case serverToolUse(input: String, initialInput: JSONValue?)

    /// Appends a fragment to a server tool's streamed input, in place (the input is
    /// uniquely referenced while it grows, so the whole is never copied per fragment).
    mutating func appendServerInput(_ fragment: UnsafeRawBufferPointer) {
      guard case .serverToolUse(var input, let initialInput) = self else { return }
      self = .opaque
      input += String(jsonBytes: fragment)
      self = .serverToolUse(input: input, initialInput: initialInput)
    }

    /// A client tool call's first non-empty fragment streamed: marked, in place.
    mutating func markStreamed() {
      guard case .toolUse(streamed: false, let initialInput) = self else { return }
      self = .toolUse(streamed: true, initialInput: initialInput)
    }

    /// What the block holds, without its data (read in place, nothing retained).
    var kind: Kind {
      switch self {
      case .text: .text
      case .thinking: .thinking
      case .opaque: .opaque
      case .toolUse: .toolUse
      case .serverToolUse: .serverToolUse
      }
    }

    enum Kind: String {
      case text, thinking, opaque, toolUse, serverToolUse
    }

    var name: String { kind.rawValue }
  }

  /// The Anthropic event types this reader knows, told apart by length, then bytes (once per
  /// event, where matching a `switch` of literals compared them one by one).
  private enum EventKind {
    case messageStart, blockStart, blockDelta, blockStop, messageDelta, messageStop, ping, error, other

    init(_ type: EventType) {
      switch type {
      case .payload(let bytes): self.init(bytes: bytes)
      case .name(var name): self = name.withUTF8 { EventKind(bytes: UnsafeRawBufferPointer($0)) }
      }
    }

    init(bytes: UnsafeRawBufferPointer) {
      self = switch bytes.count {
      case 19 where bytes.spells("content_block_delta"): .blockDelta
      case 19 where bytes.spells("content_block_start"): .blockStart
      case 18 where bytes.spells("content_block_stop"): .blockStop
      case 13 where bytes.spells("message_start"): .messageStart
      case 13 where bytes.spells("message_delta"): .messageDelta
      case 12 where bytes.spells("message_stop"): .messageStop
      case 4 where bytes.spells("ping"): .ping
      case 5 where bytes.spells("error"): .error
      default: .other
      }
    }
  }

  /// The content block delta types this reader knows.
  private enum DeltaKind {
    case text, citations, thinking, signature, inputJSON, other

    init(_ bytes: UnsafeRawBufferPointer) {
      self = switch bytes.count {
      case 10 where bytes.spells("text_delta"): .text
      case 16 where bytes.spells("input_json_delta"): .inputJSON
      case 14 where bytes.spells("thinking_delta"): .thinking
      case 15 where bytes.spells("signature_delta"): .signature
      case 15 where bytes.spells("citations_delta"): .citations
      default: .other
      }
    }
  }

  private struct Block: IndexTableElement {
    var key: String
    var content: Content
    var name = ""
    var id: String?
    var stopped = false
    var reportedOpen = false

    var isToolUse: Bool { if case .toolUse = content { true } else { false } }

    nonisolated(unsafe) static let absent = permanentNil(Block.self)
  }

  public init(parser: SimdjsonParser = SimdjsonParser()) {
    payloads = PayloadDecoder(parser: parser)
  }

  /// Whether ``read(_:into:)`` reads a text or argument delta in Anthropic's own layout
  /// without decoding it (``AnthropicWireDelta``). Off only to compare the two paths.
  var readsWireDeltas = true
  /// Where such a delta's string is unescaped.
  private let unescaped = ByteScratch()

  /// Reads one event: a `content_block_delta` in the layout Anthropic writes, for a text or
  /// `tool_use` block of the current message that is open, as its text or argument
  /// fragment without a document parse (``AnthropicWireDelta``); any other event decoded
  /// (``decodeAndRead(_:into:)``), as every event is where the layout does not match.
  /// Either reads the same delta to the same outputs.
  mutating func read(_ event: EventBytes, into out: inout DialectOutputs) -> Bool {
    if readsWireDeltas, readWireDelta(event, into: &out) { return true }
    return decodeAndRead(event, into: &out)
  }

  /// The wire-layout read of ``read(_:into:)``: false, having done nothing, when the event
  /// is not such a delta, its block is not open in the current message (or holds other
  /// content), or its string is one the DOM path is left to judge. What it does otherwise
  /// is what ``handle(_:_:into:)`` does with the decoded event: the pending loss confirmed,
  /// then the text emitted, or the argument fragment when not empty.
  private mutating func readWireDelta(_ event: EventBytes, into out: inout DialectOutputs) -> Bool {
    guard case .message = state, event.nameBytes.isEmpty || event.isNamed("content_block_delta"),
          let delta = AnthropicWireDelta(event.data, utf8Checked: event.utf8Checked, scratch: unescaped),
          blocks[delta.index] != nil, !blocks[delta.index]!.stopped
    else { return false }
    let index = delta.index
    switch (delta.kind, blocks[index]!.content.kind) {
    case (.text, .text), (.partialJSON, .toolUse): break
    default: return false
    }
    let text = delta.text
    confirmLoss(into: &out)
    switch delta.kind {
    case .text:
      out.emitText(text, on: Channel(.answer, part: blocks[index]!.key), at: event.offset)
    case .partialJSON:
      if !text.isEmpty {
        blocks[index]!.content.markStreamed()
        out.emitArguments(text, of: CallKey(blocks[index]!.key), at: event.offset)
      }
    }
    return true
  }

  mutating func handle(_ event: EventBytes, _ payload: Payload, into out: inout DialectOutputs) {
    let at = event.offset
    guard let value = outcome.object(of: event, payload, expecting: "an Anthropic event object", into: &out) else { return }
    // The members the block events read, in one pass (the last of a name wins, as a lookup's).
    var typeNode, index, delta, block: JSONNode?
    for (key, member) in value.members {
      switch key.count {
      case 4:
        if key.spells("type") { typeNode = member }
      case 5:
        if key.spells("index") { index = member } else if key.spells("delta") { delta = member }
      case 13:
        if key.spells("content_block") { block = member }
      default: break
      }
    }
    guard let type = eventType(event, typeNode?.stringBytes, into: &out) else { return }
    let kind = EventKind(type)
    if case .stopped = state {
      switch kind {
      case .messageStart, .ping, .error: break
      default:
        out.report(.eventAfterTerminal, at: at, "expected nothing but a new message after message_stop; got \(type.text) (ignored)")
        return
      }
    }
    switch kind {
    case .messageStart: messageStart(value, at: at, into: &out)
    case .blockStart: blockStart(index: index?.int, block, at: at, into: &out)
    case .blockDelta: blockDelta(index: index?.int, delta, at: at, into: &out)
    case .blockStop: blockStop(index: index?.int, at: at, into: &out)
    case .messageDelta:
      reportOpenBlocks(before: "message_delta", at: at, into: &out)
      if let reason = delta?.nonEmptyString("stop_reason") {
        outcome.finish(Finish(choice: 0, reason: reason, truncated: Finish.isTruncating(reason)), at: at, into: &out)
      }
      out.emitUsage(value["usage"], at: at)
    case .messageStop:
      reportOpenBlocks(before: "message_stop", at: at, into: &out)
      state = .stopped(state.ordinal)
      outcome.terminate("message_stop", at: at, into: &out)
    case .ping: break
    case .error:
      let payload = value.value
      outcome.fail(ProviderError(errorObject: payload["error"] ?? payload, payload: payload), at: at, into: &out)
    case .other:
      out.report(.unknownEvent, at: at, "expected an Anthropic event type this reader knows; got \"\(type.text)\" (skipped)")
    }
  }

  /// A lost event is always a gap: even after `message_stop` it may have been the
  /// `message_start` of a new message.
  mutating func loseContent(at offset: Int, into out: inout DialectOutputs) {
    outcome.lose(at: offset, into: &out)
  }

  mutating func finish(at offset: Int, into out: inout DialectOutputs) -> DialectEnd {
    reportOpenBlocks(before: "the end of the input", at: offset, into: &out)
    let open = blockOrder.compactMap { blocks[$0] }.filter { !$0.stopped }
    let calls = abandonedCalls + open.filter(\.isToolUse).map { CallKey($0.key) }
    return outcome.end(.anthropic, terminated: outcome.terminal != nil, openCalls: calls,
                       openBlocks: abandonedBlocks + open.map(\.key), at: offset, into: &out)
  }

  // MARK: - Events

  private mutating func messageStart(_ value: JSONNode, at: Int, into out: inout DialectOutputs) {
    let message = state.ordinal
    if message >= 0 {
      out.report(.secondMessageStart, at: at,
                 "expected one message_start per stream; got message_start number \(message + 2): its blocks form a new message")
      reportOpenBlocks(before: "the next message_start", at: at, into: &out)
      for block in blockOrder.compactMap({ blocks[$0] }) where !block.stopped {
        abandonedBlocks.append(block.key)
        if block.isToolUse { abandonedCalls.append(CallKey(block.key)) }
      }
    }
    state = .message(message + 1)
    blocks.removeAll()
    blockOrder = []
    outcome.terminal = nil
    out.emitUsage(value["message"]?["usage"], at: at)
  }

  /// Content before any `message_start`: reported once, then read as message 0.
  private mutating func requireMessage(_ type: String, at: Int, into out: inout DialectOutputs) {
    guard case .beforeMessage = state else { return }
    out.report(.missingMessageStart, at: at, "expected message_start before \(type); it never came")
    state = .message(0)
  }

  private mutating func blockStart(index: Int?, _ block: JSONNode?, at: Int, into out: inout DialectOutputs) {
    guard let index, let block, let type = block.stringBytes("type") else {
      out.report(.unexpectedPayload, at: at, "expected content_block_start with an index and a typed content_block; it lacks them")
      return
    }
    requireMessage("content_block_start", at: at, into: &out)
    if blocks[index] != nil {
      out.report(.duplicateStart, at: at, "expected one content_block_start for block \(index); got another (ignored)")
      return
    }
    let key = "\(state.ordinal).\(index)"
    var started = Block(key: key, content: .opaque)
    switch EventType.payload(type) {
    case "text":
      started.content = .text
      if let text = block.stringBytes("text") { out.emitText(text, on: Channel(.answer, part: key), at: at) }
    case "thinking":
      started.content = .thinking
      if let text = block.stringBytes("thinking") { out.emitText(text, on: Channel(.reasoning, part: key), at: at) }
      if let text = block.stringBytes("signature") { out.emitText(text, on: Channel(.signature, part: key), at: at) }
    case "tool_use", "server_tool_use", "mcp_tool_use":
      var initialInput: JSONValue?  // (a `nil` in a ternary would be JSONValue's `null` literal)
      if let input = block["input"], input.isTruthy { initialInput = input.value }
      let client = type.elementsEqual("tool_use".utf8)
      started.content = client ? .toolUse(streamed: false, initialInput: initialInput)
        : .serverToolUse(input: "", initialInput: initialInput)
      started.name = block.string("name") ?? ""
      started.id = block.nonEmptyString("id")
      if started.name.isEmpty {
        out.report(.callWithoutName, at: at, "expected a name on \(String(jsonBytes: type)) block \(index); it has none")
      }
      if client {
        out.emit(.toolCallStarted(ToolCallStart(key: CallKey(key), name: started.name, callId: started.id)), at: at)
      }
    case "redacted_thinking": break
    default:
      let name = String(jsonBytes: type)
      if !name.hasSuffix("_tool_result") {
        out.report(.unknownEvent, at: at, "expected a content block type this reader knows; got \"\(name)\" (its deltas are skipped)")
      }
    }
    blocks[index] = started
    blockOrder.append(index)
  }

  private mutating func blockDelta(index: Int?, _ delta: JSONNode?, at: Int, into out: inout DialectOutputs) {
    // The delta's members, in one pass: its type and the one string its type carries.
    var typeNode, text, thinking, signature, partialJSON: JSONNode?
    for (key, member) in delta?.members ?? JSONNode.Members.empty {
      switch key.count {
      case 4:
        if key.spells("type") { typeNode = member } else if key.spells("text") { text = member }
      case 8:
        if key.spells("thinking") { thinking = member }
      case 9:
        if key.spells("signature") { signature = member }
      case 12:
        if key.spells("partial_json") { partialJSON = member }
      default: break
      }
    }
    guard let index, let typeBytes = typeNode?.stringBytes else {
      out.report(.unexpectedPayload, at: at, "expected content_block_delta with an index and a typed delta; it lacks them")
      return
    }
    let type = EventType.payload(typeBytes)
    // The block is read in place, field by field (a copy of it, its strings and input
    // retained and released, cost about 400 instructions an event), and written only by the
    // deltas that change it.
    guard blocks[index] != nil else {
      out.report(.deltaWithoutStart, at: at,
                 "expected content_block_start for block \(index) before its deltas; got a \(type.text) first (dropped)")
      return
    }
    if blocks[index]!.stopped {
      out.report(.deltaAfterStop, at: at, "expected no deltas for block \(index) after its content_block_stop; got a \(type.text) (dropped)")
      return
    }
    switch (DeltaKind(typeBytes), blocks[index]!.content.kind) {
    case (.text, .text):
      if let text = text?.stringBytes { out.emitText(text, on: Channel(.answer, part: blocks[index]!.key), at: at) }
    case (.citations, .text): break
    case (.thinking, .thinking):
      if let text = thinking?.stringBytes { out.emitText(text, on: Channel(.reasoning, part: blocks[index]!.key), at: at) }
    case (.signature, .thinking):
      if let text = signature?.stringBytes { out.emitText(text, on: Channel(.signature, part: blocks[index]!.key), at: at) }
    case (.inputJSON, .toolUse):
      if let fragment = partialJSON?.stringBytes, !fragment.isEmpty {
        blocks[index]!.content.markStreamed()
        out.emitArguments(fragment, of: CallKey(blocks[index]!.key), at: at)
      }
    case (.inputJSON, .serverToolUse):
      if let fragment = partialJSON?.stringBytes { blocks[index]!.content.appendServerInput(fragment) }
    case (.other, _):
      out.report(.unknownEvent, at: at, "expected a delta type this reader knows; got \"\(type.text)\" (skipped)")
    default:
      out.report(.deltaTypeMismatch, at: at,
                 "expected a delta that fits block \(index) (\(blocks[index]!.content.name)); got a \(type.text) (dropped)")
    }
  }

  private mutating func blockStop(index: Int?, at: Int, into out: inout DialectOutputs) {
    guard let index else {
      out.report(.unexpectedPayload, at: at, "expected content_block_stop with an index; it has none")
      return
    }
    guard var block = blocks[index] else {
      out.report(.deltaWithoutStart, at: at, "expected content_block_start for block \(index) before its stop; got the stop first")
      return
    }
    if block.stopped {
      out.report(.deltaAfterStop, at: at, "expected one content_block_stop for block \(index); got another (ignored)")
      return
    }
    block.stopped = true
    blocks[index] = block
    switch block.content {
    case .toolUse(let streamed, let initialInput):
      let key = CallKey(block.key)
      if !streamed { out.emit(.toolArguments(key, DeltaText(initialInput?.canonicalString ?? "{}")), at: at) }
      out.emit(.toolCallEnded(key), at: at)
    case .serverToolUse(let input, let initialInput):
      let whole = input.isEmpty ? initialInput?.canonicalString ?? "{}" : input
      out.emit(.serverToolUse(ServerToolUse(key: CallKey(block.key), name: block.name, callId: block.id, input: whole)), at: at)
    default: break
    }
  }

  /// Reports, once each, the blocks of the current message still open before `what`.
  private mutating func reportOpenBlocks(before what: String, at: Int, into out: inout DialectOutputs) {
    for index in blockOrder {
      guard var block = blocks[index], !block.stopped, !block.reportedOpen else { continue }
      block.reportedOpen = true
      blocks[index] = block
      out.report(.blockNotStopped, at: at, "expected content_block_stop for block \(index) before \(what); none came")
    }
  }
}
