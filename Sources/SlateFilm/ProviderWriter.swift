import SlateStream
import SlateJSON

/// One unit of an event stream as a provider writes it.
enum WireItem: Sendable, Equatable {
  /// `event: NAME` (when named), `data: DATA`, then a blank line.
  case event(name: String?, data: String)
  /// `: TEXT`, then a blank line (a keep-alive comment).
  case comment(String)

  /// Appends the item's bytes with `lineEnding` after every line. O(data).
  func render(lineEnding: String, into out: inout [UInt8]) {
    switch self {
    case .event(let name, let data):
      if let name { out.append(contentsOf: "event: \(name)\(lineEnding)".utf8) }
      out.append(contentsOf: "data: ".utf8)
      out.append(contentsOf: data.utf8)
      out.append(contentsOf: (lineEnding + lineEnding).utf8)
    case .comment(let text):
      out.append(contentsOf: ": \(text)\(lineEnding)\(lineEnding)".utf8)
    }
  }
}

/// What a turn's script asks a provider writer to write, in order.
enum Step: Sendable, Equatable {
  /// One answer-text delta.
  case text(String)
  /// Open tool call `i` (its name and id are known from the start).
  case startCall(Int, CallSpec)
  /// One fragment of call `i`'s argument text.
  case arguments(Int, String)
  /// Call `i`'s arguments are all written.
  case endCall(Int)
  /// Keep-alive traffic (a comment, an Anthropic `ping`).
  case keepAlive
  /// The provider reports an error and the stream ends.
  case error
  /// The model stops: normally, or on the output length limit; then the terminal events.
  case finish(Stop)

  enum Stop: Sendable, Equatable {
    case normal
    case length
  }
}

/// A tool call to write: one action.
struct CallSpec: Sendable, Equatable {
  var name: String
  /// The argument text, as the provider streams it (possibly not valid JSON).
  var text: String
  /// The arguments, nil when ``text`` is deliberately not valid JSON.
  var value: JSONValue?
}

extension CallSpec {
  /// The call carrying `action`: tool name = its type, arguments = the rest in `style`.
  init(action: JSONValue, style: JSONTextStyle) {
    let arguments = FilmActions.arguments(of: action)
    self.init(name: FilmActions.type(of: action), text: arguments.text(style), value: arguments)
  }
}

/// A provider's wire format: turns a script's steps into the events that provider sends,
/// and records what a reader must get from them (``Written``).
///
/// Every writer is a value type whose state is a snapshot: copying it before a step and
/// rendering its ``Written`` tells what a stream cut inside that step's bytes yields.
protocol ProviderWriter {
  /// The dialect the writer speaks.
  static var kind: DialectKind { get }
  /// The provider's line ending.
  static var lineEnding: String { get }
  /// Whether the provider interleaves the argument fragments of parallel calls.
  static var interleavesCalls: Bool { get }
  /// How the provider lays out a tool call's argument text.
  static var argumentStyle: JSONTextStyle { get }

  /// A writer for a turn whose content is tool calls (`toolCalls`) or answer text; with
  /// `recording` false, ``written`` keeps no text and no calls (only ``Written/callCount``),
  /// so that a stream of any size is written in O(1) memory.
  init(toolCalls: Bool, seed: UInt64, recording: Bool)
  /// Writes one step (never called after `.error` or `.finish`).
  mutating func write(_ step: Step, into items: inout [WireItem])
  /// Writes whatever the writer holds back (a Gemini chunk waiting for its finishReason).
  mutating func flush(into items: inout [WireItem])
  /// What has been written so far.
  var written: Written { get }
  /// Bytes of text the writer keeps for events still to come (besides ``written``).
  var heldBytes: Int { get }
}

extension ProviderWriter {
  var heldBytes: Int { 0 }
}

/// What a writer has written so far, as a reader must see it.
struct Written: Sendable {
  /// Whether the text and calls are kept (not for streams written only for their bytes).
  var recording = true
  /// Calls started so far.
  var callCount = 0
  var answer = ""
  /// Calls in start order.
  var calls: [IntendedCall] = []
  /// Position in ``calls`` of each started call, by call index.
  var position: [Int: Int] = [:]
  /// Calls whose argument text is all written.
  var argumentsComplete: Set<Int> = []
  /// Call indexes in the order they got their end signal.
  var endOrder: [Int] = []
  var error: ProviderError?
  var finishes: [Finish] = []
  var terminated = false
  /// Dialect keys of the calls started, in start order, and of those that got their end
  /// signal (a set: ending every call of a big turn stays O(calls)).
  var startedKeys: [String] = []
  var endedKeys: Set<String> = []
  /// Dialect keys of the calls that never got their end signal, in start order.
  var openCalls: [CallKey] { startedKeys.filter { !endedKeys.contains($0) }.map { CallKey($0) } }
  /// Anthropic blocks never stopped.
  var openBlocks: [String] = []

  mutating func addAnswer(_ piece: String) {
    if recording { answer += piece }
  }

  mutating func start(_ index: Int, name: String, id: String?, key: String? = nil) {
    callCount += 1
    guard recording else { return }
    position[index] = calls.count
    calls.append(IntendedCall(name: name, callId: id, arguments: "", ended: false))
    if let key { startedKeys.append(key) }
  }

  mutating func append(_ index: Int, _ fragment: String) {
    if recording, let i = position[index] { calls[i].arguments += fragment }
  }

  mutating func end(_ index: Int, key: String? = nil) {
    guard recording else { return }
    if let i = position[index] {
      calls[i].ended = true
      endOrder.append(index)
    }
    if let key { endedKeys.insert(key) }
  }

  /// The stream's status, classified from the state as a dialect's end would be.
  func status(_ kind: DialectKind) -> StreamStatus {
    StreamStatus(DialectEnd(kind: kind, terminated: terminated, finishes: finishes, error: error,
                            openCalls: openCalls, openBlocks: openBlocks, offset: 0))
  }
}

/// Ids and padding as providers spell them, drawn from the writer's generator.
extension SplitMix64 {
  /// OpenAI's `obfuscation` padding: a random-length base62 string.
  mutating func obfuscation() -> String { token(within(3...15)) }
}
