import CSHA256

/// SHA-256 (FIPS 180-4 §6.2), with no crypto library: the x86 SHA extensions where the
/// processor has them (`CSHA256`, chosen at run time), else a portable Swift compression.
///
/// Used for idempotency-key digests and batch content ids: integrity against accidents and
/// collisions, not a secret. Streaming: ``update(_:)`` any number of times, then
/// ``finalize()``. Contiguous input (arrays, slices, native strings' UTF-8) is compressed in
/// place, whole blocks at a time; other sequences go through the block buffer byte by byte.
/// Complexity: O(bytes) time, O(1) memory (one 64-byte block buffered, inline: no
/// allocation but the digest's bytes).
public struct SHA256: Sendable {
  /// The 32-byte digest.
  public struct Digest: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    /// Lower-case hexadecimal, 64 characters.
    public var hex: String {
      String(unsafeUninitializedCapacity: bytes.count * 2) { out in
        @inline(__always) func digit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x57 + nibble }
        for (k, byte) in bytes.enumerated() {
          out[2 * k] = digit(byte >> 4)
          out[2 * k + 1] = digit(byte & 0x0F)
        }
        return bytes.count * 2
      }
    }

    public var description: String { hex }
  }

  /// Whether this process compresses with the processor's SHA extensions.
  static let extensionsAvailable = slate_sha256_has_extensions() != 0

  /// FIPS 180-4 §4.2.2: "the first thirty-two bits of the fractional parts of the cube
  /// roots of the first sixty-four prime numbers" (`CSHA256`'s table, its kernel's too).
  nonisolated(unsafe) private static let k = UnsafeBufferPointer(start: slate_sha256_round_constants(), count: 64)

  /// FIPS 180-4 §5.3.3: the initial hash value H(0).
  private var state: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
    0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19
  )
  /// The block being filled (64 bytes, inline), and how many of its bytes are filled.
  private var block: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
  private var blockCount = 0
  private var totalBytes: UInt64 = 0
  /// Whether whole blocks go to the SHA extensions (false: the portable compression).
  private let usesExtensions: Bool

  public init() { usesExtensions = SHA256.extensionsAvailable }

  /// A hasher that never uses the SHA extensions (tests compare both paths).
  init(portable: Bool) { usesExtensions = portable ? false : SHA256.extensionsAvailable }

  /// The digest of `bytes` in one call.
  public static func hash(_ bytes: some Sequence<UInt8>) -> Digest {
    var hasher = SHA256()
    hasher.update(bytes)
    return hasher.finalize()
  }

  public mutating func update(_ bytes: some Sequence<UInt8>) {
    let contiguous: Void? = bytes.withContiguousStorageIfAvailable { update(bytes: UnsafeRawBufferPointer($0)) }
    if contiguous == nil {
      for byte in bytes { append(byte) }
    }
  }

  /// Hashes `bytes`: the buffered block is completed first, then whole blocks are
  /// compressed straight from `bytes`, and the rest is buffered. O(bytes).
  public mutating func update(bytes: UnsafeRawBufferPointer) {
    guard var p = bytes.baseAddress, bytes.count > 0 else { return }
    var n = bytes.count
    totalBytes &+= UInt64(n)
    if blockCount > 0 {
      let take = min(64 - blockCount, n)
      let at = blockCount
      withUnsafeMutableBytes(of: &block) { ($0.baseAddress! + at).copyMemory(from: p, byteCount: take) }
      blockCount += take
      p += take
      n -= take
      guard blockCount == 64 else { return }
      compressBuffered()
    }
    let whole = n / 64
    if whole > 0 {
      compress(p, blocks: whole)
      p += whole * 64
      n -= whole * 64
    }
    if n > 0 {
      withUnsafeMutableBytes(of: &block) { $0.baseAddress!.copyMemory(from: p, byteCount: n) }
      blockCount = n
    }
  }

  @inline(__always)
  private mutating func append(_ byte: UInt8) {
    let at = blockCount
    withUnsafeMutableBytes(of: &block) { $0[at] = byte }
    blockCount += 1
    totalBytes &+= 1
    if blockCount == 64 { compressBuffered() }
  }

  /// Compresses the full block buffer and empties it.
  private mutating func compressBuffered() {
    var full = block
    withUnsafeBytes(of: &full) { compress($0.baseAddress!, blocks: 1) }
    blockCount = 0
  }

  /// Appends a 64-bit big-endian integer.
  private mutating func append(bigEndian value: UInt64) {
    var big = value.bigEndian
    withUnsafeBytes(of: &big) { update(bytes: $0) }
  }

  /// Appends a length-prefixed field (8-byte big-endian length, then the bytes), so that a
  /// sequence of fields hashes unambiguously.
  public mutating func updateField(_ bytes: some Collection<UInt8>) {
    append(bigEndian: UInt64(bytes.count))
    update(bytes)
  }

  /// ``updateField(_:)`` of an array's bytes, in place (not through the generic path).
  public mutating func updateField(_ bytes: [UInt8]) {
    append(bigEndian: UInt64(bytes.count))
    bytes.withUnsafeBytes { update(bytes: $0) }
  }

  /// ``updateField(_:)`` of a string's UTF-8 bytes, in place.
  public mutating func updateField(_ text: String) {
    var text = text
    text.withUTF8 { utf8 in
      append(bigEndian: UInt64(utf8.count))
      update(bytes: UnsafeRawBufferPointer(utf8))
    }
  }

  /// FIPS 180-4 §5.1.1 padding (a 1 bit, zeros, the 64-bit message length), then the digest.
  public mutating func finalize() -> Digest {
    let bitLength = totalBytes &* 8
    // 0x80, zeros to 56 bytes past a block boundary, the length: 9 to 72 bytes.
    let padding = blockCount < 56 ? 56 - blockCount : 120 - blockCount
    withUnsafeTemporaryAllocation(byteCount: padding + 8, alignment: 8) { tail in
      tail.initializeMemory(as: UInt8.self, repeating: 0)
      tail[0] = 0x80
      tail.storeBytes(of: bitLength.bigEndian, toByteOffset: padding, as: UInt64.self)
      update(bytes: UnsafeRawBufferPointer(tail))
    }
    let words = state
    let out = [UInt8](unsafeUninitializedCapacity: 32) { buffer, count in
      withUnsafeBytes(of: words) { raw in
        for k in 0..<8 {
          let word = raw.loadUnaligned(fromByteOffset: 4 * k, as: UInt32.self)
          for b in 0..<4 { buffer[4 * k + b] = UInt8(truncatingIfNeeded: word >> UInt32(24 - 8 * b)) }
        }
      }
      count = 32
    }
    return Digest(bytes: out)
  }

  /// Compresses `blocks` whole blocks at `data` into the state, with the SHA extensions or
  /// the portable rounds.
  private mutating func compress(_ data: UnsafeRawPointer, blocks: Int) {
    if usesExtensions {
      withUnsafeMutableBytes(of: &state) {
        slate_sha256_compress_extensions($0.baseAddress!.assumingMemoryBound(to: UInt32.self),
                                         data.assumingMemoryBound(to: UInt8.self), blocks)
      }
    } else {
      for k in 0..<blocks { compressPortable(data + 64 * k) }
    }
  }

  /// FIPS 180-4 §6.2.2: the message schedule and the 64 rounds over the block at `data`.
  private mutating func compressPortable(_ data: UnsafeRawPointer) {
    let k = SHA256.k
    withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
      for t in 0..<16 {
        w[t] = UInt32(bigEndian: data.loadUnaligned(fromByteOffset: 4 * t, as: UInt32.self))
      }
      for t in 16..<64 {
        let (x, y) = (w[t - 15], w[t - 2])
        let s0 = x.rotatedRight(7) ^ x.rotatedRight(18) ^ (x >> 3)
        let s1 = y.rotatedRight(17) ^ y.rotatedRight(19) ^ (y >> 10)
        w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
      }
      var (a, b, c, d, e, f, g, h) = state
      // Eight rounds per pass with the working variables' roles rotated in the arguments
      // instead of moving eight values at every round (FIPS 180-4 §6.2.2 step 3 as written).
      var t = 0
      while t < 64 {
        SHA256.round(a, b, c, &d, e, f, g, &h, k[t] &+ w[t])
        SHA256.round(h, a, b, &c, d, e, f, &g, k[t + 1] &+ w[t + 1])
        SHA256.round(g, h, a, &b, c, d, e, &f, k[t + 2] &+ w[t + 2])
        SHA256.round(f, g, h, &a, b, c, d, &e, k[t + 3] &+ w[t + 3])
        SHA256.round(e, f, g, &h, a, b, c, &d, k[t + 4] &+ w[t + 4])
        SHA256.round(d, e, f, &g, h, a, b, &c, k[t + 5] &+ w[t + 5])
        SHA256.round(c, d, e, &f, g, h, a, &b, k[t + 6] &+ w[t + 6])
        SHA256.round(b, c, d, &e, f, g, h, &a, k[t + 7] &+ w[t + 7])
        t += 8
      }
      state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d, state.4 &+ e, state.5 &+ f, state.6 &+ g,
               state.7 &+ h)
    }
  }

  /// One round: T1 = h + Σ1(e) + Ch(e, f, g) + (K[t] + W[t]), T2 = Σ0(a) + Maj(a, b, c);
  /// d += T1 and h = T1 + T2 (the caller renames the rest). Ch as g ^ (e & (f ^ g)) and Maj
  /// as (a & b) | (c & (a | b)), the same functions in fewer operations.
  @inline(__always)
  private static func round(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32, _ e: UInt32, _ f: UInt32,
                            _ g: UInt32, _ h: inout UInt32, _ kw: UInt32)
  {
    let t1 = h &+ (e.rotatedRight(6) ^ e.rotatedRight(11) ^ e.rotatedRight(25)) &+ (g ^ (e & (f ^ g))) &+ kw
    let t2 = (a.rotatedRight(2) ^ a.rotatedRight(13) ^ a.rotatedRight(22)) &+ ((a & b) | (c & (a | b)))
    d = d &+ t1
    h = t1 &+ t2
  }
}

extension UInt32 {
  /// Rotation right by `n` bits, 0 < n < 32.
  @inline(__always)
  fileprivate func rotatedRight(_ n: UInt32) -> UInt32 { (self &>> n) | (self &<< (32 &- n)) }
}
