extension DispatchTally {
  /// The rejections (``DispatchResult/rejections``), made from their records. O(rejections).
  public var rejections: Set<DispatchResult.RejectionRef> {
    var out = Set<DispatchResult.RejectionRef>()
    keys.forEachRejection { record, digest in out.insert(rejectionRef(record, digest: digest)) }
    return out
  }

  /// How many rejections there are.
  public var rejectionCount: Int { keys.rejectionCount }

  /// Keeps a rejection (unless kept): its record (``RejectionRecords/Record``: its type and
  /// phase as name indices, its codes as an index into interned code lists, its index, its
  /// digest as 4 words) in ``keys``' pages, about 64 bytes with its place in the index and
  /// none of them in memory past the tally's ``memory`` (a ``DispatchResult/RejectionRef``
  /// in a set held ~470 bytes, heaptrack).
  mutating func addRejection(_ rejection: DispatchResult.RejectionRef) {
    let codes: UInt32
    if let known = codeListIndex[rejection.codes] {
      codes = known
    } else {
      codes = UInt32(codeLists.count)
      codeLists.append(rejection.codes)
      codeListIndex[rejection.codes] = codes
    }
    let record = RejectionRecords.Record(
      index: rejection.index, type: rejection.type.map { name($0) + 1 } ?? 0,
      phase: rejection.phase.map { name($0) + 1 } ?? 0, codes: codes)
    _ = keys.insertRejection(record, digest: KeyID(rejection.digest))
  }

  /// The rejection a record stands for.
  func rejectionRef(_ record: RejectionRecords.Record, digest: KeyID) -> DispatchResult.RejectionRef {
    DispatchResult.RejectionRef(type: record.type == 0 ? nil : names[Int(record.type - 1)],
                                phase: record.phase == 0 ? nil : names[Int(record.phase - 1)],
                                index: record.indexValue, codes: codeLists[Int(record.codes)], digest: digest.hex)
  }

  /// The `k`th rejection in ``DispatchResult/RejectionRef``'s order (index, none last; then
  /// digest; then the order they were kept in). The order is made in pages on first use.
  func rejection(ordered k: Int) -> DispatchResult.RejectionRef {
    let (record, digest) = keys.rejection(ordered: k)
    return rejectionRef(record, digest: digest)
  }
}
