// One-shot parsing of the final action text (the texts FramerBenchmarks frames, 1 MB and
// 10 MB; 1 MB only in quick mode): simdjson through the shim (Slate's path, and the lower
// bound of any incremental approach) against Foundation's JSONSerialization and
// JSONDecoder, and a plain copy of the bytes (the memory limit), in the same run.
import Benchmark
import BenchSupport
import Foundation
import SlateJSON

let benchmarks: @Sendable () -> Void = {
  let sizes = BenchMode.largeBytes == 1 << 20 ? [1 << 20] : [1 << 20, BenchMode.largeBytes]
  for size in sizes {
    let input = { ActionTextInput.of(bytes: size) }
    let name = "json.action-array-\(BenchMode.sizeName(size))"
    // The parser is reused across timed runs (its buffers already sized); the heap pass
    // uses a fresh one, so that the peak includes the parser's buffers.
    let parser = SimdjsonParser()
    measure("\(name).simdjson-validate(lower-bound)", counts: .actions, workload: { input().workload }) { watch in
      let error = (watch == nil ? parser : SimdjsonParser()).validate(input().padded)
      watch?.sample()
      return error == nil ? 1 : 0
    }
    measure("\(name).Slate-simdjson-to-JSONValue", counts: .actions, workload: { input().workload }) { watch in
      let value = try! (watch == nil ? parser : SimdjsonParser()).parse(input().padded)
      watch?.sample()
      return value.arrayValue?.count ?? 0
    }
    measure("\(name).JSONSerialization(peer)", counts: .actions, workload: { input().workload }) { watch in
      let value = try! JSONSerialization.jsonObject(with: Data(input().text))
      watch?.sample()
      return (value as? [Any])?.count ?? 0
    }
    measure("\(name).JSONDecoder-structs(peer)", counts: .actions, workload: { input().workload }) { watch in
      let actions = try! JSONDecoder().decode([SceneAction].self, from: Data(input().text))
      watch?.sample()
      return actions.count
    }
    measure("\(name).plain-copy(lower-bound)", counts: .actions, workload: { input().workload }) { watch in
      plainCopy(input().text, watch: watch)
    }
  }
}
