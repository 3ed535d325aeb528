// The end-to-end pipeline, raw bytes to values (ActionStream: SSE, dialect, framers) and to
// validated actions (TurnPipeline: the stream, the film pack, batches):
// - on every stream of the project's Corpus/ and every corpus-real recording, each stream
//   through a pipeline of its own, in 64 KiB and 1-byte chunks, with the lower bounds on
//   the same bytes: a simdjson DOM parse of every envelope (no SSE parsing, nothing built)
//   and a plain copy;
// - on generated OpenAI Chat Completions and Anthropic Messages turns of 10, 100, 1,000
//   and 5,000 film actions (SlateFilm; 5,000 only in full mode), against what SDKs do on
//   the same bytes (BenchSupport/SDKPeers.swift): JSONDecoder on every envelope and on the
//   final text, and re-parsing the accumulated text with JSONSerialization after every delta
//   (10 and 100 actions only: it is quadratic); and the lower bounds: one simdjson parse of
//   every envelope and of the final text, the same after the SSE cut (issue 16's own bound:
//   BenchSupport's `sseCutEnvelopes`), and a plain copy.
import Benchmark
import BenchSupport
import SlateFilm
import SlateJSON
import SlateSchema
import Slate

/// A set of streams, each a separate turn, and what the suites know about them.
struct StreamSet {
  let streams: [[UInt8]]
  /// Per stream, what a one-shot parser would parse: the JSON envelopes of an SSE stream,
  /// or the whole text of a plain-text stream.
  let documents: [[PaddedBytes]]
  /// Values the action stream commits over all the streams (counted once, whole).
  let values: Int
  var workload: Workload { Workload(bytes: streams.reduce(0) { $0 + $1.count }, actions: values) }

  init(_ streams: [[UInt8]]) {
    self.streams = streams
    self.documents = streams.map { stream in
      let envelopes = SSEInput(stream).envelopes
      return envelopes.isEmpty ? [PaddedBytes(stream)] : envelopes
    }
    self.values = streams.reduce(0) { $0 + streamValues($1, chunk: ChunkSize.whole) }
  }
}

let corpus = StreamSet(SharedFiles.corpusStreams.map(\.bytes))
let corpusReal = StreamSet(SharedFiles.corpusRealStreams.map(\.bytes))

/// Slate's action stream over one stream in `chunk`-byte chunks: the values it committed.
func streamValues(_ bytes: [UInt8], chunk: Int, watch: HeapWatch? = nil) -> Int {
  var stream = ActionStream()
  var items: [StreamItem] = []
  forEachChunk(of: bytes, size: chunk) { piece in
    stream.feed(piece, into: &items)
    // Emptied only when something completed, as a host reading the items would: an
    // unconditional `removeAll(keepingCapacity:)` is a call per chunk (~7 ns, more than a
    // 1-byte chunk's own cost), which measured the host's loop rather than the stream.
    if !items.isEmpty { items.removeAll(keepingCapacity: true) }
    watch?.sample()
  }
  return stream.finish(into: &items).values
}

/// Slate's turn pipeline with the film pack over one stream: its summary (values
/// classified as actions or rejections, batches).
func turnSummary(_ bytes: [UInt8], chunk: Int, watch: HeapWatch? = nil) -> TurnSummary {
  var pipeline = TurnPipeline(pack: FilmPack.compiled)
  var items: [TurnItem] = []
  forEachChunk(of: bytes, size: chunk) { piece in
    pipeline.feed(piece, into: &items)
    if !items.isEmpty { items.removeAll(keepingCapacity: true) }  // as streamValues
    watch?.sample()
  }
  return pipeline.finish(into: &items)
}

/// Registers Slate's stream and pipeline and the lower bounds on one set of streams.
func compare(_ label: String, _ set: @escaping () -> StreamSet) {
  for chunk in [ChunkSize.large, ChunkSize.single] {
    let pace: BenchMode.Pace = chunk == ChunkSize.single ? .slow : .normal
    measure("pipeline.\(label).Slate-ActionStream.\(ChunkSize.name(chunk))", pace: pace, counts: .actions,
            heap: chunk == ChunkSize.large, workload: { set().workload }) { watch in
      let values = set().streams.reduce(0) { $0 + streamValues($1, chunk: chunk, watch: watch) }
      precondition(values == set().values, "the action stream's values changed with the chunking")
      return values
    }
    measure("pipeline.\(label).Slate-TurnPipeline(film-pack).\(ChunkSize.name(chunk))", pace: pace, counts: .actions,
            heap: chunk == ChunkSize.large, workload: { set().workload }) { watch in
      set().streams.reduce(0) {
        let summary = turnSummary($1, chunk: chunk, watch: watch)
        return $0 + summary.actions + summary.rejected
      }
    }
  }
  let parser = SimdjsonParser()
  measure("pipeline.\(label).simdjson-every-envelope-or-text(lower-bound)", counts: .actions,
          workload: { set().workload }) { watch in
    set().documents.reduce(0) { $0 + simdjsonEnvelopes($1, parser: parser, watch: watch) }
  }
  measure("pipeline.\(label).plain-copy(lower-bound)", counts: .actions, workload: { set().workload }) { watch in
    set().streams.reduce(0) { $0 + plainCopy($1, watch: watch) }
  }
}

