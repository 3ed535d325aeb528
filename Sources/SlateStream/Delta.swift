import SlateJSON

/// What one provider event contributed to the turn, in the vocabulary every dialect shares.
///
/// A dialect turns each event of a provider stream into zero or more deltas, in the order
/// the event's content implies. Every delta carries ``offset``: the byte offset, in the raw
/// stream, of the start of the event that produced it (for ``TextDialect``, of the bytes it
/// decoded). Text on one ``Channel`` concatenates to that channel's text; argument fragments
/// of one ``CallKey`` concatenate to that call's argument text, which is a JSON document
/// once the call has ended (unless the model wrote invalid JSON, or the stream was cut).
public struct Delta: Sendable, Equatable, CustomStringConvertible {
  public var kind: Kind
  /// Raw-stream byte offset of the event that produced this delta.
  public var offset: Int

  public init(_ kind: Kind, offset: Int) {
    self.kind = kind
    self.offset = offset
  }

  public enum Kind: Sendable, Equatable {
    /// A fragment of text on a channel (answer, refusal, reasoning, signature).
    case text(Channel, DeltaText)
    /// A client tool call the application must run has started; its name is known.
    case toolCallStarted(ToolCallStart)
    /// A fragment of a started call's argument text (JSON text, split anywhere).
    case toolArguments(CallKey, DeltaText)
    /// The provider's end signal for the call: no more fragments will come.
    case toolCallEnded(CallKey)
    /// A tool the provider ran itself (Anthropic `server_tool_use`): reported, never an action.
    case serverToolUse(ServerToolUse)
    /// Token usage as the provider reports it (shape differs per provider; built into a
    /// ``JSONValue`` only when read: ``ProviderUsage/value``).
    case usage(ProviderUsage)
    /// A choice or candidate stopped, with the provider's reason.
    case finish(Finish)
    /// The provider reported an error inside the stream.
    case providerError(ProviderError)
    /// The provider's terminal event (`[DONE]`, `message_stop`, `response.completed` …).
    case terminal(String)
    /// An event that may have carried text or argument bytes could not be read (its data
    /// is not JSON, or the SSE layer discarded it): the channels in the scope are not
    /// contiguous across this point (``GapScope``). Never emitted for an event the
    /// dialect would have ignored anyway (after `[DONE]`, or after a Responses terminal event).
    case gap(GapScope)
  }

  public var description: String {
    switch kind {
    case .text(let channel, let text): "@\(offset) text \(channel) \(JSONValue.string(text.string).canonicalString)"
    case .toolCallStarted(let start): "@\(offset) call started \(start.key) \(start.name) id=\(start.callId ?? "-")"
    case .toolArguments(let key, let text): "@\(offset) call arguments \(key) \(JSONValue.string(text.string).canonicalString)"
    case .toolCallEnded(let key): "@\(offset) call ended \(key)"
    case .serverToolUse(let use): "@\(offset) server tool \(use.key) \(use.name) \(use.input)"
    case .usage(let usage): "@\(offset) usage \(usage)"
    case .finish(let finish): "@\(offset) finish choice=\(finish.choice) \(finish.reason)\(finish.truncated ? " (truncated)" : "")"
    case .providerError(let error): "@\(offset) provider error \(error.kind): \(error.message)"
    case .terminal(let name): "@\(offset) terminal \(name)"
    case .gap(let scope): "@\(offset) gap \(scope)"
    }
  }
}

/// What a ``Delta/Kind/gap(_:)`` may have cut.
///
/// A lost event's content cannot be known, so in every dialect an unreadable event is
/// ``any``: it may have carried answer text of any choice (the first bytes of a choice's
/// text included) and argument bytes of any call open at that point. A dialect whose calls
/// can continue across a lost event without a provable start (Chat Completions, where a
/// call's first fragment carries its name) also names each such call with ``call(_:)``
/// right after it starts.
public enum GapScope: Sendable, Equatable, CustomStringConvertible {
  /// Every channel: the answer text of every choice, now and later, and every call open.
  case any
  /// One call, whose earlier fragments may have been in a lost event.
  case call(CallKey)

  public var description: String {
    switch self {
    case .any: "any"
    case .call(let key): "call \(key)"
    }
  }
}

