import SlateCore
/// How answer text lays out a turn's actions.
public enum AnswerLayout: String, Sendable, CaseIterable {
  /// A JSON array, one element per line: `[\n  {…},\n  {…}\n]\n`.
  case array
  /// One action per line (NDJSON): `{…}\n{…}\n`.
  case ndjson
}

/// A turn's answer text and where each element sits in it.
public struct AnswerText: Sendable, Equatable {
  public var text: String
  /// UTF-8 byte range of each element's text within ``text``, in order.
  public var ranges: [Range<Int>]
  /// The UTF-8 offset just past the closing `]` of an array (0 for NDJSON): the text is a
  /// complete array only from there on.
  public var closeOffset: Int

  /// Lays out `elements` (each one JSON text, or the text of an invalid element) with
  /// `lineEnding` between lines. O(total length).
  public init(_ elements: [String], layout: AnswerLayout, lineEnding: String = "\n") {
    var text = ""
    var ranges: [Range<Int>] = []
    var offset = 0
    var closeOffset = 0
    Self.lay(out: elements, layout, lineEnding: lineEnding) { part in
      switch part {
      case .text(let piece):
        text += piece
        offset += piece.utf8.count
      case .element(let element):
        text += element
        ranges.append(offset..<(offset + element.utf8.count))
        offset += element.utf8.count
      case .closed:
        closeOffset = offset
      }
    }
    self.text = text
    self.ranges = ranges
    self.closeOffset = closeOffset
  }

  /// A part of laid-out answer text, in order.
  public enum Part: Sendable, Equatable {
    /// Layout between elements: brackets, commas, indentation, line endings.
    case text(String)
    /// One element's text.
    case element(String)
    /// The array's closing `]` has just been laid out (never for NDJSON).
    case closed
  }

  /// Lays out `elements` part by part, as they are drawn: `[` LE, then each element
  /// indented by two spaces with `,` LE between them, LE after the last, then `]` LE (an
  /// array); or each element followed by LE (NDJSON). O(1) memory besides the element
  /// being laid out; the parts' texts concatenate to ``text``.
  public static func lay(out elements: some Sequence<String>, _ layout: AnswerLayout, lineEnding: String = "\n",
                         _ body: (Part) -> Void)
  {
    guard layout == .array else {
      for element in elements {
        body(.element(element))
        body(.text(lineEnding))
      }
      return
    }
    body(.text("[" + lineEnding))
    var first = true
    for element in elements {
      body(.text(first ? "  " : "," + lineEnding + "  "))
      body(.element(element))
      first = false
    }
    if !first { body(.text(lineEnding)) }
    body(.text("]"))
    body(.closed)
    body(.text(lineEnding))
  }
}

/// Cuts text into deltas as a provider streams tokens: pieces of a random number of Unicode
/// scalars within `sizes`, so a delta never splits a character's UTF-8 sequence (each
/// delta is itself valid text, written into a JSON string of the payload).
public struct DeltaSizes: Sendable, Hashable {
  public var range: ClosedRange<Int>

  public init(_ range: ClosedRange<Int>) { self.range = max(1, range.lowerBound)...max(1, range.upperBound) }

  /// Sizes of committed streams: short, token-like deltas that keep files small.
  public static let small = DeltaSizes(8...32)

  /// The pieces of `text`, in order; they concatenate to `text`. O(text).
  public func pieces(of text: String, _ random: inout SplitMix64) -> [String] {
    var pieces: [String] = []
    var cutter = DeltaCutter(self, random: random)
    cutter.feed(text) { pieces.append($0) }
    cutter.finish { pieces.append($0) }
    random = cutter.random
    return pieces
  }

  /// Draws from `random` exactly what ``pieces(of:_:)`` draws for `text`, without cutting
  /// it. O(scalars of text).
  func skip(_ text: String, _ random: inout SplitMix64) {
    var left = text.unicodeScalars.count
    while left > 0 { left -= random.within(range) }
  }
}

/// Cuts text that arrives part by part into the pieces ``DeltaSizes/pieces(of:_:)`` cuts
/// the whole text into, with the same draws: the size of a piece is drawn when its first
/// scalar is there, and only the last piece is cut short. Memory: the piece being gathered.
/// Every part must be whole text (no scalar split between parts).
public struct DeltaCutter {
  public let sizes: DeltaSizes
  /// The generator, after every draw so far.
  public private(set) var random: SplitMix64
  /// UTF-8 not yet emitted (from ``start``).
  private var pending: [UInt8] = []
  private var start = 0
  /// Scalars of the piece being gathered (0: not drawn yet), how many bytes after `start`
  /// were counted and how many scalars begin in them.
  private var need = 0
  private var scanned = 0
  private var counted = 0
  /// Bytes scanned and bytes moved to drop emitted text, so far: the cutter's work.
  public private(set) var work = 0
  /// Bytes held: the text not yet emitted and what the buffer keeps before it.
  public var held: Int { pending.count }

  public init(_ sizes: DeltaSizes, random: SplitMix64) {
    self.sizes = sizes
    self.random = random
  }

  /// Adds `text` and emits every piece it completes. O(text), amortized.
  public mutating func feed(_ text: String, _ emit: (String) -> Void) {
    pending.append(contentsOf: text.utf8)
    while start < pending.count {
      if need == 0 {
        need = random.within(sizes.range)
        scanned = start
        counted = 0
      }
      while scanned < pending.count {
        if pending[scanned] & 0xC0 != 0x80 {  // a scalar begins
          if counted == need { break }
          counted += 1
        }
        scanned += 1
        work += 1
      }
      guard counted == need else { break }  // parts hold whole scalars: the last one is complete
      emit(String(decoding: pending[start..<scanned], as: UTF8.self))
      start = scanned
      need = 0
    }
    if start > 0 {  // what is left is less than a piece
      work += pending.count - start
      pending.removeSubrange(..<start)
      scanned -= start
      start = 0
    }
  }

  /// Emits the last piece (shorter than drawn), if any text is left.
  public mutating func finish(_ emit: (String) -> Void) {
    if start < pending.count { emit(String(decoding: pending[start...], as: UTF8.self)) }
    pending.removeAll()
    start = 0
    need = 0
  }
}
