import SlateCore

/// What a turn script cuts into steps: answer text arriving part by part, or tool calls
/// drawn one at a time. Either can be the whole of a ``Turn`` held in memory or a source
/// that draws the content as it goes (a big generated turn: O(1) memory).
enum TurnContent {
  /// Answer text: the closure hands its parts, in order, to the function it is given.
  case answer((_ part: (String) -> Void) -> Void)
  /// `count` tool calls; `make` gives them in order, once per call of it (the script draws
  /// them twice: first only to know how many draws their deltas take).
  case calls(count: Int, make: () -> AnyIterator<CallSpec>)

  /// The content of `turn`.
  init(_ turn: Turn) {
    if let answer = turn.answer {
      let text = answer.text
      self = .answer { part in part(text) }
    } else {
      let calls = turn.calls
      self = .calls(count: calls.count) { AnyIterator(calls.makeIterator()) }
    }
  }

  /// The steps of the content, handed to `body` in order: the answer text cut into deltas
  /// of `sizes`, or each call's argument text cut into fragments and scheduled (interleaved,
  /// up to three calls open at once, when `interleave`). `random` ends where a script that
  /// held every step would leave it: after the deltas' draws, then the schedule's.
  /// O(content) time; memory: a delta being gathered, or the open calls' fragments
  /// (counted into `tally`'s work and peak).
  func steps(sizes: DeltaSizes, interleave: Bool, _ random: inout SplitMix64, tally: inout GenerationTally,
             _ body: (Step) -> Void)
  {
    switch self {
    case .answer(let parts):
      var cutter = DeltaCutter(sizes, random: random)
      var peak = 0
      parts {
        cutter.feed($0) { body(.text($0)) }
        peak = max(peak, cutter.held)
      }
      cutter.finish { body(.text($0)) }
      random = cutter.random
      tally.work += cutter.work
      tally.peakHeld += peak
    case .calls(let count, let make):
      // Every call's fragments are drawn before the schedule: the schedule's generator
      // starts where the fragments' draws end, known from a first pass over the calls.
      var pieceRandom = random
      for call in IteratorSequence(make()) {
        sizes.skip(call.text, &random)
        tally.work += call.text.utf8.count
      }
      let calls = make()
      var next = 0
      var open: [(call: Int, rest: ArraySlice<String>)] = []
      var held = 0
      var peak = 0
      while next < count || !open.isEmpty {
        tally.work += 1
        if next < count && (open.isEmpty || (interleave && open.count < 3 && random.chance(35))) {
          guard let call = calls.next() else { preconditionFailure("fewer calls than counted") }
          body(.startCall(next, call))
          open.append((next, sizes.pieces(of: call.text, &pieceRandom)[...]))
          tally.work += call.text.utf8.count
          held += call.text.utf8.count
          peak = max(peak, held)
          next += 1
          continue
        }
        let j = interleave ? random.below(open.count) : 0
        if let piece = open[j].rest.first {
          body(.arguments(open[j].call, piece))
          open[j].rest = open[j].rest.dropFirst()
          held -= piece.utf8.count
        }
        if open[j].rest.isEmpty {
          body(.endCall(open[j].call))
          open.remove(at: j)
        }
      }
      tally.peakHeld += peak
    }
  }
}

/// What writing a generated stream took, as the generator counts it (no clock): for tests
/// that its work grows linearly and its memory not at all with the number of actions.
public struct GenerationTally: Sendable, Equatable {
  /// Bytes written.
  public var bytes = 0
  /// Script steps (deltas, call starts, fragments and ends, the finish).
  public var steps = 0
  /// Units of work: bytes the generator scanned, moved or rendered, and scheduling rounds.
  public var work = 0
  /// Bytes held at once, at most: the peaks of the text being cut into deltas (or the open
  /// calls' fragments), of what the provider writer keeps, and of the block not yet
  /// handed on, added up.
  public var peakHeld = 0

  public init() {}
}
