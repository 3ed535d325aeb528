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
  /// Complexity: O(the turn's events + the rejections' bytes).
  func recordRejections(_ rejections: [Rejection], turn: TurnID) async throws {
    guard !rejections.isEmpty else { return }
    let now = clock.now()
    try await ledger.write { tx throws(LedgerError) in
      var seen = Set<String>()
      for event in try tx.events(turn: turn, after: 0) where event.kind == "action.rejected" {
        seen.insert((event.detail["digest"]?.stringValue ?? "") + "#" + (event.detail["index"]?.canonicalString ?? ""))
      }
      for rejection in rejections {
        let digest = SHA256.hash(rejection.bytes).hex
        let index: JSONValue = rejection.index.map { .number(JSONNumber($0)) } ?? .null
        guard seen.insert(digest + "#" + index.canonicalString).inserted else { continue }
        try tx.appendEvent(LedgerEvent(turn: turn, at: now, kind: "action.rejected",
                                       detail: Dispatcher.rejectionDetail(rejection, digest: digest, index: index)))
      }
    }
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
