import Foundation
import SlateStream
import SlateJSON
import SlateSSE
import SlateTestSupport
import Testing

/// What each real recording in `../shared/corpus-real` must give, from its MANIFEST notes
/// and provider-streams.md: the stream status, the client tool calls by name, the text
/// channels that carry text, and the warnings the dialect must raise (and no others).
struct RecordingExpectation: CustomTestStringConvertible, Sendable {
  enum Status: Equatable, Sendable {
    case complete
    case truncated(TruncationReason)
    case failed(kind: String)
  }

  var file: String
  var status: Status
  var calls: [String] = []
  /// Calls cut by the stream's end: never ended, arguments not a complete document.
  var cutCalls: Set<String> = []
  var channels: Set<Channel.Kind> = []
  var serverTools: [String] = []
  var warnings: [String] = []

  var testDescription: String { file }
}

@Suite struct RecordingTests {
  typealias E = RecordingExpectation

  static let expectations: [RecordingExpectation] = [
    E(file: "openai-chat/azure-openai-prompt-filter-first-chunk.sse", status: .complete, channels: [.answer]),
    E(file: "openai-chat/groq-event-error-tool-use-failed.sse", status: .failed(kind: "invalid_request_error"),
      channels: [.reasoning], warnings: ["dialect.no_terminal_event"]),
    E(file: "openai-chat/groq-tool-call-single-chunk.sse", status: .complete, calls: ["weather"]),
    E(file: "openai-chat/mistral-tool-call-empty-name-continuation.sse", status: .complete, calls: ["webSearchTool"]),
    E(file: "openai-chat/openai-gpt4o-final-result-json-args.sse", status: .complete, calls: ["final_result"]),
    E(file: "openai-chat/openai-gpt4o-finish-length-truncated.sse", status: .truncated(.finishReason("length")), channels: [.answer]),
    E(file: "openai-chat/openai-gpt4o-n3-interleaved-choices.sse", status: .complete, channels: [.answer]),
    E(file: "openai-chat/openai-gpt4o-parallel-tools-obfuscation.sse", status: .complete, calls: ["get_country", "get_product_name"]),
    E(file: "openai-chat/openai-gpt4o-refusal-deltas.sse", status: .complete, channels: [.refusal]),
    E(file: "openai-chat/openai-gpt4o-two-parallel-tool-calls-usage.sse", status: .complete, calls: ["GetWeatherArgs", "get_stock_price"]),
    E(file: "openai-chat/openrouter-processing-comments-midstream-error.sse", status: .failed(kind: "400"), channels: [.reasoning]),
    E(file: "openai-chat/openrouter-text-comments-usage-in-finish-chunk.sse", status: .complete, channels: [.answer]),

    E(file: "openai-responses/azure-function-call-obfuscation.sse", status: .complete, calls: ["weather"]),
    E(file: "openai-responses/deepseek-responses-reasoning-text-function-call.sse", status: .complete, calls: ["get_temperature"],
      channels: [.reasoning]),
    E(file: "openai-responses/openai-error-event-then-response-failed.sse", status: .failed(kind: "insufficient_quota")),
    E(file: "openai-responses/openai-function-call-no-sequence-number.sse", status: .complete, calls: ["get_capital"]),
    E(file: "openai-responses/openai-reasoning-summary-then-function-call.sse", status: .complete, calls: ["calculator"],
      channels: [.reasoning]),
    E(file: "openai-responses/openai-text-then-function-call-seqnum.sse", status: .complete, calls: ["get_capital"], channels: [.answer]),
    E(file: "openai-responses/openrouter-responses-data-only-done.sse", status: .complete, channels: [.answer, .reasoning]),

    E(file: "anthropic/sonnet37-tool-use-cut-by-max-tokens.sse", status: .truncated(.finishReason("max_tokens")),
      calls: ["make_file"], cutCalls: ["make_file"], channels: [.answer],
      warnings: ["dialect.block_not_stopped", "dialect.call_not_ended"]),
    E(file: "anthropic/sonnet4-text-then-tool-use.sse", status: .complete, calls: ["get_weather"], channels: [.answer]),
    E(file: "anthropic/sonnet4-thinking-signature-then-text.sse", status: .complete, channels: [.reasoning, .signature, .answer]),
    E(file: "anthropic/sonnet45-text-tool-use-server-tool-use.sse", status: .complete, calls: ["readNoteTree"], channels: [.answer],
      serverTools: ["tool_search_tool_regex"]),
    E(file: "anthropic/sonnet45-tool-use-empty-input.sse", status: .complete, calls: ["updateIssueList"], channels: [.answer]),
    E(file: "anthropic/synthetic-error-overloaded.sse", status: .failed(kind: "overloaded_error"), warnings: ["dialect.no_terminal_event"]),

    E(file: "gemini/gemini20-function-call-whole.sse", status: .complete, calls: ["get_capital"]),
    E(file: "gemini/gemini20-text-crlf.sse", status: .complete, channels: [.answer]),
    E(file: "gemini/gemini25-thought-parts-then-text.sse", status: .complete, channels: [.reasoning, .answer, .signature]),
    E(file: "gemini/gemini3-function-call-thought-signature.sse", status: .complete, calls: ["get_country"], channels: [.signature]),
    E(file: "gemini/vertex-gemini31-streamed-partial-args.sse", status: .complete, calls: ["getWeather", "getWeather"],
      channels: [.signature]),
  ]

