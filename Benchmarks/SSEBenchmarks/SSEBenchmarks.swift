// SSE parsing: Slate's SSEParser against a typical hand-rolled SDK reader (the peer; see
// BenchSupport/SSEPeers.swift for why not mattt/EventSource) on the same bytes in the same
// run, whole and in 64 KiB, 8-byte and 1-byte chunks; with three lower bounds on the same
// bytes: a memchr pass for line feeds, a plain copy, and a simdjson DOM parse of every
// JSON envelope already cut out (the floor of any incremental approach to the stream).
//
// Inputs: the corpus-real recordings concatenated (when ../shared exists) and a generated
// OpenAI Chat Completions stream (10 MB; 1 MB in quick mode); and, for time per byte as
// the stream grows, the generated stream at 64 KB, 1 MB and 8 MB.
import Benchmark
import BenchSupport
import SlateJSON
import SlateSSE

/// Slate: feed `bytes` in chunks of `chunk` bytes, count the events.
func slateEvents(_ bytes: [UInt8], chunk: Int, watch: HeapWatch? = nil) -> Int {
  var parser = SSEParser()
  var outputs: [SSEOutput] = []
  var events = 0
  forEachChunk(of: bytes, size: chunk) { piece in
    parser.feed(piece, into: &outputs)
    for output in outputs { if case .event = output { events += 1 } }
    outputs.removeAll(keepingCapacity: true)
    watch?.sample()
  }
  parser.finish(into: &outputs)
  for output in outputs { if case .event = output { events += 1 } }
  return events
}

let corpusReal = SSEInput(corpusRealConcatenated())
let generatedLarge = SSEInput(generatedChatStream(bytes: BenchMode.largeBytes))
nonisolated(unsafe) var generatedBySize: [Int: SSEInput] = [:]

func generated(_ size: Int) -> SSEInput {
  if size == BenchMode.largeBytes { return generatedLarge }
  if let input = generatedBySize[size] { return input }
  let input = SSEInput(generatedChatStream(bytes: size))
  generatedBySize[size] = input
  return input
}

/// Registers the comparison on one input: Slate in every chunking, the peer in the chunked
/// ones, the three lower bounds. `input` is read only when a benchmark runs.
func compare(_ label: String, _ input: @escaping () -> SSEInput) {
  let chunkings = [ChunkSize.whole, ChunkSize.large, ChunkSize.small, ChunkSize.single]
  for chunk in chunkings {
    let pace: BenchMode.Pace = chunk == ChunkSize.single ? .slow : .normal
    measure("sse.\(label).Slate-SSEParser.\(ChunkSize.name(chunk))", pace: pace, counts: .events,
            heap: chunk == ChunkSize.large, workload: { input().workload }) { watch in
      let events = slateEvents(input().bytes, chunk: chunk, watch: watch)
      precondition(events == input().events, "Slate's event count changed with the chunking")
      return events
    }
    guard chunk != ChunkSize.whole else { continue }
    measure("sse.\(label).naive-SDK-reader(peer).\(ChunkSize.name(chunk))", pace: chunk <= ChunkSize.small ? .slow : .normal,
            counts: .events, heap: chunk == ChunkSize.large, workload: { input().workload }) { watch in
      naiveReaderEvents(input().bytes, chunk: chunk, watch: watch)
    }
  }
  measure("sse.\(label).memchr-line-feeds(lower-bound)", heap: false, workload: { input().workload }) { _ in
    lineFeeds(input().bytes)
  }
  measure("sse.\(label).plain-copy(lower-bound)", workload: { input().workload }) { watch in
    plainCopy(input().bytes, watch: watch)
  }
  let parser = SimdjsonParser()
  measure("sse.\(label).simdjson-every-envelope(lower-bound)", workload: { input().workload }) { watch in
    simdjsonEnvelopes(input().envelopes, parser: parser, watch: watch)
  }
}

let benchmarks: @Sendable () -> Void = {
  if SharedFiles.shared == nil {
    print("SSEBenchmarks: ../shared/corpus-real is absent; benchmarking the generated streams only")
  } else {
    compare("corpus-real", { corpusReal })
  }
  compare("generated-\(BenchMode.sizeName(BenchMode.largeBytes))", { generatedLarge })

  // Time per byte as the stream grows: the same content at each size, 64 KiB chunks.
  for size in BenchMode.growthBytes {
    measure("sse.growth-\(BenchMode.sizeName(size)).Slate-SSEParser.64KB-chunks", counts: .events,
            workload: { generated(size).workload }) { watch in
      slateEvents(generated(size).bytes, chunk: ChunkSize.large, watch: watch)
    }
  }
}
