// A preloaded allocator counter for scripts/callgrind.sh: counts the calls to malloc,
// calloc, realloc, posix_memalign, aligned_alloc and memalign, and forwards each to glibc.
// Benchmarks/Support/ProfileDriver reads the count around its measured run through
// `slate_malloc_count` (found with dlsym when this library is preloaded).
//   cc -O2 -shared -fPIC -o malloc-count.so scripts/malloc-count.c
//   LD_PRELOAD=./malloc-count.so ProfileDriver openai-chat-1000 65536
#include <stddef.h>
#include <stdint.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

static uint64_t count;

uint64_t slate_malloc_count(void) { return __atomic_load_n(&count, __ATOMIC_RELAXED); }

static inline void counted(void) { __atomic_add_fetch(&count, 1, __ATOMIC_RELAXED); }

void *malloc(size_t size) { counted(); return __libc_malloc(size); }
void *calloc(size_t n, size_t size) { counted(); return __libc_calloc(n, size); }
void *realloc(void *p, size_t size) { counted(); return __libc_realloc(p, size); }
void *memalign(size_t alignment, size_t size) { counted(); return __libc_memalign(alignment, size); }
void *aligned_alloc(size_t alignment, size_t size) { counted(); return __libc_memalign(alignment, size); }
int posix_memalign(void **out, size_t alignment, size_t size) {
  counted();
  void *p = __libc_memalign(alignment, size);
  if (p == NULL) { return 12; }  // ENOMEM
  *out = p;
  return 0;
}