  /// The recordings folder, or nil (with a printed reason) when `../shared` is absent.
  static var corpus: URL? {
    guard let shared = SharedFixtures.shared else {
      print("skipping: ../shared is absent, so the corpus-real recordings cannot be read")
      return nil
    }
    return shared.appendingPathComponent("corpus-real")
  }

  /// The recording's events, read by the SSE parser with flush at EOF (two Anthropic
  /// recordings end without the final blank line).
  static func events(of bytes: [UInt8]) -> [DialectEvent] {
    var parser = SSEParser(options: SSEParser.Options(flushOnEOF: true))
    var outputs = parser.feed(bytes)
    outputs += parser.finish()
    return outputs.compactMap(\.event).map {
      DialectEvent(type: $0.type, data: $0.data, offset: $0.byteRange.lowerBound, end: $0.byteRange.upperBound)
    }
  }

  @Test func everyRecordingHasAnExpectation() throws {
    guard let corpus = Self.corpus else { return }
    let manifest = try SimdjsonParser().parse(Array(Data(contentsOf: corpus.appendingPathComponent("MANIFEST.json"))))
    let listed = Set((manifest["files"]?.arrayValue ?? []).compactMap { $0["file"]?.stringValue })
    var onDisk = Set<String>()
    for dialect in ["openai-chat", "openai-responses", "anthropic", "gemini"] {
      for url in SharedFixtures.files(in: "corpus-real/\(dialect)", suffix: ".sse") ?? [] {
        onDisk.insert("\(dialect)/\(url.lastPathComponent)")
      }
    }
    #expect(listed.count == 30)
    #expect(onDisk == listed)
    #expect(Set(Self.expectations.map(\.file)) == listed)
  }

