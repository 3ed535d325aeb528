// SHA-256: Slate's hand-written digest (SlateSchema.SHA256, used for idempotency keys and
// batch content ids) against swift-crypto's `SHA256` (BoringSSL's assembly on Linux), on
// inputs the engine hashes: an idempotency key's fields (prefix, namespace, a film
// action's canonical bytes, each length-prefixed: about 100-300 bytes), and a 64 KB input
// (a large batch or rejected body). Both produce the same digest (checked at start-up), so
// the comparison is of speed only. Per operation: one iteration is 1,000 digests.
//
// Issue 16 asked whether the engine should depend on swift-crypto; this suite is the
// measurement (the engine itself depends on simdjson and the standard library only).
import Benchmark
import BenchSupport
import Crypto
import Foundation
import SlateJSON
import SlateSchema

/// The canonical bytes of the representative film actions.
let keyInputs: [[UInt8]] = {
  let corpus = SharedFiles.projectRoot.appendingPathComponent("Corpus/schemas/film-actions.jsonl")
  let parser = SimdjsonParser()
  return SharedFiles.load(corpus).split(separator: UInt8(ascii: "\n")).map { line in
    do { return try parser.parse(PaddedBytes(line)).canonicalBytes } catch { fatalError("film-actions.jsonl: \(error)") }
  }
}()

/// A key's fields as `IdempotencyKey` feeds them: each an 8-byte big-endian length, then its bytes.
func keyMessage(_ payload: [UInt8]) -> [UInt8] {
  var out: [UInt8] = []
  for field in [Array("slate.key.v1".utf8), Array("film".utf8), payload] {
    let count = UInt64(field.count)
    for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: count >> UInt64(shift))) }
    out.append(contentsOf: field)
  }
  return out
}

let keyMessages = keyInputs.map { keyMessage($0) }
/// 64 KB of varied bytes (a multiplicative hash of the index).
let large: [UInt8] = (0..<65_536).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 13) }

/// A digest in lower-case hexadecimal, built as `SlateSchema.SHA256.Digest.hex` builds it,
/// so that both key-path rows do the same work after hashing.
func lowerHex(_ digest: some Sequence<UInt8>) -> String {
  let bytes = Array(digest)
  return String(unsafeUninitializedCapacity: bytes.count * 2) { out in
    func digit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x57 + nibble }
    for (k, byte) in bytes.enumerated() {
      out[2 * k] = digit(byte >> 4)
      out[2 * k + 1] = digit(byte & 0x0F)
    }
    return bytes.count * 2
  }
}

/// Both implementations must agree before either is timed.
func checkAgreement() {
  for message in keyMessages + [large, []] {
    let ours = SlateSchema.SHA256.hash(message).bytes
    let theirs = Array(Crypto.SHA256.hash(data: message))
    precondition(ours == theirs, "SHA-256 implementations disagree on a \(message.count)-byte input")
  }
}

let benchmarks: @Sendable () -> Void = {
  checkAgreement()
  let count = keyMessages.count

  // The key path as IdempotencyKey runs it: three length-prefixed fields, then the hex.
  measureEach("digest.key-fields.Slate-SHA256(fields,hex)") { i in
    var hasher = SlateSchema.SHA256()
    hasher.updateField("slate.key.v1".utf8)
    hasher.updateField("film".utf8)
    hasher.updateField(keyInputs[i % count])
    return hasher.finalize().hex.utf8.count
  }
  measureEach("digest.key-fields.swift-crypto-SHA256(fields,hex)") { i in
    var hasher = Crypto.SHA256()
    hasher.update(data: keyMessages[i % count])
    return lowerHex(hasher.finalize()).utf8.count
  }

  measureEach("digest.64KB.Slate-SHA256") { _ in
    SlateSchema.SHA256.hash(large).bytes[0] == 0 ? 0 : 1
  }
  measureEach("digest.64KB.swift-crypto-SHA256") { _ in
    Crypto.SHA256.hash(data: large).withUnsafeBytes { Int($0[0]) }
  }
}
