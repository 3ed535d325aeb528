import SlateJSON

/// What the caller knows about a framed value besides the value itself.
///
/// Offsets are the caller's: ``rawOffset`` in the raw provider stream, ``textRange`` in the
/// channel's delta text (the framer's byte range of the value). Error ranges are in the
/// ``textRange`` coordinates: ``locator`` maps an instance path to the range of that part;
/// without it (or where it answers nil) errors carry the whole ``textRange``.
public struct ActionMetadata: Sendable {
  /// A tool call: the action type is the tool's name and the value is its arguments.
  /// Nil for a text action, whose type is its discriminator member.
  public var toolName: String?
  /// The phase the value belongs to; nil leaves the action type's `x-slate-phase`.
  public var phase: String?
  /// The value's position among the turn's framed values.
  public var index: Int?
  /// Offset of the value in the raw provider stream (bytes).
  public var rawOffset: Int?
  /// The value's byte range in the channel text.
  public var textRange: Range<Int>?
  /// The value's source bytes, kept by a rejection; its canonical bytes when nil.
  public var bytes: [UInt8]?
  public var locator: InstanceLocator?

  public init(toolName: String? = nil, phase: String? = nil, index: Int? = nil, rawOffset: Int? = nil,
              textRange: Range<Int>? = nil, bytes: [UInt8]? = nil, locator: InstanceLocator? = nil)
  {
    self.toolName = toolName
    self.phase = phase
    self.index = index
    self.rawOffset = rawOffset
    self.textRange = textRange
    self.bytes = bytes
    self.locator = locator
  }
}

/// A validated action, ready to batch and dispatch.
public struct Action: Sendable, Equatable {
  public var type: String
  /// The validated payload (without the discriminator member; coercions applied).
  public var payload: JSONValue
  public var key: IdempotencyKey
  public var queue: String
  public var effects: [String]
  /// The same key with a different payload is an update, not a conflict.
  public var upsert: Bool
  public var phase: String?
  public var index: Int?
  public var rawOffset: Int?
  public var textRange: Range<Int>?
  /// Coercions applied to reach ``payload``.
  public var warnings: [CoercionWarning]

  public static func == (a: Action, b: Action) -> Bool {
    a.type == b.type && a.payload == b.payload && a.key == b.key && a.queue == b.queue && a.effects == b.effects
      && a.upsert == b.upsert && a.phase == b.phase && a.index == b.index && a.rawOffset == b.rawOffset
      && a.textRange == b.textRange && a.warnings == b.warnings
  }
}

/// A value that did not become an action: its bytes and why.
public struct Rejection: Error, Sendable, Equatable {
  /// The action type when it could be determined.
  public var type: String?
  /// The value's source bytes (or canonical bytes when the caller gave none).
  public var bytes: [UInt8]
  public var errors: [ValidationError]
  /// Coercions that were applied before the value still failed.
  public var warnings: [CoercionWarning]
  public var phase: String?
  public var index: Int?
  public var rawOffset: Int?
  public var textRange: Range<Int>?
}
