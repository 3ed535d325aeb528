import SlateJSON
import SlateSchema
import Synchronization

extension Dispatcher {
  /// The most bytes of a rejected value an `action.rejected` event keeps (the event says
  /// the value's full size and whether it was cut).
  public static let rejectionBytesLimit = 64 * 1024

  /// Records the batch's rejections in the turn's event log, one `action.rejected` event
  /// each (its type, phase, index, byte offset, text range, errors, SHA-256 digest and
  /// bytes up to ``rejectionBytesLimit``), in one transaction; a rejection already
  /// recorded for the turn (same digest and index: a replayed batch) is not recorded again.
  /// The check reads, in the same transaction, only the events appended since this
  /// dispatcher's last look at the turn, and keeps what it read (``RejectionsSeen``: in
  /// pages, 1 MiB of them in memory at most, the rest in a temporary file), so a turn's
  /// rejections cost O(its events) in all, not per batch, and no memory per rejection.
  /// Complexity: O(events since the last look + the rejections' bytes).
  func recordRejections(_ rejections: [Rejection], turn: TurnID) async throws {
    guard !rejections.isEmpty else { return }
    let now = clock.now()
    let seen: RejectionsSeen
    if let known = rejectionsSeen[turn] {
      seen = known
    } else {
      seen = RejectionsSeen()
      rejectionsSeen[turn] = seen
    }
    let added = try await ledger.write { tx throws(LedgerError) -> (ids: Set<RejectionsSeen.ID>, last: Int64) in
      // A row at a time: the first rejection of a long turn meets every event before it.
      // What is read is committed: kept at once (a rollback of this transaction leaves it true).
      try tx.forEachEvent(turn: turn, after: seen.after) { event throws(LedgerError) in
        seen.read(event.sequence, event.kind == "action.rejected"
          ? RejectionsSeen.ID(digest: event.detail["digest"]?.stringValue ?? "", index: event.detail["index"] ?? .null)
          : nil)
      }
      // What is appended is kept once the transaction commits (below).
      var added: Set<RejectionsSeen.ID> = []
      var last: Int64 = 0
      for rejection in rejections {
        let digest = SHA256.hash(rejection.bytes).hex
        let index: JSONValue = rejection.index.map { .number(JSONNumber($0)) } ?? .null
        let id = RejectionsSeen.ID(digest: digest, index: index)
        guard !seen.contains(id), added.insert(id).inserted else { continue }
        last = max(last, try tx.appendEvent(LedgerEvent(
          turn: turn, at: now, kind: "action.rejected",
          detail: Dispatcher.rejectionDetail(rejection, digest: digest, index: index))))
      }
      return (added, last)
    }
    for id in added.ids { seen.read(added.last, id) }
  }

  /// The rejections of a turn's event log up to a sequence, as far as a dispatcher has read
  /// it: their identities (digest and index) in ``RejectionRecords`` (pages of 4 KiB, at
  /// most 256 in memory, past them an unlinked temporary file), and the last sequence read.
  /// An identity whose index is not an integer or null (never one the dispatcher writes) is
  /// kept in a set in memory. Dropped when the turn is finalised. Thread-safe (a lock): the
  /// ledger's transaction reads and adds while the dispatcher waits for it.
  final class RejectionsSeen: Sendable {
    /// A rejection's identity: its value's digest and its index.
    struct ID: Hashable, Sendable {
      var digest: String
      var index: JSONValue
    }

    private struct State: Sendable {
      var cache = PageCache(RejectionsSeen.memory)
      var records = RejectionRecords(pageSize: RejectionsSeen.memory.pageSize)
      var other: Set<String> = []
      var after: Int64 = 0
    }

    static let memory = TallyMemory(pageSize: 1 << 12, pages: 256)

    private let state = Mutex(State())

    deinit { state.withLock { $0.cache.close() } }

    /// The last sequence read.
    var after: Int64 { state.withLock { $0.after } }

    /// How many identities are kept.
    var count: Int { state.withLock { $0.records.count + $0.other.count } }

    /// The bytes of the pages in memory (at most ``memory``'s).
    var residentBytes: Int { state.withLock { $0.cache.residentBytes } }

    /// Notes that events up to `sequence` were read, and keeps `id` (an event's, if any).
    func read(_ sequence: Int64, _ id: ID?) {
      state.withLock { state in
        state.after = max(state.after, sequence)
        guard let id else { return }
        if let record = Self.record(id) {
          state.records.insert(record, digest: DispatchTally.KeyID(id.digest), &state.cache)
        } else {
          state.other.insert(Self.otherKey(id))
        }
      }
    }

    /// Whether `id` is kept.
    func contains(_ id: ID) -> Bool {
      state.withLock { state in
        guard let record = Self.record(id) else { return state.other.contains(Self.otherKey(id)) }
        return state.records.contains(record, digest: DispatchTally.KeyID(id.digest), &state.cache)
      }
    }

    /// The record of an identity whose index is null or an integer (its canonical JSON the
    /// integer's decimal digits), else nil.
    private static func record(_ id: ID) -> RejectionRecords.Record? {
      if case .null = id.index { return RejectionRecords.Record(index: nil) }
      let text = id.index.canonicalString
      guard let number = Int(text), String(number) == text else { return nil }
      return RejectionRecords.Record(index: number)
    }

    private static func otherKey(_ id: ID) -> String { id.digest + "#" + id.index.canonicalString }
  }

  static func rejectionDetail(_ rejection: Rejection, digest: String, index: JSONValue) -> JSONValue {
    var object = JSONObject()
    object.append(key: "type", value: rejection.type.map { .string($0) } ?? .null)
    object.append(key: "phase", value: rejection.phase.map { .string($0) } ?? .null)
    object.append(key: "index", value: index)
    object.append(key: "offset", value: rejection.rawOffset.map { .number(JSONNumber($0)) } ?? .null)
    if let range = rejection.textRange {
      object.append(key: "text_range", value: [.number(JSONNumber(range.lowerBound)), .number(JSONNumber(range.upperBound))])
    }
    object.append(key: "errors", value: .array(rejection.errors.map { error in
      ["code": .string(error.code.rawValue), "path": .string(error.instancePath), "message": .string(error.message)]
    }))
    object.append(key: "digest", value: .string(digest))
    object.append(key: "size", value: .number(JSONNumber(rejection.bytes.count)))
    let kept = rejection.bytes.prefix(rejectionBytesLimit)
    object.append(key: "truncated", value: .bool(kept.count < rejection.bytes.count))
    object.append(key: "bytes", value: .string(String(decoding: kept, as: UTF8.self)))
    return .object(object)
  }
}
