import Benchmark
import Foundation

/// How long and on how much the suites run.
///
/// Full mode (the default) is for reading numbers: up to 100 iterations or 2 seconds per
/// benchmark, inputs up to 10 MB. Quick mode (`SLATE_BENCH_QUICK=1`, what CI runs) is for
/// checking that every suite builds and runs and that allocation counts have not moved:
/// 3 iterations, inputs of at most 1 MB, and the slowest peers on their smallest inputs only.
/// Benchmark names carry their input sizes, so the two modes never share a name (the
/// committed allocation thresholds are the quick mode's).
public enum BenchMode {
  /// `SLATE_BENCH_QUICK=1` in the environment.
  public static let quick = ProcessInfo.processInfo.environment["SLATE_BENCH_QUICK"] == "1"

  /// The large input: 10 MB, or 1 MB in quick mode.
  public static let largeBytes = quick ? 1 << 20 : 10 << 20

  /// Stream sizes for time per byte as the stream grows: 64 KB, 1 MB, 8 MB (quick: 64 KB, 1 MB).
  public static let growthBytes = quick ? [64 << 10, 1 << 20] : [64 << 10, 1 << 20, 8 << 20]

  /// A short name for a byte count: `64KB`, `1MB`, `10MB` (binary units, as the inputs are built).
  public static func sizeName(_ bytes: Int) -> String {
    bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? "\(bytes >> 20)MB"
      : bytes >= 1 << 10 && bytes % (1 << 10) == 0 ? "\(bytes >> 10)KB" : "\(bytes)B"
  }

  /// How many iterations a benchmark gets.
  public enum Pace: Sendable {
    /// Up to 100 iterations or 2 s (quick: 3).
    case normal
    /// Seconds per iteration: up to 5 iterations or 5 s (quick: 2).
    case slow
    /// One iteration is 1,000 operations (`scalingFactor: .kilo`), so every metric reads
    /// per operation: up to 1,000 iterations or 2 s (quick: 3).
    case perOperation
  }

  /// The allowed drift of a gated malloc count: 2% of the committed p90, either way.
  ///
  /// Most counts are exact run to run, but not all. Swift sizes array and string storage
  /// by what `malloc_usable_size` reports, and glibc sometimes hands out a chunk up to 31
  /// bytes larger than asked (it does not split off a remainder too small to use),
  /// depending on the heap's history, which other threads of the benchmark process (the
  /// harness's) also write to; a larger capacity saves a later reallocation. Measured here:
  /// the pipeline over corpus-real moves by up to 4 of 11,000 mallocs between iterations
  /// of one process, and about one process in ten runs the Corpus/ pipeline in 1-byte
  /// chunks with 0.9% fewer mallocs than the others. 2% absorbs that and still catches one
  /// more malloc per event, per framed value or per operation.
  public static var mallocTolerance: BenchmarkThresholds { BenchmarkThresholds(relative: [.p90: 2.0]) }

  /// The configuration of a benchmark measuring `metrics` at `pace`. Time metrics are
  /// reported, never gated; the malloc count is gated by `Thresholds/` (Slate's own
  /// benchmarks only, see scripts/bench.sh) within ``mallocTolerance``.
  public static func configuration(_ metrics: [BenchmarkMetric], pace: Pace = .normal) -> Benchmark.Configuration {
    let maxIterations: Int
    let maxDuration: Duration
    switch pace {
    case .normal: (maxIterations, maxDuration) = quick ? (3, .seconds(1)) : (100, .seconds(2))
    case .slow: (maxIterations, maxDuration) = quick ? (2, .seconds(2)) : (5, .seconds(5))
    case .perOperation: (maxIterations, maxDuration) = quick ? (3, .seconds(1)) : (1_000, .seconds(2))
    }
    var units: [BenchmarkMetric: BenchmarkUnits] = [:]
    for metric in metrics where metric != .wallClock && metric != .throughput { units[metric] = .count }
    return Benchmark.Configuration(
      metrics: metrics,
      units: units,
      warmupIterations: 1,
      scalingFactor: pace == .perOperation ? .kilo : .one,
      maxDuration: maxDuration,
      maxIterations: maxIterations,
      thresholds: [.mallocCountTotal: mallocTolerance]
    )
  }
}
