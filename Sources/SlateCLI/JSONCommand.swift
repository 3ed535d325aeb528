import ArgumentParser
import SlateJSON

/// `slate json FILE|-`: parse one JSON document with simdjson and print it canonically.
struct JSONCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "json",
    abstract: "Parse one JSON document and print it in canonical form.",
    discussion: """
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

  @Flag(help: "One JSON object saying whether the document is valid.")
  var json = false

  @OptionGroup var output: OutputOptions

  func run() throws {
    // The document is read block by block straight into simdjson's padded buffer: one copy
    // of the input in memory, not two.
    var document = PaddedBytes()
    var input = InputReader(path)
    input.forEachBlock { document.append($0) }
    let parser = SimdjsonParser(limits: JSONLimits(maxDepth: maxDepth, maxBytes: max(document.count, JSONLimits.default.maxBytes)))
    let out = output.writer(input: path)
    defer { out.flush() }
    var line = JSONLine()
    do {
      let value = try parser.parse(document)
      if json {
        line.add("valid", true)
        line.add("value", value)
        out.line(line.text)
      } else {
        out.line(value.canonicalString)
      }
      // The last reference: freed without recursion, at any depth the limit allows.
      JSONValue.release(consume value)
    } catch {
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
  }
}