  @Test(arguments: RecordingTests.expectations)
  func recording(_ expected: RecordingExpectation) throws {
    guard let corpus = Self.corpus else { return }
    let bytes = Array(try Data(contentsOf: corpus.appendingPathComponent(expected.file)))
    let manifest = try SimdjsonParser().parse(Array(Data(contentsOf: corpus.appendingPathComponent("MANIFEST.json"))))
    let entry = manifest["files"]?.arrayValue?.first { $0["file"]?.stringValue == expected.file }
    let kind = try #require(entry?["dialect"]?.stringValue.flatMap(DialectKind.init(rawValue:)))

    #expect(DialectDetector.inputFormat(of: bytes.prefix(64), atEnd: false) == .eventStream)
    let events = Self.events(of: bytes)
    let t = Transcript(try #require(kind.makeDialect()), events, endingAt: bytes.count)

    // `auto` detects the manifest's dialect and produces exactly the same outputs.
    let auto = Transcript(AutoDialect(), events, endingAt: bytes.count)
    #expect(auto.end.kind == kind)
    #expect(auto.outputs.map(\.description) == t.outputs.map(\.description))

    #expect(!t.codes.contains("dialect.invalid_payload"))
    #expect(t.problems.sorted() == expected.warnings.sorted())
    #expect(t.contractViolations.isEmpty)

    switch (t.status, expected.status) {
    case (.failed(let kind, let message), .failed(let expectedKind)):
      #expect(kind == expectedKind)
      #expect(!message.isEmpty)
    default:
      #expect(t.status == StreamStatus(expected: expected.status))
    }

    #expect(t.calls.map(\.name) == expected.calls)
    for call in t.calls {
      if expected.cutCalls.contains(call.name) {
        #expect(!call.ended)
        #expect(parsedJSON(call.arguments) == nil)
      } else {
        #expect(call.ended)
        #expect(parsedJSON(call.arguments) != nil, "arguments of \(call.name) are not JSON: \(call.arguments)")
      }
    }
    #expect(t.serverTools.map(\.name) == expected.serverTools)
    for use in t.serverTools { #expect(parsedJSON(use.input) != nil) }

    for channel in Channel.Kind.allCases {
      #expect(t.text(channel).isEmpty != expected.channels.contains(channel), "channel \(channel)")
    }
    // Every delta points into the recording, at the start of an event.
    let starts = Set(events.map(\.offset))
    #expect(t.deltas.allSatisfy { starts.contains($0.offset) })
  }

  @Test func recordingDetails() throws {
    guard let corpus = Self.corpus else { return }
    func transcript(_ file: String, _ kind: DialectKind) throws -> Transcript {
      let bytes = Array(try Data(contentsOf: corpus.appendingPathComponent(file)))
      return Transcript(try #require(kind.makeDialect()), Self.events(of: bytes), endingAt: bytes.count)
    }
    // n = 3: each choice's text is its own JSON document.
    let n3 = try transcript("openai-chat/openai-gpt4o-n3-interleaved-choices.sse", .openaiChat)
    for choice in 0..<3 { #expect(parsedJSON(n3.text(.answer, choice: choice))?.objectValue != nil) }
    #expect(n3.finishes.map(\.choice) == [0, 1, 2])

    // Anthropic empty input: the arguments are {}.
    let empty = try transcript("anthropic/sonnet45-tool-use-empty-input.sse", .anthropic)
    #expect(empty.calls.first?.arguments == "{}")

    // Vertex: the two calls' assembled arguments.
    let vertex = try transcript("gemini/vertex-gemini31-streamed-partial-args.sse", .gemini)
    #expect(vertex.calls.map(\.arguments) == [#"{"location":"Boston"}"#, #"{"location":"San Francisco"}"#])

    // Mistral: the empty name on the continuation did not overwrite the name.
    let mistral = try transcript("openai-chat/mistral-tool-call-empty-name-continuation.sse", .openaiChat)
    #expect(mistral.calls.first?.arguments == #"{"query": "current Berlin weather"}"#)

    // Gemini CRLF text.
    let crlf = try transcript("gemini/gemini20-text-crlf.sse", .gemini)
    #expect(crlf.text(.answer) == "The capital of France is Paris.\n")

    // OpenRouter Responses: the answer is "4", its reasoning kept apart.
    let openRouter = try transcript("openai-responses/openrouter-responses-data-only-done.sse", .openaiResponses)
    #expect(openRouter.text(.answer) == "4")

    // Groq puts usage only in x_groq.usage.
    let groq = try transcript("openai-chat/groq-tool-call-single-chunk.sse", .openaiChat)
    #expect(groq.usages.count == 1)
  }
}

extension StreamStatus {
  init(expected: RecordingExpectation.Status) {
    switch expected {
    case .complete: self = .complete
    case .truncated(let reason): self = .truncated(reason)
    case .failed(let kind): self = .failed(kind: kind, message: "")
    }
  }
}
