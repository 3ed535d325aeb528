#ifndef SLATE_BENCH_HEAP_H
#define SLATE_BENCH_HEAP_H

#include <stddef.h>

/// Bytes the C allocator has handed out and not yet taken back, over every arena
/// (glibc: `mallinfo2().uordblks + mallinfo2().hblkhd`, i.e. chunks in use plus mmapped
/// chunks). 0 where the C library offers no such count. O(arenas + bins): call it between
/// chunks, never per byte.
size_t slate_bench_heap_in_use(void);

#endif
