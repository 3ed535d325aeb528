// One-shot parsing of complete documents: simdjson through the shim (Slate's path) against
// Foundation's JSONSerialization and JSONDecoder on the same bytes, in the same run.
import Benchmark
import Foundation
import SlateJSON

/// ~1 MB: an array of action objects shaped like a film-directing turn's output.
let actionArray: [UInt8] = {
  var text = "["
  for i in 0..<4000 {
    if i > 0 { text += "," }
    text += #"{"type":"create_scene","scene_id":"s\#(i)","title":"Scene \#(i): the harbour at dawn","#
    text += #""duration":\#(Double(i % 90) + 0.5),"characters":["Ada","Grace \u00e9"],"#
    text += #""camera":{"lens":35,"move":"dolly","notes":"slow push in, \"golden\" light"}}"#
  }
  return Array((text + "]").utf8)
}()

/// Codable mirror of the action objects, for JSONDecoder.
struct Camera: Decodable { let lens: Int; let move: String; let notes: String }
struct SceneAction: Decodable {
  let type: String
  let scene_id: String
  let title: String
  let duration: Double
  let characters: [String]
  let camera: Camera
}

let benchmarks: @Sendable () -> Void = {
  Benchmark.defaultConfiguration = .init(
    metrics: [.throughput, .wallClock, .mallocCountTotal, .peakMemoryResident],
    scalingFactor: .one,
    maxDuration: .seconds(2),
    maxIterations: 200
  )
  let data = Data(actionArray)
  let padded = PaddedBytes(actionArray)
  let megabytes = "\(actionArray.count / 1000) KB"

  Benchmark("json one-shot: simdjson DOM parse to JSONValue (\(megabytes))") { benchmark in
    let parser = SimdjsonParser()
    for _ in benchmark.scaledIterations {
      blackHole(try parser.parse(padded))
    }
  }

  Benchmark("json one-shot: simdjson DOM validate only (\(megabytes))") { benchmark in
    let parser = SimdjsonParser()
    for _ in benchmark.scaledIterations {
      blackHole(parser.validate(padded))
    }
  }

  Benchmark("json one-shot: Foundation JSONSerialization (\(megabytes))") { benchmark in
    for _ in benchmark.scaledIterations {
      blackHole(try JSONSerialization.jsonObject(with: data))
    }
  }

  Benchmark("json one-shot: Foundation JSONDecoder into structs (\(megabytes))") { benchmark in
    let decoder = JSONDecoder()
    for _ in benchmark.scaledIterations {
      blackHole(try decoder.decode([SceneAction].self, from: data))
    }
  }

  Benchmark("json one-shot: memcpy of the bytes (lower bound) (\(megabytes))") { benchmark in
    for _ in benchmark.scaledIterations {
      // A real copy (Array(x) would only share the buffer).
      let copy = [UInt8](unsafeUninitializedCapacity: actionArray.count) { buffer, count in
        count = actionArray.withUnsafeBytes { UnsafeMutableRawBufferPointer(buffer).copyMemory(from: $0); return $0.count }
      }
      blackHole(copy)
    }
  }
}