/// A generated turn and what the suites know about it, built on first use.
struct GeneratedTurn {
  let bytes: [UInt8]
  /// The film actions the turn carries (all valid for the film pack).
  let actions: Int
  /// What a one-shot parser would parse: every JSON envelope, then the final answer text.
  let documents: [PaddedBytes]
  /// The final answer text alone.
  let finalText: PaddedBytes
  var workload: Workload { Workload(bytes: bytes.count, actions: actions) }

  nonisolated(unsafe) static var built: [String: GeneratedTurn] = [:]

  static func of(_ dialect: DialectKind, actions count: Int) -> GeneratedTurn {
    let id = "\(dialect.rawValue)-\(count)"
    if let turn = built[id] { return turn }
    guard let stream = SyntheticCorpus.generate(dialect: dialect, actions: count) else {
      fatalError("SlateFilm cannot generate \(id)")
    }
    let finalText = PaddedBytes(stream.intent.answerText.utf8)
    let turn = GeneratedTurn(bytes: stream.bytes, actions: stream.intent.actions.count,
                             documents: SSEInput(stream.bytes).envelopes + [finalText], finalText: finalText)
    built[id] = turn
    return turn
  }
}

/// Registers Slate, the SDK peers and the lower bounds on one generated turn.
func compare(_ dialect: DialectKind, actions count: Int) {
  let turn = { GeneratedTurn.of(dialect, actions: count) }
  let name = "pipeline.\(dialect.rawValue)-\(count)-actions"
  let sdk: SDKDialect = dialect == .anthropic ? .anthropic : .openaiChat
  let large = ChunkSize.large
  // 1-byte chunks on one size: the cost of a network that delivers byte by byte.
  let chunkings = count == 1_000 ? [large, ChunkSize.single] : [large]
  for chunk in chunkings {
    let pace: BenchMode.Pace = chunk == ChunkSize.single ? .slow : .normal
    measure("\(name).Slate-ActionStream.\(ChunkSize.name(chunk))", pace: pace, counts: .actions,
            heap: chunk == large, workload: { turn().workload }) { watch in
      let values = streamValues(turn().bytes, chunk: chunk, watch: watch)
      precondition(values == turn().actions, "the action stream missed actions of \(name)")
      return values
    }
    measure("\(name).Slate-TurnPipeline(film-pack).\(ChunkSize.name(chunk))", pace: pace, counts: .actions,
            heap: chunk == large, workload: { turn().workload }) { watch in
      let actions = turnSummary(turn().bytes, chunk: chunk, watch: watch).actions
      precondition(actions == turn().actions, "the turn pipeline rejected or missed actions of \(name)")
      return actions
    }
  }
  measure("\(name).JSONDecoder-envelopes+final-text(peer).64KB-chunks", counts: .actions,
          workload: { turn().workload }) { watch in
    let actions = sdkDecoderActions(turn().bytes, dialect: sdk, chunk: large, watch: watch)
    precondition(actions == turn().actions, "the JSONDecoder peer missed actions of \(name)")
    return actions
  }
  if count <= 100 {
    measure("\(name).JSONSerialization-reparse-per-delta(peer).64KB-chunks", pace: .slow, counts: .actions,
            workload: { turn().workload }) { watch in
      let actions = sdkReparseActions(turn().bytes, dialect: sdk, chunk: large, watch: watch)
      precondition(actions == turn().actions, "the re-parse peer missed actions of \(name)")
      return actions
    }
  }
  let parser = SimdjsonParser()
  measure("\(name).simdjson-envelopes+final-text(lower-bound)", counts: .actions, workload: { turn().workload }) { watch in
    simdjsonEnvelopes(turn().documents, parser: parser, watch: watch)
  }
  // Issue 16's own bound: the SSE cut (memchr per line, `data:` values) before the same parses.
  var cutBuffer = PaddedBytes()
  measure("\(name).sse-cut+simdjson-envelopes+final-text(lower-bound)", counts: .actions, heap: false,
          workload: { turn().workload }) { _ in
    let parsed = sseCutEnvelopes([turn().bytes], finalTexts: [turn().finalText], parser: parser, buffer: &cutBuffer)
    precondition(parsed == turn().documents.count, "the SSE cut is not a bound of \(name): it cuts otherwise")
    return parsed
  }
  measure("\(name).plain-copy(lower-bound)", counts: .actions, workload: { turn().workload }) { watch in
    plainCopy(turn().bytes, watch: watch)
  }
}

let benchmarks: @Sendable () -> Void = {
  compare("Corpus(\(SharedFiles.corpusStreams.count)-streams)", { corpus })
  let recordings = SharedFiles.corpusRealStreams.count
  if recordings == 0 {
    print("PipelineBenchmarks: ../shared/corpus-real is absent; benchmarking the project's Corpus/ only")
  } else {
    compare("corpus-real(\(recordings)-streams)", { corpusReal })
  }
  for dialect in [DialectKind.openaiChat, .anthropic] {
    for count in BenchMode.quick ? [10, 100, 1_000] : [10, 100, 1_000, 5_000] {
      compare(dialect, actions: count)
    }
  }
}
