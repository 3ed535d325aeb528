// SSE parsing throughput: Slate's SSEParser against mattt/EventSource 1.1.1's parser on the
// same bytes, in the same run, whole and in 64 KiB, 8-byte and 1-byte chunks; plus a lower
// bound (finding the line feeds). Inputs: the real recordings of ../shared/corpus-real
// concatenated, and ~10 MB of generated OpenAI Chat Completions chunks.
//
// EventSource.Parser is an actor fed one byte per `consume` call; its events are drained
// with `getNextEvent()` after each chunk. Its queue drains with `removeFirst()`, so draining
// once after a whole 10 MB input would be quadratic: its largest chunking here is 64 KiB.
//
// The package mattt/EventSource does not build on Linux (it calls URLSession.bytes), so the
// peer is its parser copied verbatim into the EventSourcePeer target (see the header there);
// where the package builds (macOS), depending on its EventSource product works too.
import Benchmark
import Foundation
import SlateSSE

#if canImport(EventSourcePeer)
  import EventSourcePeer
#else
  import EventSource
#endif

/// The recordings of corpus-real, sorted by path, each followed by a blank line so that
/// the two that end without one do not run into the next. Empty when ../shared is absent.
let corpusStream: [UInt8] = {
  let shared = ProcessInfo.processInfo.environment["SLATE_SHARED"].map { URL(fileURLWithPath: $0) }
    ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared")
  let corpus = shared.appendingPathComponent("corpus-real")
  guard let walker = FileManager.default.enumerator(atPath: corpus.path) else { return [] }
  let files = walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".sse") }.sorted()
  var bytes: [UInt8] = []
  for file in files {
    guard let data = FileManager.default.contents(atPath: corpus.appendingPathComponent(file).path) else { continue }
    bytes += data
    bytes += Array("\n\n".utf8)
  }
  return bytes
}()

/// ~10 MB of OpenAI Chat Completions chunks: text deltas with escapes and non-ASCII text,
/// tool-call argument fragments, a usage chunk, and `data: [DONE]`; and how many events.
let (generatedStream, generatedEvents): ([UInt8], Int) = {
  var text = ""
  var i = 0
  let words = ["The", "harbour", "at", "dawn,", "a \\\"golden\\\" light", "→ slow push in", "café", "scene\\n"]
  while text.utf8.count < 10_000_000 {
    let head = #"data: {"id":"chatcmpl-9x7Ab","object":"chat.completion.chunk","created":1730000000,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_0ba0d124f1","choices":[{"index":0,"delta":"#
    if i % 4 == 3 {
      text += head + #"{"tool_calls":[{"index":0,"function":{"arguments":"{\"scene_id\":\"s\#(i)\",\"lens\":"}}]},"logprobs":null,"finish_reason":null}],"usage":null}"# + "\n\n"
    } else {
      text += head + #"{"content":"\#(words[i % words.count]) "},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"k2v\#(i % 97)"}"# + "\n\n"
    }
    i += 1
  }
  text += #"data: {"id":"chatcmpl-9x7Ab","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":812,"completion_tokens":\#(i),"total_tokens":\#(i + 812)}}"# + "\n\n"
  text += "data: [DONE]\n\n"
  return (Array(text.utf8), i + 2)
}()

/// Slate: feed `bytes` in chunks of `chunk` bytes, count the events.
func slateEvents(_ bytes: [UInt8], chunk: Int) -> Int {
  var parser = SSEParser()
  var outputs: [SSEOutput] = []
  var events = 0
  bytes.withUnsafeBytes { all in
    var start = 0
    while start < all.count {
      let end = min(all.count, start + chunk)
      parser.feed(UnsafeRawBufferPointer(rebasing: all[start..<end]), into: &outputs)
      for output in outputs { if case .event = output { events += 1 } }
      outputs.removeAll(keepingCapacity: true)
      start = end
    }
  }
  parser.finish(into: &outputs)
  for output in outputs { if case .event = output { events += 1 } }
  return events
}

/// mattt/EventSource: consume `bytes` one by one, draining the events after each chunk.
func eventSourceEvents(_ bytes: [UInt8], chunk: Int) async -> Int {
  let parser = EventSource.Parser()
  var events = 0
  var start = 0
  while start < bytes.count {
    let end = min(bytes.count, start + chunk)
    for i in start..<end { await parser.consume(bytes[i]) }
    while await parser.getNextEvent() != nil { events += 1 }
    start = end
  }
  await parser.finish()
  while await parser.getNextEvent() != nil { events += 1 }
  return events
}

/// The lower bound of any line-based parser: find every line feed once (memchr).
func lineFeeds(_ bytes: [UInt8]) -> Int {
  bytes.withUnsafeBytes { all in
    guard let base = all.baseAddress else { return 0 }
    var count = 0
    var position = base
    let end = base + all.count
    while position < end, let found = memchr(position, 0x0A, end - position) {
      count += 1
      position = UnsafeRawPointer(found) + 1
    }
    return count
  }
}

let benchmarks: @Sendable () -> Void = {
  Benchmark.defaultConfiguration = .init(
    metrics: [.throughput, .wallClock, .mallocCountTotal, .peakMemoryResident],
    scalingFactor: .one,
    maxDuration: .seconds(2),
    maxIterations: 100
  )
  let whole = Int.max
  let chunkings: [(name: String, size: Int)] = [("64 KiB chunks", 64 << 10), ("8-byte chunks", 8), ("1-byte chunks", 1)]
  var inputs: [(name: String, bytes: [UInt8], events: Int?)] = [
    ("generated \(generatedStream.count / 1_000_000) MB", generatedStream, generatedEvents)
  ]
  if corpusStream.isEmpty {
    print("SSEBenchmarks: ../shared/corpus-real is absent; benchmarking the generated stream only")
  } else {
    inputs.insert(("corpus-real \(corpusStream.count / 1000) KB", corpusStream, nil), at: 0)
  }
  // Both parsers must find every generated event (checked once per benchmark run).
  precondition(slateEvents(generatedStream, chunk: whole) == generatedEvents, "Slate miscounts the generated stream")

  for input in inputs {
    let bytes = input.bytes
    Benchmark("sse \(input.name): Slate SSEParser, whole") { benchmark in
      for _ in benchmark.scaledIterations { blackHole(slateEvents(bytes, chunk: whole)) }
    }
    for chunking in chunkings {
      Benchmark("sse \(input.name): Slate SSEParser, \(chunking.name)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(slateEvents(bytes, chunk: chunking.size)) }
      }
      Benchmark("sse \(input.name): mattt/EventSource Parser, \(chunking.name)",
                configuration: .init(maxDuration: .seconds(2), maxIterations: chunking.size == 1 ? 5 : 20)) { benchmark in
        for _ in benchmark.scaledIterations {
          let events = await eventSourceEvents(bytes, chunk: chunking.size)
          if let expected = input.events { precondition(events == expected, "EventSource miscounts the generated stream") }
          blackHole(events)
        }
      }
    }
    Benchmark("sse \(input.name): find line feeds (lower bound)") { benchmark in
      for _ in benchmark.scaledIterations { blackHole(lineFeeds(bytes)) }
    }
  }
}
