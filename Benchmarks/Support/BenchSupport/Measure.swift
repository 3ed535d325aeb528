import Benchmark

/// Slate's custom metrics, recorded outside the timed region of each iteration.
public enum SlateMetric {
  /// Bytes of input one iteration processes.
  public static let bytes = BenchmarkMetric.custom("Input (bytes)", polarity: .prefersLarger, useScalingFactor: false)
  /// Actions (values) one iteration produces.
  public static let actions = BenchmarkMetric.custom("Actions", polarity: .prefersLarger, useScalingFactor: false)
  /// SSE events one iteration produces.
  public static let events = BenchmarkMetric.custom("Events", polarity: .prefersLarger, useScalingFactor: false)
  /// Peak live heap above the start while one iteration runs (``HeapWatch``).
  public static let heapPeak = BenchmarkMetric.custom("Heap peak (bytes)", polarity: .prefersSmaller,
                                                      useScalingFactor: false)
}

/// What one iteration of a benchmark processes: its input bytes and, where it counts them,
/// the actions or events it produced (the denominators of per-byte and per-action figures).
public struct Workload: Sendable {
  public var bytes: Int
  public var actions: Int?
  public var events: Int?

  public init(bytes: Int, actions: Int? = nil, events: Int? = nil) {
    self.bytes = bytes
    self.actions = actions
    self.events = events
  }
}

/// What a workload counts besides bytes, declared when the benchmark is registered (the
/// metrics a benchmark reports are fixed before it runs).
public enum Counted: Sendable {
  case bytesOnly, actions, events
}

/// Registers a benchmark whose iteration is one call of `run(nil)`.
///
/// Metrics: wall clock and throughput (reported, never gated), `mallocCountTotal` (gated by
/// `Thresholds/` within ``BenchMode/mallocTolerance``), the workload (input bytes, and actions or events), and with
/// `heap` the peak live heap of one more call, `run(watch)`, made once outside the timed
/// region. `workload` is read after the timed region (the input exists by then: the
/// warm-up iteration built it). `run` returns something derived from its work, which is
/// black-holed so the optimiser keeps the work. Names carry no spaces or slashes
/// (``checkName(_:)``).
public func measure(_ name: String, pace: BenchMode.Pace = .normal, counts: Counted = .bytesOnly, heap: Bool = true,
                    workload: @escaping () -> Workload, _ run: @escaping (HeapWatch?) -> Int)
{
  checkName(name)
  let metrics = streamMetrics(counts: counts, heap: heap)
  Benchmark(name, configuration: BenchMode.configuration(metrics, pace: pace)) { benchmark in
    blackHole(run(nil))
    benchmark.stopMeasurement()
    record(workload(), counts, in: benchmark)
    if heap && benchmark.currentIteration == benchmark.configuration.warmupIterations {
      let watch = HeapWatch()
      blackHole(run(watch))
      benchmark.measurement(SlateMetric.heapPeak, watch.peak)
    }
  }
}

/// Registers a benchmark of one operation: each iteration runs `operation(0..<1000)`
/// (`scalingFactor: .kilo`), so time and malloc counts read per operation.
public func measureEach(_ name: String, _ operation: @escaping (Int) -> Int) {
  checkName(name)
  let metrics: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal]
  Benchmark(name, configuration: BenchMode.configuration(metrics, pace: .perOperation)) { benchmark in
    for i in benchmark.scaledIterations { blackHole(operation(i)) }
  }
}

/// Package-benchmark writes threshold files under a cleaned name (spaces and slashes
/// replaced) but reads them under the raw one, so a name with either could never be checked.
func checkName(_ name: String) {
  precondition(!name.contains(" ") && !name.contains("/"), "benchmark names carry no spaces or slashes: \(name)")
}

/// The metrics of a benchmark that processes a workload.
func streamMetrics(counts: Counted, heap: Bool) -> [BenchmarkMetric] {
  var metrics: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal, SlateMetric.bytes]
  switch counts {
  case .bytesOnly: break
  case .actions: metrics.append(SlateMetric.actions)
  case .events: metrics.append(SlateMetric.events)
  }
  if heap { metrics.append(SlateMetric.heapPeak) }
  return metrics
}

func record(_ workload: Workload, _ counts: Counted, in benchmark: Benchmark) {
  benchmark.measurement(SlateMetric.bytes, workload.bytes)
  switch counts {
  case .bytesOnly: break
  case .actions: benchmark.measurement(SlateMetric.actions, workload.actions ?? 0)
  case .events: benchmark.measurement(SlateMetric.events, workload.events ?? 0)
  }
}

/// Registers an async benchmark: each iteration calls `prepare()` untimed (a fresh ledger,
/// a turn already dispatched once …), then `run(prepared, nil)` timed. Metrics as for
/// ``measure(_:pace:counts:heap:workload:_:)``; the heap pass prepares anew and calls
/// `run(prepared, watch)` once, outside the timed region.
public func measureAsync<Prepared>(
  _ name: String, pace: BenchMode.Pace = .normal, counts: Counted = .bytesOnly, heap: Bool = true,
  workload: @escaping () -> Workload, prepare: @escaping () async -> Prepared,
  _ run: @escaping (Prepared, HeapWatch?) async -> Int
) {
  checkName(name)
  let metrics = streamMetrics(counts: counts, heap: heap)
  Benchmark(name, configuration: BenchMode.configuration(metrics, pace: pace)) { benchmark async in
    let prepared = await prepare()
    benchmark.startMeasurement()
    blackHole(await run(prepared, nil))
    benchmark.stopMeasurement()
    record(workload(), counts, in: benchmark)
    if heap && benchmark.currentIteration == benchmark.configuration.warmupIterations {
      let again = await prepare()
      let watch = HeapWatch()
      blackHole(await run(again, watch))
      benchmark.measurement(SlateMetric.heapPeak, watch.peak)
    }
  }
}
