import ArgumentParser
import SlateJSON

/// `slate json FILE|-`: check one JSON document as it arrives, then print it canonically.
struct JSONCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "json",
    abstract: "Parse one JSON document and print it in canonical form.",
    discussion: """
      The input is read in 64 KiB blocks as it arrives and checked as it comes (the incremental framer, \
      `value` framing): the first error ends the command without reading further, and the document is held \
      only up to --max-value-bytes (past it, json.value_too_large at that byte).
      On a syntax error, prints `CODE at byte OFFSET: MESSAGE` to standard error and exits 1.
      With --json, one object instead: {"valid":true,"value":v} or {"valid":false,"code":c,"offset":o,"message":m}.
      Exit codes: 0 valid; 1 invalid JSON; 2 usage or I/O errors.
      """
  )

  @Argument(help: "The file to parse, or - for standard input.")
  var path: String

  @Option(parsing: .unconditional, help: "Deepest nesting of arrays and objects (1 to 1000000).",
          transform: OptionValues.integer(OptionRanges.depth))
  var maxDepth: Int = JSONLimits.default.maxDepth

  @Option(parsing: .unconditional, help: "Largest document, in bytes (1 to 2^40; default 64 MiB).",
          transform: OptionValues.integer(OptionRanges.bytes))
  var maxValueBytes: Int = JSONLimits.default.maxBytes

  @Flag(help: "One JSON object saying whether the document is valid.")
  var json = false

  @OptionGroup var output: OutputOptions

  func run() throws {
    let out = output.writer(input: path)
    defer { out.flush() }
    var line = JSONLine()
    let value: JSONValue
    switch Self.read(path, limits: FramerLimits(maxDepth: maxDepth, maxValueBytes: maxValueBytes)) {
    case .success(let read):
      value = read
    case .failure(let error):
      if json {
        line.add("valid", false)
        line.add("code", .string(error.code.rawValue))
        line.add("offset", .number(JSONNumber(error.offset)))
        line.add("message", .string(error.message))
        out.line(line.text)
      } else {
        CLIIO.printError("\(error.code.rawValue) at byte \(error.offset): \(error.message)")
      }
      throw ExitCode(1)
    }
    if json {
      line.add("valid", true)
      line.add("value", value)
      out.line(line.text)
    } else {
      out.line(value.canonicalString)
    }
    // The last reference: freed without recursion, at any depth the limit allows.
    JSONValue.release(consume value)
  }

  /// What reading the input gave: its value, or the error that stopped it.
  enum Outcome {
    case success(JSONValue)
    case failure(FramerDiagnostic)
  }

  /// The one JSON value of the input at `path`, read block by block through a framer in
  /// `value` framing (with simdjson materialising the value as it completes), or the first
  /// error: the framer's (code and offset as the one-shot parser reports them, see
  /// ``JSONFramer``), a number simdjson cannot hold, or `json.truncated` for an input of
  /// only whitespace. Stops reading at the first error. Memory: the value's bytes (at most
  /// `limits.maxValueBytes`), its tape and its `JSONValue`; never more of the input.
  static func read(_ path: String, limits: FramerLimits) -> Outcome {
    var framer = JSONFramer(framing: .value, limits: limits, announcements: nil,
                            parser: SimdjsonParser(limits: limits.parserLimits))
    var events: [FramerEvent] = []
    var value: JSONValue?
    let reader = BlockReader(path)
    func take() -> FramerDiagnostic? {
      for event in events {
        switch event {
        case .value(let framed): value = framed.value
        case .diagnostic(let diagnostic): return diagnostic
        case .started: break
        }
      }
      events.removeAll(keepingCapacity: true)
      return nil
    }
    while let block = reader.next() {
      framer.feed(block, into: &events)
      if let failure = take() { return .failure(failure) }
    }
    framer.finish(into: &events)
    if let failure = take() { return .failure(failure) }
    guard let value else {
      return .failure(FramerDiagnostic(code: .jsonTruncated, offset: framer.bytesFed,
                                       message: "input ended too soon: expected a value, found the end of the input"))
    }
    return .success(value)
  }
}