/// Where a text fragment belongs.
///
/// `choice` is the choice (Chat Completions `choices[].index`) or candidate (Gemini) the
/// text belongs to; dialects with a single answer use 0. `part` names the finer position
/// where the dialect has one: the Responses `item_id:content_index` (`item_id:s<n>` for a
/// reasoning summary part), the Anthropic content block `message.index`; it is empty for
/// Chat Completions and Gemini, whose text on one choice is one run.
public struct Channel: Hashable, Sendable, CustomStringConvertible {
  public enum Kind: String, Sendable, CaseIterable {
    /// Answer text: the text the action framer reads.
    case answer
    /// Refusal text (`delta.refusal`, `response.refusal.delta`).
    case refusal
    /// Reasoning or thinking text, never answer text.
    case reasoning
    /// Opaque reasoning signatures (Anthropic `signature_delta`, Gemini `thoughtSignature`).
    case signature
  }

  public var kind: Kind
  public var choice: Int
  public var part: String

  public init(_ kind: Kind, choice: Int = 0, part: String = "") {
    self.kind = kind
    self.choice = choice
    self.part = part
  }

  public var description: String { part.isEmpty ? "\(kind.rawValue)[\(choice)]" : "\(kind.rawValue)[\(choice)]/\(part)" }
}

/// A stable key for one tool call within one stream: every start, fragment and end of the
/// call carries the same key, and no two calls of a stream share one.
///
/// Dialect-specific spelling: Chat Completions `choice.index` (`choice.index~n` for the
/// n-th call reusing an index, `choice.id:<id>` when the index is missing), Responses the
/// `item_id`, Anthropic `message.block`, Gemini `candidate.ordinal`.
public struct CallKey: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
  public var rawValue: String

  public init(_ rawValue: String) { self.rawValue = rawValue }
  public init(stringLiteral value: String) { self.rawValue = value }

  public var description: String { rawValue }
}

/// The binding of a client tool call, known when it starts.
public struct ToolCallStart: Sendable, Equatable {
  public var key: CallKey
  /// The tool (function) name; empty only when the provider never sent one (with a
  /// `dialect.call_without_name` diagnostic).
  public var name: String
  /// The provider's call id (`call_…`, `toolu_…`, Gemini `functionCall.id`), when sent.
  public var callId: String?
  /// The choice or candidate the call belongs to (0 for single-answer dialects).
  public var choice: Int

  public init(key: CallKey, name: String, callId: String?, choice: Int = 0) {
    self.key = key
    self.name = name
    self.callId = callId
    self.choice = choice
  }
}

/// A tool the provider ran on its side (Anthropic `server_tool_use`): its input is reported
/// whole when its block stops. The application must not run it.
public struct ServerToolUse: Sendable, Equatable {
  public var key: CallKey
  public var name: String
  public var callId: String?
  /// The input JSON text as streamed (`{}` when nothing was streamed).
  public var input: String

  public init(key: CallKey, name: String, callId: String?, input: String) {
    self.key = key
    self.name = name
    self.callId = callId
    self.input = input
  }
}

/// A stop of one choice or candidate.
public struct Finish: Sendable, Equatable {
  public var choice: Int
  /// The provider's own reason string (`stop`, `length`, `tool_calls`, `end_turn`,
  /// `max_tokens`, `STOP`, `MAX_TOKENS`, the Responses status or incomplete reason …).
  public var reason: String
  /// True when the reason means the output was cut by a limit, so the last value may be
  /// incomplete (``isTruncating(_:)``, and every Responses `response.incomplete`).
  public var truncated: Bool

  public init(choice: Int, reason: String, truncated: Bool) {
    self.choice = choice
    self.reason = reason
    self.truncated = truncated
  }

  /// Reasons that mean "stopped by a length limit" across the dialects: Chat `length`,
  /// Anthropic `max_tokens` and `model_context_window_exceeded`, Gemini `MAX_TOKENS`,
  /// Responses `max_output_tokens`.
  public static func isTruncating(_ reason: String) -> Bool {
    switch reason {
    case "length", "max_tokens", "MAX_TOKENS", "model_context_window_exceeded", "max_output_tokens": true
    default: false
    }
  }
}
