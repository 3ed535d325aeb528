// SSE parsing throughput: Slate's SSEParser against a typical hand-rolled SDK reader on the
// same bytes in the same run, whole and in 64 KiB, 8-byte and 1-byte chunks, with a memchr
// pass over the bytes as the lower bound.
//
// The issue asked for mattt/EventSource 1.1.1's parser as the peer, but that package does
// not build on Linux (it calls URLSession.bytes, which FoundationNetworking lacks), and its
// code is not ours to copy; the peer here is our own rendering of the common SDK pattern.
import Benchmark
import Foundation
import SlateSSE

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

/// The peer: what many SDKs hand-roll. Append each chunk to a buffer, search the buffer
/// from its start for a blank line ("\n\n", LF only), cut the event off, decode it as a
/// String and split its lines. Every search rescans the unfinished event, so the cost of
/// an event grows with the number of chunks it arrives in.
func naiveReaderEvents(_ bytes: [UInt8], chunk: Int) -> Int {
  var buffer: [UInt8] = []
  var events = 0
  var start = 0
  while start < bytes.count {
    let end = min(bytes.count, start + chunk)
    buffer.append(contentsOf: bytes[start..<end])
    start = end
    while let cut = firstBlankLine(buffer) {
      let block = String(decoding: buffer[..<cut], as: UTF8.self)
      var data: [Substring] = []
      for line in block.split(separator: "\n") where line.hasPrefix("data:") { data.append(line.dropFirst(5)) }
      if !data.isEmpty { events += 1 }
      buffer.removeFirst(cut + 2)
    }
  }
  return events
}

func firstBlankLine(_ buffer: [UInt8]) -> Int? {
  var i = 0
  while i + 1 < buffer.count {
    if buffer[i] == 0x0A && buffer[i + 1] == 0x0A { return i }
    i += 1
  }
  return nil
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
      Benchmark("sse \(input.name): naive SDK reader (peer), \(chunking.name)",
                configuration: .init(maxDuration: .seconds(2), maxIterations: chunking.size == 1 ? 5 : 20)) { benchmark in
        for _ in benchmark.scaledIterations {
          let events = naiveReaderEvents(bytes, chunk: chunking.size)
          if let expected = input.events { precondition(events == expected, "the naive reader miscounts the generated stream") }
          blackHole(events)
        }
      }
    }
    Benchmark("sse \(input.name): find line feeds (lower bound)") { benchmark in
      for _ in benchmark.scaledIterations { blackHole(lineFeeds(bytes)) }
    }
  }
}
