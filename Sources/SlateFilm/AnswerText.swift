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
    func add(_ piece: String) {
      text += piece
      offset += piece.utf8.count
    }
    if layout == .array { add("[" + lineEnding) }
    for (i, element) in elements.enumerated() {
      if layout == .array { add("  ") }
      let start = offset
      add(element)
      ranges.append(start..<offset)
      if layout == .array && i < elements.count - 1 { add(",") }
      add(lineEnding)
    }
    if layout == .array { add("]") }
    self.closeOffset = layout == .array ? offset : 0
    if layout == .array { add(lineEnding) }
    self.text = text
    self.ranges = ranges
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
    let scalars = text.unicodeScalars
    var start = scalars.startIndex
    while start < scalars.endIndex {
      let end = scalars.index(start, offsetBy: random.within(range), limitedBy: scalars.endIndex) ?? scalars.endIndex
      pieces.append(String(scalars[start..<end]))
      start = end
    }
    return pieces
  }
}
