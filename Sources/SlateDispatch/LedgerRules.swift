/// The record rules of ``DispatchLedger``'s contract, written once for every ledger: the
/// checks a record passes before it is written, and, when a guarded write (an SQL statement
/// whose `WHERE` carries the rule) changed nothing, which rule refused it, judged from what
/// is stored, in the protocol's order. So the in-memory, SQLite and PostgreSQL ledgers give
/// the same error for the same refusal. Each function is O(1).
public enum LedgerRules {
  /// A record keyed by a string (`what`: "effect", "entity") needs a key.
  public static func requireKey(_ key: String, of what: String) throws(LedgerError) {
    guard !key.isEmpty else { throw .invalidRecord(what: what, reason: "the key is empty") }
  }

  /// A new action has a key and fencing token 0.
  public static func checkNew(_ record: ActionRecord) throws(LedgerError) {
    try requireKey(record.key.hex, of: "action")
    guard record.fencingToken == 0 else {
      throw .invalidRecord(what: "action", reason: "a new action's fencing token must be 0, not \(record.fencingToken)")
    }
  }

  /// Why an insert of a record of `turn` keyed `key` was refused: its turn does not exist,
  /// else the key is taken.
  public static func insertRefusal(_ what: String, key: String, turn: TurnID, turnExists: Bool) -> LedgerError {
    turnExists ? .duplicateKey(what: what, key: key) : .notFound(what: "turn", key: turn.rawValue)
  }

  /// Why a revision-guarded update was refused: no such record (`found` nil), else a stale
  /// revision; when the revision matched, `immutable` (the record changed what cannot change).
  public static func revisionRefusal(_ what: String, key: String, expected: Int, found: Int?,
                                     immutable: String = "") -> LedgerError
  {
    guard let found else { return .notFound(what: what, key: key) }
    guard found == expected else { return .staleRevision(what: what, key: key, expected: expected, found: found) }
    return .invalidRecord(what: what, reason: immutable)
  }

  /// Why ``LedgerTransaction/updateAction(_:expectedToken:)`` was refused, given the stored
  /// fencing token (nil: no such action): not found, fenced, a token going backwards, else
  /// the declaring turn changed.
  public static func actionUpdateRefusal(_ record: ActionRecord, expectedToken: Int64, storedToken: Int64?)
    -> LedgerError
  {
    guard let storedToken else { return .notFound(what: "action", key: record.scope.key + " " + record.key.hex) }
    guard storedToken == expectedToken else {
      return .fenced(key: record.key.readable, presented: expectedToken, current: storedToken)
    }
    guard record.fencingToken >= expectedToken else {
      return .invalidRecord(what: "action", reason: "fencing token \(record.fencingToken) goes back from \(expectedToken)")
    }
    return .invalidRecord(what: "action", reason: "the declaring turn cannot change")
  }

  /// What an effect's update may not change.
  public static let effectIdentity = "the kind, turn and action of an effect cannot change"
}
