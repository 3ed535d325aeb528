import SlateStream
import SlateJSON

/// Writes a ``Turn`` as one provider would stream it, and works out what a reader must get.
///
/// The script is the list of ``Step``s: the answer text cut into deltas (``DeltaSizes``), or
/// the calls' argument text cut into fragments and scheduled (interleaved, up to three
/// calls open at once, where the provider interleaves), then keep-alives, then the ending.
/// All choices come from one ``SplitMix64``, so a seed gives the same bytes every time.
/// Complexity: O(size of the turn).
struct TurnScript {
  var turn: Turn
  var ending: Ending
  var keepAlive = false
  /// The line ending, when not the provider's own.
  var lineEnding: String?
  var sizes = DeltaSizes.small
  var seed: UInt64 = 1

  /// The script's generator for `seed` (the provider writers draw from their own).
  static func random(_ seed: UInt64) -> SplitMix64 { SplitMix64(seed: seed ^ 0x5C21_97D0_0000_0001) }

  /// The stream's bytes and intent, written by `writer`.
  func run<W: ProviderWriter>(_ writer: W.Type) -> (bytes: [UInt8], intent: StreamIntent) {
    var random = Self.random(seed)
    var steps: [Step] = []
    var tally = GenerationTally()
    TurnContent(turn).steps(sizes: sizes, interleave: W.interleavesCalls, &random, tally: &tally) { steps.append($0) }
    if keepAlive {
      var spaced: [Step] = [.keepAlive, .keepAlive, .keepAlive]
      for step in steps {
        spaced.append(step)
        if random.chance(15) { spaced.append(.keepAlive) }
      }
      steps = spaced
    }
    switch ending {
    case .normal: steps.append(.finish(.normal))
    case .error: steps = Array(steps.prefix(max(1, steps.count * 55 / 100))) + [.error]
    case .cut: steps = Array(steps.prefix(cutIndex(steps)))
    case .length: steps = Array(steps.prefix(cutIndex(steps))) + [.finish(.length)]
    case .cutInUTF8: steps = Array(steps.prefix(utf8StepIndex(steps) + 1))
    }

    var writer = W(toolCalls: !turn.calls.isEmpty, seed: seed, recording: true)
    var items: [WireItem] = []
    // Only the state before the last step is kept (a UTF-8 cut needs it): a snapshot at
    // every step would copy the growing answer text on the next write, O(steps²).
    var beforeLast = writer.written
    for (i, step) in steps.enumerated() {
      if i == steps.count - 1 { beforeLast = writer.written }
      writer.write(step, into: &items)
    }
    writer.flush(into: &items)
    var bytes: [UInt8] = []
    var lastStart = 0
    for item in items {
      lastStart = bytes.count
      item.render(lineEnding: lineEnding ?? W.lineEnding, into: &bytes)
    }
    var written = writer.written
    if ending == .cutInUTF8 {
      // The last event holds the step's multi-byte character: keep its first byte only.
      let lead = bytes[lastStart...].firstIndex { $0 >= 0xC0 } ?? (lastStart + bytes.count) / 2
      bytes.removeSubrange((lead + 1)...)
      written = beforeLast
    }
    return (bytes, intent(written, status: written.status(W.kind)))
  }

  /// The `text` dialect: the bytes are the answer text, cut as the ending says.
  func runText() -> (bytes: [UInt8], intent: StreamIntent) {
    let answer = turn.answer?.text ?? ""
    var bytes = Array(answer.utf8)
    var status = StreamStatus.complete
    var complete = bytes.count
    switch ending {
    case .cut:
      var end = cutOffset()
      while end > 0 && bytes[end] & 0xC0 == 0x80 { end -= 1 }  // at a character boundary
      bytes.removeSubrange(end...)
      complete = end
    case .cutInUTF8:
      let lead = bytes[(bytes.count / 2)...].firstIndex { $0 >= 0xC0 } ?? bytes.firstIndex { $0 >= 0xC0 }!
      bytes.removeSubrange((lead + 1)...)
      complete = lead
      status = .truncated(.cutInsideUTF8Sequence)
    case .normal, .error, .length:
      break
    }
    var written = Written()
    written.answer = String(decoding: bytes[..<complete], as: UTF8.self)
    return (bytes, intent(written, status: status))
  }

  // MARK: - Script

  /// The action a cut falls in: two thirds of the way through the turn.
  private var cutAction: Int { max(0, (turn.answer?.ranges.count ?? turn.calls.count) * 2 / 3) }

  /// The byte of the answer text half-way through the cut action.
  private func cutOffset() -> Int {
    guard let range = turn.answer?.ranges[cutAction] else { return 0 }
    return (range.lowerBound + range.upperBound) / 2
  }

  /// How many steps to keep so that the content stops inside the cut action: half-way
  /// through its text, or after half of its call's fragments (its start when it has one).
  private func cutIndex(_ steps: [Step]) -> Int {
    if turn.answer != nil {
      let target = cutOffset()
      var written = 0
      for (i, step) in steps.enumerated() {
        guard case .text(let piece) = step else { continue }
        written += piece.utf8.count
        if written >= target { return i + 1 }
      }
      return steps.count
    }
    let call = cutAction
    let fragments = steps.filter { if case .arguments(call, _) = $0 { true } else { false } }.count
    var keep = fragments / 2
    for (i, step) in steps.enumerated() {
      switch step {
      case .startCall(call, _) where keep == 0: return i + 1
      case .arguments(call, _):
        keep -= 1
        if keep == 0 { return i + 1 }
      default: break
      }
    }
    return steps.count
  }

  /// The text step whose delta the UTF-8 cut falls in: the first in the second half of the
  /// script holding a multi-byte character (else the last before it), never the first
  /// text step (whose event may open a block).
  private func utf8StepIndex(_ steps: [Step]) -> Int {
    var first = true
    var candidates: [Int] = []
    for (i, step) in steps.enumerated() {
      guard case .text(let piece) = step else { continue }
      if !first && piece.utf8.contains(where: { $0 >= 0x80 }) { candidates.append(i) }
      first = false
    }
    guard let chosen = candidates.first(where: { $0 >= steps.count / 2 }) ?? candidates.last else {
      preconditionFailure("the turn has no multi-byte character after its first delta")
    }
    return chosen
  }

  // MARK: - Intent

  private func intent(_ written: Written, status: StreamStatus) -> StreamIntent {
    var actions: [IntendedAction] = []
    var framing: FramingOutcome?
    if let answer = turn.answer {
      let length = written.answer.utf8.count
      framing = .complete
      for (j, range) in answer.ranges.enumerated() {
        if let bad = turn.errorOffsets[j] {
          if range.lowerBound + bad < length { framing = .failed }
          break
        }
        if range.upperBound <= length {
          if let value = turn.values[j] {
            actions.append(IntendedAction(type: FilmActions.type(of: value), value: value, callId: nil))
          }
        } else if range.lowerBound < length {
          framing = .truncated
        }
      }
      if framing == .complete && length < answer.closeOffset { framing = .truncated }
    }
    for index in written.endOrder where written.argumentsComplete.contains(index) {
      guard let value = turn.calls[index].value, let position = written.position[index] else { continue }
      let call = written.calls[position]
      actions.append(IntendedAction(type: call.name, value: value, callId: call.callId))
    }
    return StreamIntent(answerText: written.answer, calls: written.calls, status: status,
                        answerFraming: framing, actions: actions)
  }
}
