import SlateJSON
import SlateSchema

extension Dispatcher {
  /// The most bytes of a rejected value an `action.rejected` event keeps (the event says
  /// the value's full size and whether it was cut).
  public static let rejectionBytesLimit = 64 * 1024

  /// Records the batch's rejections in the turn's event log, one `action.rejected` event
  /// each (its type, phase, index, byte offset, text range, errors, SHA-256 digest and
  /// bytes up to ``rejectionBytesLimit``), in one transaction; a rejection already
  /// recorded for the turn (same digest and index: a replayed batch) is not recorded again.
  /// The check reads, in the same transaction, only the events appended since this
  /// dispatcher's last look at the turn (``RejectionsSeen``), so a turn's rejections cost
  /// O(its events) in all, not per batch. Complexity: O(events since the last look + the
  /// rejections' bytes).
  func recordRejections(_ rejections: [Rejection], turn: TurnID) async throws {
    guard !rejections.isEmpty else { return }
    let now = clock.now()
    let known = rejectionsSeen[turn] ?? RejectionsSeen()
    let seen = try await ledger.write { tx throws(LedgerError) -> RejectionsSeen in
      var seen = known
      // A row at a time: the first rejection of a long turn meets every event before it.
      try tx.forEachEvent(turn: turn, after: seen.after) { event throws(LedgerError) in
        seen.after = max(seen.after, event.sequence)
        if event.kind == "action.rejected" {
          seen.ids.insert(RejectionsSeen.id(digest: event.detail["digest"]?.stringValue ?? "",
                                            index: event.detail["index"] ?? .null))
        }
      }
      for rejection in rejections {
        let digest = SHA256.hash(rejection.bytes).hex
        let index: JSONValue = rejection.index.map { .number(JSONNumber($0)) } ?? .null
        guard seen.ids.insert(RejectionsSeen.id(digest: digest, index: index)).inserted else { continue }
        seen.after = max(seen.after, try tx.appendEvent(LedgerEvent(
          turn: turn, at: now, kind: "action.rejected",
          detail: Dispatcher.rejectionDetail(rejection, digest: digest, index: index))))
      }
      return seen
    }
    rejectionsSeen[turn] = seen
  }

  /// The rejections of a turn's event log up to a sequence: their identities (digest and
  /// index) and the last sequence read.
  struct RejectionsSeen: Sendable {
    /// A rejection's identity: its value's digest (4 words when it is a SHA-256 hex, as
    /// every one the dispatcher writes is) and its index's canonical JSON (a short string,
    /// kept inline): no allocation per rejection (a `digest#index` string took ~500 bytes).
    struct ID: Hashable, Sendable {
      var digest: DispatchTally.KeyID
      var index: String
    }

    var ids: Set<ID> = []
    var after: Int64 = 0

    static func id(digest: String, index: JSONValue) -> ID { ID(digest: DispatchTally.KeyID(digest), index: index.canonicalString) }
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
