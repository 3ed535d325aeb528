// Time to first action (issue 18): how soon each action of a streamed turn is available,
// for Slate (each action as it closes) and for the SDK pattern (read the whole body, then
// parse). `make bench-ttfa`; the README's table is this program's output.
//
// Each generated turn (SlateFilm's synthetic corpus: film actions as a Chat Completions
// answer array, deltas of 8 to 32 characters) is served by a `RecordingServer` on
// loopback at the pace given (one SSE event per write), and read once with AsyncHTTPClient
// through `HTTPStream`. Slate: every `ByteBuffer` goes into a `TurnPipeline` (film pack) as
// it arrives; an action's time is when the chunk that closed it was fed. The SDK pattern,
// on the same response: the bytes gathered until the body ends, then the whole body parsed
// by the same pipeline; an action's time is when that parse yields it. Times count from the
// moment the request went out. Run with `--runs N` to repeat (the medians of each statistic
// are reported).
import Foundation
import SlateFilm
import SlateHTTP
import SlateNIO
import SlateSchema
import SlateStream
import SlateTurn

struct Options {
  var actions = [10, 100, 1000]
  var pace = Pace.eventsPerSecond(100)
  var runs = 1
  var dialect = DialectKind.openaiChat

  init(_ arguments: [String]) {
    var rest = arguments[...]
    while let flag = rest.popFirst() {
      guard let value = rest.popFirst() else { Self.usage("\(flag) needs a value") }
      switch flag {
      case "--actions": actions = value.split(separator: ",").compactMap { Int($0) }
      case "--pace":
        guard let parsed = Pace(value) else { Self.usage("bad pace \(value)") }
        pace = parsed
      case "--runs": runs = max(1, Int(value) ?? 1)
      case "--dialect":
        guard let parsed = DialectKind(rawValue: value) else { Self.usage("bad dialect \(value)") }
        dialect = parsed
      default: Self.usage("unknown option \(flag)")
      }
    }
  }

  static func usage(_ message: String) -> Never {
    FileHandle.standardError.write(Data("slate-ttfa: \(message)\nusage: slate-ttfa [--actions 10,100,1000] [--pace recorded|fast|RATE] [--runs N] [--dialect D]\n".utf8))
    exit(2)
  }
}

/// When each action became available, from the request, for both patterns.
struct Timings {
  var slate: [Duration] = []
  var sdk: [Duration] = []
  var bodyEnd: Duration = .zero
  var bytes = 0
}

func measure(url: String, pack: CompiledPack, dialect: DialectKind) async throws -> Timings {
  var timings = Timings()
  let stream = try await HTTPStream.open(url, accepting: .forDialect(dialect))
  guard stream.opening.isEmpty else { fatalError("\(url): \(stream.opening)") }
  let options = ActionStreamOptions(dialect: dialect)
  var live = TurnPipeline(pack: pack, options: options)
  var items: [TurnItem] = []
  var gathered: [UInt8] = []
  func count(_ items: inout [TurnItem], into times: inout [Duration]) {
    let now = ContinuousClock.now - stream.started
    for item in items { if case .action = item { times.append(now) } }
    items.removeAll(keepingCapacity: true)
  }
  for try await buffer in stream.body {
    buffer.withLiveBytes { live.feed($0, into: &items) }
    count(&items, into: &timings.slate)
    gathered += buffer.readableBytesView
  }
  _ = live.finish(into: &items)
  count(&items, into: &timings.slate)
  timings.bodyEnd = ContinuousClock.now - stream.started
  timings.bytes = gathered.count
  // The SDK pattern: parse the whole body once it is in, one action at a time as the parse
  // yields them (the same parser: only the moment parsing starts differs).
  var whole = TurnPipeline(pack: pack, options: options)
  gathered.withUnsafeBytes { whole.feed($0, into: &items) }
  count(&items, into: &timings.sdk)
  _ = whole.finish(into: &items)
  count(&items, into: &timings.sdk)
  guard stream.reset == nil else { fatalError("\(url): \(stream.reset!)") }
  return timings
}

func ms(_ duration: Duration) -> String {
  let (seconds, attoseconds) = duration.components
  let tenths = seconds * 10_000 + attoseconds / 100_000_000_000_000
  return "\(tenths / 10).\(tenths % 10)"
}

func median<T: Comparable>(_ values: [T]) -> T { values.sorted()[values.count / 2] }

func ratio(_ a: Duration, _ b: Duration) -> String {
  let x = Double(a.components.seconds) + Double(a.components.attoseconds) / 1e18
  let y = Double(b.components.seconds) + Double(b.components.attoseconds) / 1e18
  guard y > 0 else { return "-" }
  let r = x / y
  return r >= 100 ? "\(Int(r.rounded()))×" : "\(Double(Int(r * 10)) / 10)×"
}

let options = Options(Array(CommandLine.arguments.dropFirst()))
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let pack = try CompiledPack(bytes: [UInt8](try Data(contentsOf: root.appendingPathComponent("Corpus/schemas/film.json"))))
var recordings: [String: [UInt8]] = [:]
for count in options.actions {
  guard let generated = SyntheticCorpus.generate(dialect: options.dialect, actions: count) else { Options.usage("cannot generate") }
  recordings["actions-\(count).sse"] = generated.bytes
}
let server = try await RecordingServer.start(recordings: recordings, pace: options.pace)
print("Time to first action: generated film turns (\(options.dialect.rawValue), answer array, deltas of 8-32 characters) "
  + "served by RecordingServer on 127.0.0.1 at pace \(options.pace), read with AsyncHTTPClient; ms since the request went out"
  + (options.runs > 1 ? "; median of \(options.runs) runs" : "") + ".")
print("")
print("| turn | events | bytes | body ends | Slate first | SDK first | first: SDK / Slate | Slate median | SDK median | Slate last | SDK last |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for count in options.actions {
  let name = "actions-\(count).sse"
  var runs: [Timings] = []
  for _ in 0..<options.runs { runs.append(try await measure(url: server.url(name), pack: pack, dialect: options.dialect)) }
  guard runs.allSatisfy({ $0.slate.count == count && $0.sdk.count == count }) else {
    fatalError("\(name): expected \(count) actions, got \(runs.map { ($0.slate.count, $0.sdk.count) })")
  }
  let slateFirst = median(runs.map { $0.slate[0] })
  let sdkFirst = median(runs.map { $0.sdk[0] })
  let events = RecordingUnits.ends(of: recordings[name]!).count
  print("| \(count) actions | \(events) | \(runs[0].bytes) | \(ms(median(runs.map(\.bodyEnd)))) | \(ms(slateFirst)) | \(ms(sdkFirst)) | "
    + "\(ratio(sdkFirst, slateFirst)) | \(ms(median(runs.map { median($0.slate) }))) | \(ms(median(runs.map { median($0.sdk) }))) | "
    + "\(ms(median(runs.map { $0.slate.last! }))) | \(ms(median(runs.map { $0.sdk.last! }))) |")
}
try await server.shutdown()
