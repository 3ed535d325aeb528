import ArgumentParser
import Slate
import SlateJSON
import SlateSchema

/// `slate actions PATH|- [--dialect D] [--schema PACK]`: run a provider stream through the
/// action stream (and a schema pack), feeding it in chunks, and list values or actions,
/// early announcements and diagnostics as they come.
struct ActionsCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "actions",
    abstract: "List the actions of a provider stream, as they would arrive in chunks.",
    discussion: """
      With --json, one object per line:
        {"kind":"started","channel":c,"streamOffset":r,"offset":o,"type":t,"keys":{…}[,"callId":id]}
          an answer-text object whose discriminator and key fields are complete, or a tool call that started;
        {"kind":"value","index":i,"channel":c,"streamOffset":r,"offset":o[,"type":t,"callId":id],"value":v}
          a committed value (v canonical; type and callId for tool calls) — without --schema;
        {"kind":"action","index":i,…,"type":t,"key":"scene:s12","keyDigest":h,"queue":q,"effects":[…],"phase":p,"payload":v}
        {"kind":"rejected","index":i,…,"type":t,"errors":[{"code","keyword","instancePath","schemaPath","params","message","range"}…],"text":s}
          with --schema: each value validated against the pack;
        {"kind":"diagnostic","code":c,"severity":s[,"channel":c],"streamOffset":r[,"offset":o],"message":m}
        {"kind":"summary","dialect":d,"values":n,["actions":n,"rejected":n,"batches":n,]"diagnostics":n,"errors":n,
         "status":"complete"|"truncated"|"failed"[,"reason":r],"finishReason":f|null[,"error":{…},"valuesBeforeError":n]}
      channel is "answer" (or "answer[n]" for choice n) or "call:KEY"; streamOffset is the byte offset in the raw
      stream of the event that completed or broke the item; offset is the byte offset in the channel's text.
      PATH may be an http:// or https:// URL (see `slate serve`): the body is read as it arrives; every line then \
      ends with "elapsed_ms":n (text: +n ms), the time since the request went out; a non-2xx status, a content type \
      other than text/event-stream (text/plain too for --dialect text), no response, or a connection cut mid-body \
      are the diagnostics http.status, http.content_type, http.connect and http.reset (a cut body is truncated \
      exactly as the file cut there).
      Exit codes: 0 a clean, complete stream (no error diagnostic, no rejection); 1 a truncated or failed stream,
      an error diagnostic or a rejected action; 2 usage or I/O errors.
      """
  )

  @Argument(help: "The stream to read: a file, - for standard input, or an http:// or https:// URL.")
  var path: String = "-"

  @Option(help: "auto, openai-chat, openai-responses, anthropic, gemini, or text (the input is the answer text itself).")
  var dialect: String = "auto"

  @Option(help: "How answer text becomes values: auto (JSON when it starts with [ or {, else prose), none, array, sequence, value, or field:NAME.")
  var framing: String = "auto"

  @Option(help: "Validate each value against this schema pack (a JSON document).")
  var schema: String?

  @Flag(help: "With --schema: validate strictly, without the pack's coercions.")
  var noCoerce = false

  @OptionGroup var chunking: ChunkingOptions

  @OptionGroup var output: OutputOptions

  @Flag(help: "One JSON object per line.")
  var json = false

  @Option(help: "The member naming an object's action, announced early (default: the pack's, else type).")
  var discriminator: String?

  @Option(name: .customLong("key-field"), help: "A top-level member announced with the discriminator (repeatable).")
  var keyFields: [String] = []

  @Option(parsing: .unconditional, help: "Deepest nesting of arrays and objects (1 to 1000000).",
          transform: OptionValues.integer(OptionRanges.depth))
  var maxDepth: Int = FramerLimits.default.maxDepth

  @Option(parsing: .unconditional,
          help: "Deepest nesting of schema evaluations, a $ref or applicator in place or a member or item (1 to 10000000; default 128).",
          transform: OptionValues.integer(OptionRanges.evaluationDepth))
  var maxEvaluationDepth: Int = ValidationOptions.default.maxDepth

  @Option(parsing: .unconditional, help: "Largest value, in bytes (1 to 2^40).", transform: OptionValues.integer(OptionRanges.bytes))
  var maxValueBytes: Int = FramerLimits.default.maxValueBytes

  @Option(parsing: .unconditional, help: "Most values in one framed text (1 to 2^40).",
          transform: OptionValues.integer(OptionRanges.count))
  var maxValues: Int = FramerLimits.default.maxValues

  @Option(parsing: .unconditional, help: "Most actions in the stream (1 to 2^40).", transform: OptionValues.integer(OptionRanges.count))
  var maxActions: Int = ActionStreamOptions.default.maxActions

  func validate() throws {
    guard DialectKind(rawValue: dialect) != nil else {
      throw ValidationError("unknown dialect '\(dialect)'; use one of \(DialectKind.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    guard TextFraming(framing) != nil else {
      throw ValidationError("unknown framing '\(framing)'; use auto, none, array, sequence, value or field:NAME")
    }
  }

  /// The pipeline this invocation describes (reads and compiles the pack; exit 2 when it
  /// cannot).
  func setup() throws -> ActionsSetup {
    let limits = FramerLimits(maxDepth: maxDepth, maxValueBytes: maxValueBytes, maxValues: maxValues)
    let pack = try schema.map { try CLIIO.compilePack($0) }
    let rule = AnnouncementRule(discriminator: discriminator ?? pack?.pack.discriminator ?? "type", keyFields: keyFields)
    let options = ActionStreamOptions(dialect: DialectKind(rawValue: dialect)!, textFraming: TextFraming(framing)!,
                                      framerLimits: limits, announcements: rule, maxActions: maxActions,
                                      emitsDeltas: false)
    return ActionsSetup(options: options, pack: pack, validation: ValidationOptions(applyCoercions: !noCoerce, maxDepth: maxEvaluationDepth))
  }

  func run() async throws {
    if URLInput.isURL(path) { return try await URLInput.actions(self) }
    let setup = try setup()
    var input = InputReader(path)
    let out = output.writer(input: path)
    var run = setup.start(json: json)
    input.forEachChunk(chunking.chunking) { run.feed($0, out.line) }
    let summary = run.finish(out.line)
    out.flush()
    if !summary.isClean { throw ExitCode(1) }
  }
}
