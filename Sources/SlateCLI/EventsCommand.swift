import ArgumentParser
import SlateJSON
import SlateSSE
import SlateTurn

/// `slate events [FILE|-]`: parse a `text/event-stream` and list what the parser reports.
struct EventsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "events",
    abstract: "Parse a text/event-stream (SSE) and list its events, comments and diagnostics.",
    discussion: """
      Feeds the input to the incremental parser whole, or in chunks (--chunk-size N; random \
      sizes from 1 to N with --chunk-seed S) to reproduce how a network split it: the result \
      is the same for every chunking.

      With --json, prints one JSON object per line: kind "event" (type, data, id, retry, \
      offset, end), "comment" (text, offset), "diagnostic" (code, severity, offset, \
      message), and last "summary" (events, lastEventId, retry, bytes). Offsets are bytes \
      in the raw stream; retry is null until the stream sets it.

      Exit codes: 0 no error diagnostic; 1 an error diagnostic (an event cut off by the end \
      of the stream, a limit); 2 usage or I/O errors.
      """
  )

  @Argument(help: "The stream to parse, or - for standard input.")
  var path: String = "-"

  @OptionGroup var chunking: ChunkingOptions

  @OptionGroup var output: OutputOptions

  @Flag(name: .customLong("flush-on-eof"), help: "Dispatch an event the stream ends inside of, instead of discarding it.")
  var flushOnEOF = false

  @Flag(help: "One JSON object per line instead of a readable listing.")
  var json = false

  @Option(parsing: .unconditional, help: "The longest line in bytes (1 to 2^40).", transform: OptionValues.integer(OptionRanges.bytes))
  var maxLineBytes = SSELimits.default.maxLineBytes

  @Option(parsing: .unconditional, help: "The largest event data in bytes (1 to 2^40).", transform: OptionValues.integer(OptionRanges.bytes))
  var maxEventBytes = SSELimits.default.maxEventDataBytes

  func run() throws {
    var input = InputReader(path)
    let limits = SSELimits(maxLineBytes: maxLineBytes, maxEventDataBytes: maxEventBytes)
    var parser = SSEParser(options: SSEParser.Options(limits: limits, flushOnEOF: flushOnEOF))
    var report = EventsReport(json: json, out: output.writer(input: path))
    var outputs: [SSEOutput] = []
    input.forEachChunk(chunking.chunking) { chunk in
      parser.feed(chunk, into: &outputs)
      report.write(outputs)
      outputs.removeAll(keepingCapacity: true)
    }
    parser.finish(into: &outputs)
    report.write(outputs)
    report.writeSummary(lastEventId: parser.lastEventId, retry: parser.retry, bytes: input.bytesRead)
    report.out.flush()
    if report.errors > 0 { throw ExitCode(1) }
  }
}

/// Prints parser outputs as JSON lines or a readable listing, counting what it printed.
struct EventsReport {
  let json: Bool
  private(set) var events = 0
  private(set) var errors = 0
  private(set) var warnings = 0
  let out: OutputWriter

  init(json: Bool, out: OutputWriter) {
    self.json = json
    self.out = out
  }

  mutating func write(_ outputs: [SSEOutput]) {
    for output in outputs {
      switch output {
      case .event(let event):
        events += 1
        let end = event.byteRange.upperBound
        if json {
          emit(event.jsonLine.text)
        } else {
          emit("event \(quoted(event.type)) bytes \(event.byteRange.lowerBound)..<\(end) id \(quoted(event.lastEventId)) "
            + "retry \(number(event.retry))\n  data \(quoted(event.data))")
        }
      case .comment(let comment):
        emit(json ? comment.jsonLine.text
                  : "comment at byte \(comment.offset): \(quoted(comment.text))")
      case .diagnostic(let diagnostic):
        if diagnostic.severity == .error { errors += 1 } else { warnings += 1 }
        emit(json ? diagnostic.jsonLine.text : diagnostic.description)
      }
    }
  }

  func writeSummary(lastEventId: String, retry: Int?, bytes: Int) {
    emit(json ? JSONLine.sseSummary(events: events, lastEventId: lastEventId, retry: retry, bytes: bytes).text
              : "summary: events \(events), errors \(errors), warnings \(warnings), "
                + "last event id \(quoted(lastEventId)), retry \(number(retry)), bytes \(bytes)")
  }

  private func emit(_ line: String) { out.line(line) }

  /// A JSON string literal (control characters, quotes and backslashes escaped).
  private func quoted(_ text: String) -> String {
    var out: [UInt8] = []
    JSONValue.writeCanonicalString(text, into: &out)
    return String(decoding: out, as: UTF8.self)
  }

  private func number(_ value: Int?) -> String { value.map(String.init) ?? "null" }
}
