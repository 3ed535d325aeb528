import SlateCore
import SlateStream
import SlateJSON

extension SyntheticCorpus {
  /// Writes the bytes of ``generate(dialect:actions:form:seed:deltaSizes:)`` (the same
  /// bytes, without the intent) to `sink` as they are generated, in blocks of at least
  /// `blockSize` bytes (the last one shorter) that are each at most `blockSize` plus one
  /// event. The actions are drawn one at a time and nothing of the stream is kept, so
  /// memory does not grow with `count` (Responses' closing events, which repeat the answer
  /// text, get it drawn again), except for tool calls in `openai-responses`, whose
  /// `response.completed` event repeats every call: those are held. O(count) time.
  /// Returns what it took (``GenerationTally``), or nil, writing nothing, where `generate`
  /// gives nil.
  @discardableResult
  public static func write(dialect: DialectKind, actions count: Int, form: ContentForm = .answer(.array),
                           seed: UInt64 = committedSeed, deltaSizes: DeltaSizes = .small, blockSize: Int = 1 << 16,
                           to sink: ([UInt8]) -> Void) -> GenerationTally?
  {
    guard dialect != .auto, !(dialect == .text && form == .toolCalls) else { return nil }
    let content: TurnContent
    switch form {
    case .answer(let layout):
      content = .answer { part in
        let elements = FilmActions.ActionSequence(count: count, seed: seed).lazy.map { $0.text(.spaced) }
        AnswerText.lay(out: elements, layout) {
          switch $0 {
          case .text(let text), .element(let text): part(text)
          case .closed: break
          }
        }
      }
    case .toolCalls:
      let style = argumentStyle(dialect)
      content = .calls(count: count) {
        AnyIterator(FilmActions.ActionSequence(count: count, seed: seed).lazy.map { CallSpec(action: $0, style: style) }.makeIterator())
      }
    }
    var out = ByteBlocks(size: blockSize)
    var tally = GenerationTally()
    if let writer = writer(dialect) {
      TurnScript.stream(writer, content, toolCalls: form == .toolCalls, sizes: deltaSizes, seed: seed, into: &out,
                        tally: &tally, sink)
    } else if case .answer(let parts) = content {
      parts { text in
        out.bytes.append(contentsOf: text.utf8)
        tally.work += text.utf8.count
        out.handOn(sink)
      }
    }
    out.handOn(sink, all: true)
    tally.bytes = out.handedOn
    tally.peakHeld += out.peak
    return tally
  }
}

/// Bytes gathered and handed on in blocks of at least `size` bytes.
struct ByteBlocks {
  let size: Int
  var bytes: [UInt8] = []
  /// Bytes handed on so far, and the most gathered at once.
  private(set) var handedOn = 0
  private(set) var peak = 0

  init(size: Int) {
    self.size = max(1, size)
    bytes.reserveCapacity(self.size + 4096)
  }

  /// Hands the gathered bytes to `sink` once they are a block (or, with `all`, whatever is
  /// gathered).
  mutating func handOn(_ sink: ([UInt8]) -> Void, all: Bool = false) {
    peak = max(peak, bytes.count)
    guard bytes.count >= size || (all && !bytes.isEmpty) else { return }
    sink(bytes)
    handedOn += bytes.count
    bytes.removeAll(keepingCapacity: true)
  }
}

extension TurnScript {
  /// Writes `content` as `writer`'s provider streams it, ending normally, into `out`
  /// (handed on to `sink` block by block): the steps of ``run(_:)`` without keep-alives,
  /// other endings or intent, and without holding the steps or the wire items.
  static func stream<W: ProviderWriter>(_ writer: W.Type, _ content: TurnContent, toolCalls: Bool, sizes: DeltaSizes,
                                        seed: UInt64, into out: inout ByteBlocks, tally: inout GenerationTally,
                                        _ sink: ([UInt8]) -> Void)
  {
    var random = TurnScript.random(seed)
    var writer = W(toolCalls: toolCalls, seed: seed, recording: false)
    var items: [WireItem] = []
    var rendered = 0
    var writerPeak = 0
    func render(_ items: inout [WireItem], _ out: inout ByteBlocks) {
      let before = out.bytes.count
      for item in items { item.render(lineEnding: W.lineEnding, into: &out.bytes) }
      rendered += out.bytes.count - before
      items.removeAll(keepingCapacity: true)
      writerPeak = max(writerPeak, writer.heldBytes)
      out.handOn(sink)
    }
    var steps = 0
    var contentTally = GenerationTally()
    content.steps(sizes: sizes, interleave: W.interleavesCalls, &random, tally: &contentTally) { step in
      steps += 1
      writer.write(step, into: &items)
      render(&items, &out)
    }
    writer.write(.finish(.normal), into: &items)
    writer.flush(into: &items)
    // The closing events may stand for the answer text (Responses repeats it there): put
    // it back, drawn again and escaped part by part, handed on as it goes.
    if case .answer(let parts) = content {
      let placeholder = JSONValue.string(ResponsesWriter.textPlaceholder).text()
      for item in items {
        var event: [UInt8] = []
        item.render(lineEnding: W.lineEnding, into: &event)
        var rest = event[...]
        while let found = rest.firstRange(of: placeholder.utf8) {
          out.bytes.append(contentsOf: rest[..<found.lowerBound])
          out.bytes.append(UInt8(ascii: "\""))
          var escaped: [UInt8] = []
          parts { part in
            escaped.removeAll(keepingCapacity: true)
            JSONValue.writeCanonicalString(part, into: &escaped)
            out.bytes.append(contentsOf: escaped.dropFirst().dropLast())
            rendered += escaped.count
            out.handOn(sink)
          }
          out.bytes.append(UInt8(ascii: "\""))
          rest = rest[found.upperBound...]
        }
        out.bytes.append(contentsOf: rest)
        rendered += event.count
        out.handOn(sink)
      }
      items.removeAll()
    }
    render(&items, &out)
    tally.steps += steps + 1
    tally.work += contentTally.work + rendered
    tally.peakHeld += contentTally.peakHeld + writerPeak
  }
}
