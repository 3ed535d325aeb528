// SHA-256 block compression with the x86 SHA extensions (SHA-NI), for SlateSchema's
// `SHA256`, which keeps its portable Swift compression for every other processor.
//
// The kernel is compiled for the SHA, SSSE3 and SSE4.1 instructions with target attributes
// and chosen at run time (CPUID), so a portable build runs it only where the processor has
// them. On other architectures the functions exist and report no support.
#ifndef SLATE_CSHA256_H
#define SLATE_CSHA256_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// FIPS 180-4 §4.2.2's 64 round constants (static storage), shared by the kernel here and
/// the portable Swift rounds.
const uint32_t *slate_sha256_round_constants(void);

/// 1 when this processor has the SHA extensions (and SSSE3, SSE4.1) the kernel uses, else 0.
/// Computed once; O(1).
int slate_sha256_has_extensions(void);

/// FIPS 180-4 §6.2.2 over `blocks` consecutive 64-byte blocks at `data`, updating `state`
/// (H0..H7, host order). Call only when `slate_sha256_has_extensions()` is 1. O(blocks).
void slate_sha256_compress_extensions(uint32_t state[8], const uint8_t *data, size_t blocks);

#ifdef __cplusplus
}
#endif

#endif
