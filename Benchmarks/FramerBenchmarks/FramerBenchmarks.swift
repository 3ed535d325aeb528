// The incremental framer on action text (a JSON array of action objects), against what
// SDKs do (re-parse the accumulated text after every delta with JSONSerialization, which
// is quadratic: it only finishes on small inputs, named as such) and the lower bound (a
// simdjson one-shot parse of the whole text), in the same run.
//
// Throughput per benchmark is the text size in its name divided by the wall-clock time.
import Benchmark
import Foundation
import SlateJSON

/// About `size` bytes of action text: `[{…},{…},…]`, objects shaped like a film-directing
/// turn's output (strings with escapes and non-ASCII, numbers, nested objects and arrays).
func actionText(bytes size: Int) -> [UInt8] {
  var text: [UInt8] = [UInt8(ascii: "[")]
  text.reserveCapacity(size + 512)
  var i = 0
  while text.count < size {
    if i > 0 { text.append(UInt8(ascii: ",")) }
    text += Array(#"{"type":"create_scene","scene_id":"s\#(i)","title":"Scene \#(i): the harbour at dawn","#.utf8)
    text += Array(#""duration":\#(Double(i % 90) + 0.5),"characters":["Ada","Grace \u00e9 Hopper"],"#.utf8)
    text += Array(#""camera":{"lens":35,"move":"dolly","notes":"slow push in, \"golden\" light – ½ stop"}}"#.utf8)
    i += 1
  }
  text.append(UInt8(ascii: "]"))
  return text
}

let text1MB = actionText(bytes: 1 << 20)
let text10MB = actionText(bytes: 10 << 20)
let text64KB = actionText(bytes: 64 << 10)
let text16KB = actionText(bytes: 16 << 10)

/// Frames `text` fed in `chunk`-byte deltas (the whole text when nil); returns the events seen.
@inline(never)
func frameAll(_ text: [UInt8], chunk: Int?, parser: SimdjsonParser? = nil) -> Int {
  var framer = JSONFramer(framing: .array, parser: parser)
  var events: [FramerEvent] = []
  var seen = 0
  text.withUnsafeBytes { raw in
    let size = chunk ?? raw.count
    var at = 0
    while at < raw.count {
      let end = min(at + size, raw.count)
      framer.feed(UnsafeRawBufferPointer(rebasing: raw[at..<end]), into: &events)
      if !events.isEmpty {
        seen += events.count
        events.removeAll(keepingCapacity: true)
      }
      at = end
    }
  }
  framer.finish(into: &events)
  precondition(framer.status == .complete, "the benchmark text must frame cleanly")
  return seen + events.count
}

/// What SDKs do: append each delta to the accumulated text and parse all of it again
/// (a partial text fails, after a scan of all of it).
@inline(never)
func reparseAccumulated(_ text: [UInt8], delta: Int) -> Int {
  var accumulated = Data()
  accumulated.reserveCapacity(text.count)
  var parsed = 0
  var at = 0
  while at < text.count {
    let end = min(at + delta, text.count)
    accumulated.append(contentsOf: text[at..<end])
    if (try? JSONSerialization.jsonObject(with: accumulated)) != nil { parsed += 1 }
    at = end
  }
  return parsed
}

let benchmarks: @Sendable () -> Void = {
  Benchmark.defaultConfiguration = .init(
    metrics: [.throughput, .wallClock, .mallocCountTotal, .peakMemoryResident],
    scalingFactor: .one,
    maxDuration: .seconds(2),
    maxIterations: 100
  )
  let slow = Benchmark.Configuration(maxDuration: .seconds(5), maxIterations: 5)

  // The framer, frame only (values as bytes, early announcements on): whole, 8-byte and
  // 1-byte deltas.
  for (name, text) in [("1 MB", text1MB), ("10 MB", text10MB)] {
    for (label, chunk) in [("whole", nil), ("8-byte chunks", 8), ("1-byte chunks", 1)] as [(String, Int?)] {
      Benchmark("framer: \(name) action array, \(label)", configuration: chunk == 1 ? slow : .init()) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(frameAll(text, chunk: chunk)) }
      }
    }
  }

  // The framer with eager materialisation: each action parsed once by simdjson into a JSONValue.
  Benchmark("framer + simdjson JSONValue per action: 1 MB action array, 8-byte chunks") { benchmark in
    let parser = SimdjsonParser()
    for _ in benchmark.scaledIterations { blackHole(frameAll(text1MB, chunk: 8, parser: parser)) }
  }

  // What SDKs do, on inputs small enough to finish (quadratic: at 1 MB in 8-byte deltas it
  // would take about an hour), and the framer on the very same inputs and deltas.
  Benchmark("SDK re-parse: JSONSerialization of the accumulated text per delta, 16 KB only, 8-byte deltas", configuration: slow) {
    benchmark in
    for _ in benchmark.scaledIterations { blackHole(reparseAccumulated(text16KB, delta: 8)) }
  }
  Benchmark("SDK re-parse: JSONSerialization of the accumulated text per delta, 64 KB only, 64-byte deltas", configuration: slow) {
    benchmark in
    for _ in benchmark.scaledIterations { blackHole(reparseAccumulated(text64KB, delta: 64)) }
  }
  Benchmark("framer: 16 KB action array, 8-byte chunks (same input as the SDK re-parse)") { benchmark in
    for _ in benchmark.scaledIterations { blackHole(frameAll(text16KB, chunk: 8)) }
  }
  Benchmark("framer: 64 KB action array, 64-byte chunks (same input as the SDK re-parse)") { benchmark in
    for _ in benchmark.scaledIterations { blackHole(frameAll(text64KB, chunk: 64)) }
  }

  // Lower bounds: simdjson one-shot on the whole text.
  for (name, text) in [("1 MB", text1MB), ("10 MB", text10MB)] {
    let padded = PaddedBytes(text)
    Benchmark("lower bound: simdjson one-shot validate, \(name) action array") { benchmark in
      let parser = SimdjsonParser()
      for _ in benchmark.scaledIterations { blackHole(parser.validate(padded)) }
    }
    Benchmark("lower bound: simdjson one-shot parse to JSONValue, \(name) action array") { benchmark in
      let parser = SimdjsonParser()
      for _ in benchmark.scaledIterations { blackHole(try parser.parse(padded)) }
    }
  }
}
