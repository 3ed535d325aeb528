import ArgumentParser
import Slate
import SlateDispatch
import SlateJSON

#if HTTP
  import SlateHTTP
  import SlateNIO
  import Synchronization
#endif

/// The URL input of `slate actions` and `slate replay` (with the package trait `HTTP`, see
/// Package.swift; without it a URL is exit 2 naming the trait, never read as a file name).
enum URLInput {
  /// Whether `path` is a URL rather than a file.
  static func isURL(_ path: String) -> Bool { path.hasPrefix("http://") || path.hasPrefix("https://") }
}

#if HTTP
/// Where a command that reads a stream file also reads an `http://` or `https://` URL: the
/// response is fetched with AsyncHTTPClient (``HTTPStream``) and its body's `ByteBuffer`s
/// go into the pipeline as they arrive, read in place (never the whole body in memory).
/// The one seam `slate actions` and `slate replay` call (`if URLInput.isURL(path) …`).
///
/// HTTP problems are diagnostics with codes (``DiagnosticCode/httpStatus``,
/// ``DiagnosticCode/httpContentType``, ``DiagnosticCode/httpConnect``,
/// ``DiagnosticCode/httpReset``) and exit 1; a body cut mid-stream is a truncation exactly
/// as the file cut at that byte. Every output line of a URL read carries the time since the
/// request went out (`"elapsed_ms"` in JSON, ` +N ms` in text); file input is unchanged.
extension URLInput {

  /// Milliseconds from `start` to now, with one decimal (a JSON number).
  static func milliseconds(since start: ContinuousClock.Instant) -> String { milliseconds(ContinuousClock.now - start) }

  static func milliseconds(_ duration: Duration) -> String {
    let (seconds, attoseconds) = duration.components
    let tenths = seconds * 10_000 + attoseconds / 100_000_000_000_000
    return "\(tenths / 10).\(tenths % 10)"
  }

  /// `line`, each line stamped with the time since `start`: a JSON object gets
  /// `"elapsed_ms"` as its last member, a text line ` +N ms`.
  static func stamped(_ line: @escaping (String) -> Void, json: Bool, since start: ContinuousClock.Instant)
    -> (String) -> Void
  {
    { text in
      let ms = milliseconds(since: start)
      if json, text.hasSuffix("}") {
        line(String(text.dropLast()) + (text.hasSuffix("{}") ? "" : ",") + "\"elapsed_ms\":\(ms)}")
      } else {
        line("\(text) +\(ms) ms")
      }
    }
  }

  /// `slate actions URL`: as for a file, fed in the chunks the network delivers (or cut
  /// as `--chunk-size` says), line-buffered so each line appears when its item closes.
  static func actions(_ command: ActionsCommand) async throws {
    let setup = try command.setup()
    let out = OutputWriter(lineBuffered: true)
    let stream = try await HTTPStream.open(command.path, accepting: .forDialect(setup.options.dialect))
    let line = stamped(out.line, json: command.json, since: stream.started)
    var run = setup.start(json: command.json)
    run.renderer.write(stream.opening.map { .stream(.diagnostic($0)) }, line)
    var cutter = ChunkCutter(command.chunking.chunking)
    for try await buffer in stream.body {
      buffer.withUnsafeReadableBytes { block in cutter.feed(block) { run.feed($0, line) } }
    }
    cutter.finish { run.feed($0, line) }
    if let reset = stream.reset { run.renderer.write([.stream(.diagnostic(reset))], line) }
    let summary = run.finish(line)
    out.flush()
    if !summary.isClean || !stream.opening.isEmpty || stream.reset != nil { throw ExitCode(1) }
  }

  /// `slate replay URL`: the URL is the turn's one phase stream (no plan), fed to the live
  /// turn as its buffers arrive. The report is the file's, plus the HTTP diagnostics and,
  /// per handler call, the time since the request went out (a dry run calls none).
  static func replay(_ command: ReplayCommand) async throws {
    if command.chunking.chunkSize != nil { CLIIO.fail("--chunk-size applies to files: a URL is read as it arrives") }
    if command.bundle != nil { CLIIO.fail("--bundle needs a stream file or a turn directory, not a URL") }
    let pack = try CLIIO.compilePack(command.schema)
    let kind = DialectKind(rawValue: command.dialect)!
    let url = command.path
    let stream = try await HTTPStream.open(url, accepting: .forDialect(kind))
    let clock = HandlerClock(started: stream.started)
    let phases = [PhaseStream(name: nil, source: url, chunks: stream.body)]
    let report = try await command.run(plan: nil, phases: phases, pack: pack, dialect: kind,
                                       mode: command.dryRun ? .dryRun : .live,
                                       ledger: try await command.ledger.open(logger: command.dispatch.logger),
                                       turn: command.turn ?? TurnLoader.name(of: url), keepsLines: false,
                                       keepsBatchIDs: false, wrap: clock.wrap)
    let http = stream.opening + (stream.reset.map { [$0] } ?? [])
    let calls = clock.calls
    if command.json {
      var line = report.summaryJSON
      line.add("http", objects: http.map(\.jsonLine))
      line.add("first_action_ms", calls.first.map { .number(JSONNumber(lexeme: milliseconds($0.elapsed))!) } ?? .null)
      line.add("elapsed_ms", objects: calls.map { call in
        var object = JSONLine()
        object.add("key", .string(call.key))
        object.add("elapsed_ms", .number(JSONNumber(lexeme: milliseconds(call.elapsed))!))
        return object
      })
      print(line.text)
    } else {
      for diagnostic in http { print("http: \(diagnostic)") }
      TurnReportPrinter(report: report).print { Swift.print($0) }
      for call in calls { print("handled \(call.key) +\(milliseconds(call.elapsed)) ms") }
    }
    let clean = command.dryRun ? report.phases.allSatisfy(\.summary.isClean) : report.isClean
    if !clean || !http.isEmpty { throw ExitCode(1) }
  }
}

/// The time since the request went out of each handler call's first attempt, in order.
final class HandlerClock: Sendable {
  struct Call: Sendable {
    var key: String
    var elapsed: Duration
  }

  let started: ContinuousClock.Instant
  private let recorded = Mutex<[Call]>([])

  init(started: ContinuousClock.Instant) { self.started = started }

  var calls: [Call] { recorded.withLock { $0 } }

  /// Every handler of `table`, timed.
  func wrap(_ table: HandlerTable) -> HandlerTable { table.map { TimedHandler(inner: $0, clock: self) } }

  func record(_ call: HandlerCall) {
    guard call.attempt <= 1 else { return }
    let elapsed = ContinuousClock.now - started
    recorded.withLock { $0.append(Call(key: call.key.readable, elapsed: elapsed)) }
  }
}

struct TimedHandler: ActionHandler {
  let inner: any ActionHandler
  let clock: HandlerClock

  var idempotentByKey: Bool { inner.idempotentByKey }

  func handle(_ call: HandlerCall) async throws -> HandlerResult {
    clock.record(call)
    return try await inner.handle(call)
  }
}
#else
extension URLInput {
  static func actions(_ command: ActionsCommand) async throws { unavailable() }
  static func replay(_ command: ReplayCommand) async throws { unavailable() }

  static func unavailable() -> Never {
    CLIIO.fail("this slate was built without HTTP: build it with the package trait HTTP "
      + "(swift build --product slate --traits HTTP, as make test does)")
  }
}
#endif
