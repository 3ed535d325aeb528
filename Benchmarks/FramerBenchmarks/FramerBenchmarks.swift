// The incremental framer on action text (a JSON array of action objects), in the same run
// and on the same bytes as what SDKs do: re-parse the accumulated text after every delta
// with JSONSerialization (quadratic: it only finishes on small inputs, which its names
// give). Whole, 64 KiB, 8-byte and 1-byte deltas; time per byte as the text grows (64 KB,
// 1 MB, 8 MB). The one-shot peers and lower bounds on the same texts (JSONDecoder,
// JSONSerialization, simdjson, a plain copy) are in JSONBenchmarks.
import Benchmark
import BenchSupport
import SlateJSON

/// Frames `text` fed in `chunk`-byte deltas; returns the values framed.
@inline(never)
func frameAll(_ text: [UInt8], chunk: Int, parser: SimdjsonParser? = nil, watch: HeapWatch? = nil) -> Int {
  var framer = JSONFramer(framing: .array, parser: parser)
  var events: [FramerEvent] = []
  var values = 0
  func count() {
    for event in events { if case .value = event { values += 1 } }
    events.removeAll(keepingCapacity: true)
  }
  forEachChunk(of: text, size: chunk) { piece in
    framer.feed(piece, into: &events)
    count()
    watch?.sample()
  }
  framer.finish(into: &events)
  count()
  precondition(framer.status == .complete, "the benchmark text must frame cleanly")
  return values
}

/// Slate's framer on the `size`-byte text in `chunk`-byte deltas.
func framer(_ size: Int, chunk: Int, heap: Bool = false, label: String = "action-array") {
  let input = { ActionTextInput.of(bytes: size) }
  measure("framer.\(label)-\(BenchMode.sizeName(size)).Slate-JSONFramer.\(ChunkSize.name(chunk))",
          pace: chunk == ChunkSize.single ? .slow : .normal, counts: .actions, heap: heap,
          workload: { input().workload }) { watch in
    let values = frameAll(input().text, chunk: chunk, watch: watch)
    precondition(values == input().actions, "the framer missed actions")
    return values
  }
}

let benchmarks: @Sendable () -> Void = {
  let mb = 1 << 20
  let large = BenchMode.largeBytes

  // The framer, frame only (values as bytes, early announcements on).
  for chunk in [ChunkSize.whole, ChunkSize.large, ChunkSize.small, ChunkSize.single] {
    framer(mb, chunk: chunk, heap: chunk == ChunkSize.large)
  }
  if large != mb {
    for chunk in [ChunkSize.whole, ChunkSize.large, ChunkSize.single] {
      framer(large, chunk: chunk, heap: chunk == ChunkSize.large)
    }
  }

  // The framer with eager materialisation: each action parsed once by simdjson into a JSONValue.
  measure("framer.action-array-1MB.Slate-JSONFramer+simdjson-JSONValue-per-action.64KB-chunks", counts: .actions,
          workload: { ActionTextInput.of(bytes: mb).workload }) { watch in
    frameAll(ActionTextInput.of(bytes: mb).text, chunk: ChunkSize.large, parser: SimdjsonParser(), watch: watch)
  }

  // Time per byte as the text grows, 64 KiB deltas (1 MB and the large text are above).
  for size in BenchMode.growthBytes where size != mb && size != large {
    framer(size, chunk: ChunkSize.large, heap: true)
  }

  // What SDKs do, on inputs small enough to finish (quadratic: 1 MB in 64-byte deltas
  // would take minutes), and the framer on the very same inputs and deltas; three sizes
  // show how time per byte grows.
  let reparseSizes = BenchMode.quick ? [4 << 10, 16 << 10] : [4 << 10, 16 << 10, 64 << 10]
  for size in reparseSizes {
    let input = { ActionTextInput.of(bytes: size) }
    measure("framer.reparse-input-\(BenchMode.sizeName(size)).JSONSerialization-reparse-per-delta(peer).64B-chunks",
            pace: .slow, counts: .actions, workload: { input().workload }) { watch in
      reparseAccumulated(input().text, delta: 64, watch: watch)
    }
    framer(size, chunk: 64, heap: true, label: "reparse-input")
  }
}
