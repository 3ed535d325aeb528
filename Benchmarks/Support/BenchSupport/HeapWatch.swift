import CBenchHeap

/// The peak of live heap bytes above the level at creation, sampled by ``sample()``.
///
/// Benchmarks call ``sample()`` after every chunk they feed (and once at the end, while
/// the result is still alive), in a pass of their own outside the timed iterations: the
/// peak is what the work held at a chunk boundary, not a transient inside one call.
/// Allocations made before the watch was created (the input itself) are not counted.
/// O(arenas + bins) per sample.
public final class HeapWatch {
  let base: Int
  /// The highest live heap seen, minus the level at creation; never negative.
  public private(set) var peak = 0

  public init() { base = Int(slate_bench_heap_in_use()) }

  /// Records the current level.
  @inline(never)
  public func sample() {
    let now = Int(slate_bench_heap_in_use()) - base
    if now > peak { peak = now }
  }
}
