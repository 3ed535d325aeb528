// SHA-256 with the x86 SHA extensions. See include/CSHA256.h for the contract.
//
// The state is kept as two vectors in the order the round instruction wants, ABEF and
// CDGH (highest lane first). Each group of four rounds adds the next four schedule words to
// their round constants; `sha256rnds2` runs two rounds with the low half of that sum, then two
// with the high half (after the shuffle). The schedule (FIPS 180-4 §6.2.2 step 1,
// W[t] = σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16]) is built four words at a time:
// `sha256msg1` gives W[t-16] + σ0(W[t-15]), the W[t-7] words are added from the two groups
// before, and `sha256msg2` adds σ1(W[t-2]) (its last two from the words it just made).
#include "CSHA256.h"

// FIPS 180-4 §4.2.2: the round constants.
static const uint32_t round_constants[64] __attribute__((aligned(16))) = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

const uint32_t *slate_sha256_round_constants(void) { return round_constants; }

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>

int slate_sha256_has_extensions(void) {
  static int cached = -1;
  int known = __atomic_load_n(&cached, __ATOMIC_RELAXED);
  if (known >= 0) { return known; }
  unsigned int eax = 0, ebx = 0, ecx = 0, edx = 0;
  int has = 0;
  if (__get_cpuid(1, &eax, &ebx, &ecx, &edx)) {
    const int ssse3 = (ecx >> 9) & 1, sse41 = (ecx >> 19) & 1;
    if (ssse3 && sse41 && __get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) {
      has = (ebx >> 29) & 1;  // CPUID.(EAX=7,ECX=0):EBX.SHA[bit 29]
    }
  }
  __atomic_store_n(&cached, has, __ATOMIC_RELAXED);
  return has;
}


__attribute__((target("sha,ssse3,sse4.1")))
void slate_sha256_compress_extensions(uint32_t state[8], const uint8_t *data, size_t blocks) {
  // Each 32-bit word of the message is big-endian.
  const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  __m128i dcba = _mm_loadu_si128((const __m128i *)&state[0]);
  __m128i hgfe = _mm_loadu_si128((const __m128i *)&state[4]);
  __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
  __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
  __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
  __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);

  for (; blocks > 0; blocks--, data += 64) {
    const __m128i abef_before = abef, cdgh_before = cdgh;
    __m128i w[4];  // the schedule's last sixteen words, four per vector, in a ring
    for (int k = 0; k < 4; k++) {
      w[k] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16 * k)), byte_swap);
    }
    for (int group = 0; group < 16; group++) {
      __m128i sum = _mm_add_epi32(w[group & 3], _mm_load_si128((const __m128i *)&round_constants[4 * group]));
      // Two rounds make the old ABEF the new CDGH, so the two variables trade roles and,
      // after two more, hold ABEF and CDGH again.
      cdgh = _mm_sha256rnds2_epu32(cdgh, abef, sum);  // rounds 4g, 4g+1: `cdgh` is ABEF now
      sum = _mm_shuffle_epi32(sum, 0x0E);
      abef = _mm_sha256rnds2_epu32(abef, cdgh, sum);  // rounds 4g+2, 4g+3
      if (group < 12) {  // the words of group + 4 replace this group's
        const __m128i w0 = w[group & 3], w1 = w[(group + 1) & 3], w2 = w[(group + 2) & 3], w3 = w[(group + 3) & 3];
        __m128i next = _mm_sha256msg1_epu32(w0, w1);
        next = _mm_add_epi32(next, _mm_alignr_epi8(w3, w2, 4));
        w[group & 3] = _mm_sha256msg2_epu32(next, w3);
      }
    }
    abef = _mm_add_epi32(abef, abef_before);
    cdgh = _mm_add_epi32(cdgh, cdgh_before);
  }

  __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
  __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
  _mm_storeu_si128((__m128i *)&state[0], _mm_blend_epi16(feba, dchg, 0xF0));
  _mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(dchg, feba, 8));
}

#else

int slate_sha256_has_extensions(void) { return 0; }

void slate_sha256_compress_extensions(uint32_t state[8], const uint8_t *data, size_t blocks) {
  (void)state;
  (void)data;
  (void)blocks;
}

#endif
