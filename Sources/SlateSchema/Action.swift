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
///
/// Its payload is kept in one of two forms: built (a ``JSONValue``), or, for a value the
/// stream kept as simdjson's parse and that validated with no coercion and no change, that
/// document (``payloadDocument``), read without building a tree; ``payload`` builds it on
/// each read then (O(payload), allocates: read it once and keep it).
public struct Action: Sendable, Equatable {
  public var type: String
  /// The validated payload (without the discriminator member; coercions applied). Built on
  /// each read when the action holds a document (see ``payloadDocument``); setting it
  /// replaces the document.
  public var payload: JSONValue {
    get { storage.built }
    set { storage = .value(newValue) }
  }

  /// The value's document, when the action holds its payload so (nil when built): the
  /// payload is its root, less the members named ``payloadOmits`` when that is not nil (a
  /// text action's discriminator, which its schema does not declare).
  public var payloadDocument: JSONDocumentCopy? {
    if case .document(let document, _) = storage { document } else { nil }
  }

  /// The payload when the action holds it built (nil when it holds a document): what a
  /// caller that frees values without recursion (``JSONValue/release(_:)``) has to free.
  public var builtPayload: JSONValue? {
    if case .value(let value) = storage { value } else { nil }
  }

  /// The name of the root members ``payloadDocument`` has and the payload does not.
  public var payloadOmits: String? {
    if case .document(_, let omitted) = storage { omitted } else { nil }
  }

  /// Writes the payload's canonical bytes (``JSONValue/canonicalBytes``) into `out`, from
  /// the document when the action holds one (nothing built).
  public func writeCanonicalPayload(with writer: inout CanonicalWriter, into out: inout [UInt8]) {
    switch storage {
    case .value(let value): writer.write(value, into: &out)
    case .document(let document, nil):
      document.withRoot { writer.write($0, into: &out) }
    case .document(let document, var omitted?):
      omitted.withUTF8 { name in
        document.withRoot { writer.write($0, omittingRootMembers: UnsafeRawBufferPointer(name), into: &out) }
      }
    }
  }

  /// Adds the payload to `line` as the member `key`, written from the document when the
  /// action holds one (the bytes ``payload`` would give; nothing built).
  public func add(payloadAs key: String, to line: inout JSONLine) {
    line.add(key) { out in
      var writer = CanonicalWriter()
      writeCanonicalPayload(with: &writer, into: &out)
    }
  }

  var storage: Payload

  enum Payload: Sendable {
    case value(JSONValue)
    /// A document and the name of the root members the payload omits (nil: none).
    case document(JSONDocumentCopy, omitting: String?)

    /// The payload built (O(payload), allocates).
    var built: JSONValue {
      switch self {
      case .value(let value): value
      case .document(let document, nil): document.value
      case .document(let document, let omitted?):
        // A text action's document without its discriminator member(s), as classify removes them.
        Payload.removing(omitted, from: document.value)
      }
    }

    private static func removing(_ name: String, from value: JSONValue) -> JSONValue {
      guard case .object(let object) = value else { return value }
      return .object(JSONObject(object.members.filter { !codePointsEqual($0.key, name) }))
    }
  }
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

  init(type: String, payload: Payload, key: IdempotencyKey, queue: String, effects: [String], upsert: Bool,
       phase: String?, index: Int?, rawOffset: Int?, textRange: Range<Int>?, warnings: [CoercionWarning])
  {
    self.type = type
    self.storage = payload
    self.key = key
    self.queue = queue
    self.effects = effects
    self.upsert = upsert
    self.phase = phase
    self.index = index
    self.rawOffset = rawOffset
    self.textRange = textRange
    self.warnings = warnings
  }

  /// Equal payloads whatever their forms (a document compared node by node with a built
  /// value; of two documents, one is built).
  public static func == (a: Action, b: Action) -> Bool {
    a.type == b.type && Action.samePayload(a.storage, b.storage) && a.key == b.key && a.queue == b.queue && a.effects == b.effects
      && a.upsert == b.upsert && a.phase == b.phase && a.index == b.index && a.rawOffset == b.rawOffset
      && a.textRange == b.textRange && a.warnings == b.warnings
  }

  static func samePayload(_ a: Payload, _ b: Payload) -> Bool {
    switch (a, b) {
    case (.value(let x), .value(let y)): x == y
    case (.document(let x, nil), .document(let y, nil)): x === y || x.withRoot { $0.isEqual(to: y.value) }
    case (.document(let d, nil), .value(let v)), (.value(let v), .document(let d, nil)): d.withRoot { $0.isEqual(to: v) }
    default: a.built == b.built
    }
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
