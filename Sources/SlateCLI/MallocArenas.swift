#if canImport(Glibc)
  import Glibc
#endif

/// glibc's allocator gives each thread that allocates while another holds the main arena an
/// arena of its own (up to 8 per core), and memory freed in one arena is not reused by
/// another. `slate replay` allocates on the concurrency pool's threads and on the ledger's:
/// with the default, a 30,000-action replay reached 142 MB resident over a 68 MB heap peak
/// (108 MB with one arena, 134 MB with two; the time did not change). `slate`'s commands
/// work one chunk or one batch at a time, so threads rarely allocate at once (`serve` and
/// `worker` included: a loopback server and an outbox loop), and it asks for one arena.
///
/// `MALLOC_ARENA_MAX` in the environment, when set, is left to decide. `mallopt` is found
/// with `dlsym` (Glibc's module map leaves `malloc.h` out); without it, nothing changes.
enum MallocArenas {
  /// `M_ARENA_MAX` in glibc's `malloc.h`.
  private static let arenaMax: Int32 = -8

  static func limit() {
    #if canImport(Glibc)
      guard getenv("MALLOC_ARENA_MAX") == nil, let symbol = dlsym(nil, "mallopt") else { return }
      let mallopt = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
      _ = mallopt(arenaMax, 1)
    #endif
  }
}
