/// Limits of a ``JSONFramer``, each with a safe default. Exceeding one is a diagnostic
/// (a clean stop), never a crash or unbounded memory.
public struct FramerLimits: Sendable, Hashable {
  /// Deepest nesting of arrays and objects in the text, counting the containers of the
  /// framing itself (the array of `array`, the object and array of `field`): the limit the
  /// one-shot parser applies to the same text. Beyond it: `json.depth_exceeded` at the
  /// bracket that would open one level too many.
  public var maxDepth: Int
  /// Largest framed value, in bytes. Beyond it: `json.value_too_large` at the value's first
  /// byte past the limit. Bounds the bytes the framer keeps.
  public var maxValueBytes: Int
  /// Most framed values in one text. Beyond it: `json.too_many_values` at the first byte
  /// of the value past the limit.
  public var maxValues: Int

  public init(maxDepth: Int = 1024, maxValueBytes: Int = 16 << 20, maxValues: Int = 100_000) {
    self.maxDepth = max(1, maxDepth)
    self.maxValueBytes = max(1, maxValueBytes)
    self.maxValues = max(0, maxValues)
  }

  public static let `default` = FramerLimits()

  /// Limits for a ``SimdjsonParser`` that materialises this framer's values.
  public var parserLimits: JSONLimits { JSONLimits(maxDepth: maxDepth, maxBytes: maxValueBytes) }
}

extension JSONFramer {
  /// Starts the framed value whose first byte is at chunk index `i`, or stops with
  /// `json.too_many_values`. Returns false when it stopped.
  @inline(__always)
  mutating func startValue(at i: Int, first: UInt8) -> Bool {
    guard valueCount < limits.maxValues else {
      fail(.jsonTooManyValues, at: base + i, "more than \(limits.maxValues) values, the limit")
      return false
    }
    valueStart = base + i
    lastCut = valueStart
    if first == UInt8(ascii: "{") && !announceNames.isEmpty { beginAnnouncement() }
    return true
  }

  /// The offset up to which the bytes fed so far are accepted as part of the value in
  /// progress: a UTF-8 sequence or escape still open counts from its first byte (an error
  /// in it would be reported there).
  func acceptedEnd(chunkEnd: Int) -> Int {
    switch state {
    case .utf8(let sequence, _): sequence.start
    case .escape(let escape): escape.start
    default: chunkEnd
    }
  }

  /// The value in progress is larger than the limit: reported at its first byte past it.
  var tooLarge: FramerDiagnostic {
    FramerDiagnostic(code: .jsonValueTooLarge, offset: valueStart + limits.maxValueBytes,
                     message: "value larger than \(limits.maxValueBytes) bytes, the limit (it starts at byte \(valueStart))")
  }

  mutating func failTooLarge() {
    let diagnostic = tooLarge
    fail(diagnostic.code, at: diagnostic.offset, diagnostic.message)
  }
}
