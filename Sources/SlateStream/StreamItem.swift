import SlateJSON

/// What an ``ActionStream`` reports, in stream order.
public enum StreamItem: Sendable {
  /// A dialect delta (text, tool-call fragments, usage, finish, provider error, terminal),
  /// when ``ActionStreamOptions/emitsDeltas`` is on.
  case delta(Delta)
  /// A value has started and its type (and announced key fields) are known: an answer-text
  /// object whose discriminator and key fields are complete, or a tool call that started.
  case started(ActionStart)
  /// A value was committed: an answer-text value the moment its last byte arrived, a tool
  /// call's arguments at the call's end signal.
  case value(StreamValue)
  /// A finding of any layer, in the one diagnostic shape.
  case diagnostic(StreamDiagnostic)
  /// The last item: how the stream ended. (Indirect: once per stream, boxed, so that the
  /// enum every delta is moved as is not the size of a summary, 184 bytes.)
  indirect case end(StreamSummary)

  public var value: StreamValue? { if case .value(let v) = self { v } else { nil } }
  public var diagnostic: StreamDiagnostic? { if case .diagnostic(let d) = self { d } else { nil } }
  public var started: ActionStart? { if case .started(let s) = self { s } else { nil } }
  public var delta: Delta? { if case .delta(let d) = self { d } else { nil } }
}

/// The early announcement of a value in progress.
public struct ActionStart: Sendable {
  public var channel: StreamChannel
  /// Raw-stream offset of the event that made the announcement possible.
  public var streamOffset: Int
  /// Offset of the value's first byte in the channel's text (0 for a tool call).
  public var textOffset: Int
  /// The action type: the discriminator's value for answer text (any JSON value; usually a
  /// string), the tool name for a call.
  public var type: JSONValue
  /// The announced key fields (answer text), in the rule's order; empty for tool calls.
  public var keys: JSONObject
  /// The provider's call id (tool calls).
  public var callId: String?

  public init(channel: StreamChannel, streamOffset: Int, textOffset: Int, type: JSONValue, keys: JSONObject = JSONObject(),
              callId: String? = nil)
  {
    self.channel = channel
    self.streamOffset = streamOffset
    self.textOffset = textOffset
    self.type = type
    self.keys = keys
    self.callId = callId
  }
}

/// A committed value: one action candidate, before schema validation.
public struct StreamValue: Sendable {
  /// Its position among the values the stream committed (0, 1, …), across channels.
  public var index: Int
  public var channel: StreamChannel
  /// Raw-stream offset of the event that completed it: the event carrying its last byte
  /// (answer text) or the call's end signal (tool calls). For the `text` dialect, the
  /// offset of its last byte.
  public var streamOffset: Int
  /// Its byte range in the channel's text (the call's argument text for a tool call).
  public var textRange: Range<Int>
  /// Its bytes, validated, padded for simdjson.
  public var bytes: PaddedBytes
  /// For a tool call: the tool name, which is the action type.
  public var toolName: String?
  /// For a tool call: the provider's call id.
  public var callId: String?
  /// The parse, as the stream kept it (``ActionStreamOptions/valueForm``).
  private var parsed: Parsed

  private enum Parsed: Sendable {
    case value(JSONValue)
    case document(JSONDocumentCopy)
  }

  /// The value, parsed once by simdjson. When the stream kept the document (the default),
  /// each read builds the ``JSONValue`` from it (O(value), allocates): read it once and
  /// keep it, or read fields in place through ``document``. Setting it stores the value.
  public var value: JSONValue {
    get {
      switch parsed {
      case .value(let value): value
      case .document(let document): document.value
      }
    }
    set { parsed = .value(newValue) }
  }

  /// simdjson's parsed document of the value, when the stream kept it
  /// (``ActionStreamOptions/valueForm`` `document`): its fields read in place, nothing
  /// built (``JSONDocumentCopy/withRoot(_:)``). nil when the value was built at commit
  /// or set.
  public var document: JSONDocumentCopy? {
    if case .document(let document) = parsed { document } else { nil }
  }

  /// The value's canonical bytes (``JSONValue/canonicalBytes``), written from the document
  /// when the stream kept it (nothing built). O(value).
  public var canonicalBytes: [UInt8] {
    switch parsed {
    case .value(let value): value.canonicalBytes
    case .document(let document): document.withRoot { $0.canonicalBytes }
    }
  }

  /// Adds the value as member `key` of `line` (canonical; from the document when kept).
  public func add(as key: String, to line: inout JSONLine) {
    switch parsed {
    case .value(let value): line.add(key, value)
    case .document(let document): document.withRoot { line.add(key, $0) }
    }
  }

  /// The value built, when it was built at commit or set; nil when the stream kept the
  /// document (then nothing of it needs ``JSONValue/release(_:)``).
  public var builtValue: JSONValue? {
    if case .value(let value) = parsed { value } else { nil }
  }

  public init(index: Int, channel: StreamChannel, streamOffset: Int, textRange: Range<Int>, bytes: PaddedBytes,
              value: JSONValue, toolName: String? = nil, callId: String? = nil)
  {
    self.init(index: index, channel: channel, streamOffset: streamOffset, textRange: textRange, bytes: bytes,
              parsed: .value(value), toolName: toolName, callId: callId)
  }

  /// A value kept as its parsed document (``value`` is built from it on each read).
  public init(index: Int, channel: StreamChannel, streamOffset: Int, textRange: Range<Int>, bytes: PaddedBytes,
              document: JSONDocumentCopy, toolName: String? = nil, callId: String? = nil)
  {
    self.init(index: index, channel: channel, streamOffset: streamOffset, textRange: textRange, bytes: bytes,
              parsed: .document(document), toolName: toolName, callId: callId)
  }

  private init(index: Int, channel: StreamChannel, streamOffset: Int, textRange: Range<Int>, bytes: PaddedBytes,
               parsed: Parsed, toolName: String?, callId: String?)
  {
    self.index = index
    self.channel = channel
    self.streamOffset = streamOffset
    self.textRange = textRange
    self.bytes = bytes
    self.parsed = parsed
    self.toolName = toolName
    self.callId = callId
  }
}

/// How a stream ended, with what the action layer adds to the dialect's view.
public struct StreamSummary: Sendable, Equatable {
  /// `complete`, `truncated` (with the reason) or `failed` (with the provider's error).
  public var status: StreamStatus
  /// The dialect that read the stream (`auto` if detection never decided).
  public var dialect: DialectKind
  /// Values committed.
  public var values: Int
  /// Diagnostics reported, and how many of them were errors.
  public var diagnostics: Int
  public var errors: Int
  /// The provider's finish reasons, one per choice or candidate, in arrival order.
  public var finishes: [Finish]
  /// The provider's terminal event, if one came.
  public var terminal: String?
  /// The first error the provider reported in the stream.
  public var providerError: ProviderError?
  /// When the provider reported an error: how many values had been committed before it.
  public var valuesBeforeError: Int?
  /// Raw bytes read.
  public var bytes: Int

  /// True when the stream is complete and no error-severity diagnostic was reported.
  public var isClean: Bool { status == .complete && errors == 0 }
}
