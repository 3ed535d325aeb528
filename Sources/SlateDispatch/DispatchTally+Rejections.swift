/// The rejections of a ``DispatchTally``, compactly: per rejection its type and phase as
/// name indices, its codes as an index into interned code lists, its index, and its digest
/// as 4 words (a SHA-256 hex) — no allocation of its own, about 90 bytes in the set where a
/// ``DispatchResult/RejectionRef`` held ~470 (its codes array and digest string, heaptrack).
/// The mapping is one-to-one, so the set holds what a set of the refs holds.
struct CompactRejection: Hashable, Sendable {
  /// `name + 1`; 0 for none.
  var type: UInt32
  /// `name + 1`; 0 for none.
  var phase: UInt32
  var codes: UInt32
  var hasIndex: Bool
  var index: Int
  var digest: DispatchTally.KeyID
}

extension DispatchTally {
  /// The rejections (``DispatchResult/rejections``), made from their compact form. O(rejections).
  public var rejections: Set<DispatchResult.RejectionRef> { Set(compactRejections.map(rejectionRef)) }

  /// How many rejections there are.
  public var rejectionCount: Int { compactRejections.count }

  /// Keeps a rejection.
  mutating func addRejection(_ rejection: DispatchResult.RejectionRef) {
    let codes: UInt32
    if let known = codeListIndex[rejection.codes] {
      codes = known
    } else {
      codes = UInt32(codeLists.count)
      codeLists.append(rejection.codes)
      codeListIndex[rejection.codes] = codes
    }
    compactRejections.insert(CompactRejection(
      type: rejection.type.map { name($0) + 1 } ?? 0, phase: rejection.phase.map { name($0) + 1 } ?? 0, codes: codes,
      hasIndex: rejection.index != nil, index: rejection.index ?? 0, digest: KeyID(rejection.digest)))
  }

  /// The rejection a compact one stands for.
  func rejectionRef(_ compact: CompactRejection) -> DispatchResult.RejectionRef {
    DispatchResult.RejectionRef(type: compact.type == 0 ? nil : names[Int(compact.type - 1)],
                                phase: compact.phase == 0 ? nil : names[Int(compact.phase - 1)],
                                index: compact.hasIndex ? compact.index : nil, codes: codeLists[Int(compact.codes)],
                                digest: compact.digest.hex)
  }

  /// The rejections in ``DispatchResult/RejectionRef``'s order (index, none last; then digest).
  func sortedRejections() -> [CompactRejection] {
    compactRejections.sorted { a, b in
      let (x, y) = (a.hasIndex ? a.index : Int.max, b.hasIndex ? b.index : Int.max)
      return x != y ? x < y : KeyID.precedes(a.digest, b.digest)
    }
  }
}
