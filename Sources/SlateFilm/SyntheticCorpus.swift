import SlateStream
import SlateJSON

/// One generated provider stream and what reading it must give.
public struct SyntheticStream: Sendable {
  public var dialect: DialectKind
  /// The file name without `.sse`: the scenario's name, or `actions-N[-tool-calls]`.
  public var name: String
  /// The bytes as the provider would send them (for `text`, the answer text itself).
  public var bytes: [UInt8]
  public var intent: StreamIntent

  /// The stream's path inside a corpus folder: `<dialect>/<name>.sse`.
  public var path: String { "\(dialect.rawValue)/\(name).sse" }
}

/// How a generated turn carries its actions.
public enum ContentForm: Sendable, Hashable {
  /// Answer text: a JSON array of the actions, or NDJSON.
  case answer(AnswerLayout)
  /// One tool call per action: the tool name is the action's type, the arguments the rest.
  case toolCalls
}

/// The synthetic stream generator: film turns written as each provider streams them.
///
/// Everything is deterministic: the same arguments give the same bytes on every platform
/// (``SplitMix64``, no Foundation). The committed corpus (`Corpus/<dialect>/<scenario>.sse`)
/// is ``committed(seed:)``; `slate corpus generate` writes it, and a test checks that the
/// committed files equal it. Big streams for tests and benchmarks come from
/// ``generate(dialect:actions:form:seed:deltaSizes:)`` and are never committed.
public enum SyntheticCorpus {
  /// The dialects the generator writes, in corpus order.
  public static let dialects: [DialectKind] = [.openaiChat, .openaiResponses, .anthropic, .gemini, .text]

  /// The seed of the committed corpus.
  public static let committedSeed: UInt64 = 1

  /// The stream of `scenario` in `dialect`, or nil where the scenario does not apply
  /// (``Scenario/skipReason(for:)``). O(size of the stream).
  public static func stream(_ scenario: Scenario, dialect: DialectKind, seed: UInt64 = committedSeed) -> SyntheticStream? {
    guard scenario.skipReason(for: dialect) == nil else { return nil }
    let actions = FilmActions.make(count: scenario.actionCount, seed: seed)
    var turn: Turn
    if scenario.usesToolCalls(in: dialect) {
      turn = Turn(calls: actions, style: argumentStyle(dialect))
      if scenario == .invalidToolArguments {
        turn.calls[2].text = Turn.broken(turn.calls[2].text).text
        turn.calls[2].value = nil
      }
    } else {
      var elements = Turn.elements(actions)
      switch scenario {
      case .duplicates:
        elements.append(elements[1])
        let reordered = Turn.reordered(actions[2])
        elements.append((reordered.text(.spaced), reordered, nil))
      case .invalidJSON:
        let broken = Turn.broken(elements[3].text)
        elements[3] = (broken.text, nil, broken.errorOffset)
      default: break
      }
      let textCRLF = scenario == .crlf && dialect == .text
      turn = Turn(elements: elements, layout: scenario == .ndjson ? .ndjson : .array, lineEnding: textCRLF ? "\r\n" : "\n")
    }
    var script = TurnScript(turn: turn, ending: ending(scenario), seed: seed)
    script.keepAlive = scenario == .keepAlive
    if scenario == .crlf && dialect != .text { script.lineEnding = "\r\n" }
    return write(script, dialect: dialect, name: scenario.rawValue)
  }

  /// Every stream of the committed corpus: each scenario in each dialect where it applies.
  public static func committed(seed: UInt64 = committedSeed) -> [SyntheticStream] {
    dialects.flatMap { dialect in Scenario.allCases.compactMap { stream($0, dialect: dialect, seed: seed) } }
  }

  /// A complete turn of `count` film actions in `dialect`, as answer text (a JSON array or
  /// NDJSON, cut into deltas of `deltaSizes` characters) or as tool calls (one per
  /// action, interleaved where the provider interleaves). Nil for tool calls in `text`
  /// and for `auto`. For tests and benchmarks (10…5000 actions and more); never committed.
  public static func generate(dialect: DialectKind, actions count: Int, form: ContentForm = .answer(.array),
                              seed: UInt64 = committedSeed, deltaSizes: DeltaSizes = DeltaSizes(8...32)) -> SyntheticStream?
  {
    guard dialect != .auto, !(dialect == .text && form == .toolCalls) else { return nil }
    let actions = FilmActions.make(count: count, seed: seed)
    let turn: Turn
    var name = "actions-\(count)"
    switch form {
    case .answer(let layout):
      turn = Turn(elements: Turn.elements(actions), layout: layout)
      if layout == .ndjson { name += "-ndjson" }
    case .toolCalls:
      turn = Turn(calls: actions, style: argumentStyle(dialect))
      name += "-tool-calls"
    }
    var script = TurnScript(turn: turn, ending: .normal, seed: seed)
    script.sizes = deltaSizes
    return write(script, dialect: dialect, name: name)
  }

  static func ending(_ scenario: Scenario) -> Ending {
    switch scenario {
    case .providerError: .error
    case .cutInAction, .cutInToolCall: .cut
    case .cutInUTF8: .cutInUTF8
    case .lengthStop: .length
    default: .normal
    }
  }

  static func writer(_ dialect: DialectKind) -> (any ProviderWriter.Type)? {
    switch dialect {
    case .openaiChat: ChatCompletionsWriter.self
    case .openaiResponses: ResponsesWriter.self
    case .anthropic: AnthropicWriter.self
    case .gemini: GeminiWriter.self
    case .text, .auto: nil
    }
  }

  static func argumentStyle(_ dialect: DialectKind) -> JSONTextStyle {
    writer(dialect)?.argumentStyle ?? .compact
  }

  static func write(_ script: TurnScript, dialect: DialectKind, name: String) -> SyntheticStream {
    let (bytes, intent) = writer(dialect).map { script.run($0) } ?? script.runText()
    return SyntheticStream(dialect: dialect, name: name, bytes: bytes, intent: intent)
  }
}
