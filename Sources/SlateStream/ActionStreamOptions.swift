import SlateJSON
import SlateSSE

/// How an ``ActionStream`` reads a provider stream.
public struct ActionStreamOptions: Sendable {
  /// The wire dialect; `auto` tells SSE from plain text by the first bytes and the dialect
  /// from the first events (``DialectDetector``).
  public var dialect: DialectKind
  /// How the answer text is cut into values (see ``TextFraming``).
  public var textFraming: TextFraming
  /// Limits of every framer (answer text and each tool call's arguments).
  public var framerLimits: FramerLimits
  /// SSE parser options (line and event size limits).
  public var sse: SSEParser.Options
  /// Which members of answer-text objects are announced before the object closes; nil
  /// for none. Tool calls are announced when they start (their type is the tool name).
  public var announcements: AnnouncementRule?
  /// Most values committed in one stream; the rest are dropped with one
  /// `stream.too_many_actions` diagnostic.
  public var maxActions: Int
  /// Most tool calls framed at once; a call past it is not framed
  /// (`stream.too_many_open_calls`).
  public var maxOpenCalls: Int
  /// Whether the dialect's deltas are passed on as ``StreamItem/delta(_:)`` (the CLI's
  /// action listing turns them off).
  public var emitsDeltas: Bool
  /// What each committed value keeps (``StreamValue/document``): simdjson's parsed document
  /// (`document`, the default: one block per value, the ``JSONValue`` built only when
  /// ``StreamValue/value`` is read), or the value built at commit (`value`: a consumer that
  /// reads every value's tree anyway saves the block's copy).
  public var valueForm: ValueForm

  public init(dialect: DialectKind = .auto, textFraming: TextFraming = .auto, framerLimits: FramerLimits = .default,
              sse: SSEParser.Options = SSEParser.Options(reportsComments: false),
              announcements: AnnouncementRule? = AnnouncementRule(), maxActions: Int = 100_000,
              maxOpenCalls: Int = 1024, emitsDeltas: Bool = true, valueForm: ValueForm = .document)
  {
    self.dialect = dialect
    self.textFraming = textFraming
    self.framerLimits = framerLimits
    self.sse = sse
    self.announcements = announcements
    self.maxActions = max(0, maxActions)
    self.maxOpenCalls = max(0, maxOpenCalls)
    self.emitsDeltas = emitsDeltas
    self.valueForm = valueForm
  }

  public static let `default` = ActionStreamOptions()
}

/// How the answer text of a choice becomes values.
public enum TextFraming: Sendable, Hashable, CustomStringConvertible {
  /// Actions when the text is JSON, prose otherwise: the first non-whitespace byte
  /// decides. `[` frames the array's elements, `{` a sequence of objects (NDJSON or
  /// concatenated); a Markdown code fence (```` ```json ```` or plain ```` ``` ````, to the
  /// end of its line) is skipped and its content decided the same way, up to the closing
  /// fence (a backtick at the start of a line), after which nothing is framed; anything
  /// else means the answer is prose (a model talking before or instead of calling tools):
  /// it is not framed, and one `stream.prose_text` info diagnostic says so. Offsets are
  /// always those of the channel's text, fence included.
  case auto
  /// Strict: the text must be JSON in this framing; anything else is a framer error.
  case framed(Framing)
  /// The answer text is never framed (actions come from tool calls only).
  case none

  /// `auto`, `none`, or a ``Framing`` spelling (`array`, `sequence`, `value`, `field:NAME`).
  public init?(_ text: String) {
    switch text {
    case "auto": self = .auto
    case "none": self = .none
    default:
      guard let framing = Framing(text), framing != .auto else { return nil }
      self = .framed(framing)
    }
  }

  public var description: String {
    switch self {
    case .auto: "auto"
    case .none: "none"
    case .framed(let framing): framing.description
    }
  }
}
