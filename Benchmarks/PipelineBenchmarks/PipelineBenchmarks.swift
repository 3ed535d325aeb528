// The end-to-end pipeline, raw bytes to values (ActionStream: SSE, dialect, framers) and to
// validated actions (TurnPipeline: the stream, the film pack, batches), on every stream of
// the project's Corpus/ and every corpus-real recording, each stream through a pipeline of
// its own, in 64 KiB and 1-byte chunks; with the lower bounds on the same bytes: a simdjson
// DOM parse of every envelope (no SSE parsing, nothing built) and a plain copy.
import Benchmark
import BenchSupport
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

/// The film pack of the root package's Corpus/schemas.
let film: CompiledPack = {
  let url = SharedFiles.projectRoot.appendingPathComponent("Corpus/schemas/film.json")
  do { return try CompiledPack(bytes: SharedFiles.load(url)) } catch { fatalError("film.json does not compile: \(error)") }
}()

let corpus = StreamSet(SharedFiles.corpusStreams.map(\.bytes))
let corpusReal = StreamSet(SharedFiles.corpusRealStreams.map(\.bytes))

/// Slate's action stream over one stream in `chunk`-byte chunks: the values it committed.
func streamValues(_ bytes: [UInt8], chunk: Int, watch: HeapWatch? = nil) -> Int {
  var stream = ActionStream()
  var items: [StreamItem] = []
  forEachChunk(of: bytes, size: chunk) { piece in
    stream.feed(piece, into: &items)
    items.removeAll(keepingCapacity: true)
    watch?.sample()
  }
  return stream.finish(into: &items).values
}

/// Slate's turn pipeline with the film pack over one stream: the values it classified
/// (actions and rejections).
func turnValues(_ bytes: [UInt8], chunk: Int, watch: HeapWatch? = nil) -> Int {
  var pipeline = TurnPipeline(pack: film)
  var items: [TurnItem] = []
  forEachChunk(of: bytes, size: chunk) { piece in
    pipeline.feed(piece, into: &items)
    items.removeAll(keepingCapacity: true)
    watch?.sample()
  }
  let summary = pipeline.finish(into: &items)
  return summary.actions + summary.rejected
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
      set().streams.reduce(0) { $0 + turnValues($1, chunk: chunk, watch: watch) }
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

let benchmarks: @Sendable () -> Void = {
  compare("Corpus(\(SharedFiles.corpusStreams.count)-streams)", { corpus })
  let recordings = SharedFiles.corpusRealStreams.count
  if recordings == 0 {
    print("PipelineBenchmarks: ../shared/corpus-real is absent; benchmarking the project's Corpus/ only")
  } else {
    compare("corpus-real(\(recordings)-streams)", { corpusReal })
  }
}
