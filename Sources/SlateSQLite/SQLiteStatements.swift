import SlateDispatch

/// The ledger's SQL, each text built once: the connection's statement cache is keyed by
/// the text, so a hot path looks its prepared statement up without building a string.
///
/// Inserts that meet a unique key do nothing (`ON CONFLICT … DO NOTHING`) and report zero
/// changed rows, which the caller turns into `ledger.duplicate_key` with the transaction
/// still usable. Inserts of a child row check the parent turn in the same statement
/// (`INSERT … SELECT … WHERE EXISTS`), so the hot path is one statement; the rarer
/// zero-change case reads to tell a missing turn from a duplicate. Guarded updates
/// (`WHERE … AND revision = ?`, `AND fencing_token = ?`) likewise change one row or none.
enum SQL {
  // MARK: Reads

  static let turnExists = "SELECT 1 FROM turns WHERE id = ?"
  static let turn = "SELECT \(TurnRecord.columns) FROM turns WHERE id = ?"
  static let turns = "SELECT \(TurnRecord.columns) FROM turns ORDER BY created_at, id"
  static let turnsOfProject = "SELECT \(TurnRecord.columns) FROM turns WHERE project = ? ORDER BY created_at, id"
  static let phases = "SELECT \(PhaseRecord.columns) FROM phases WHERE turn = ? ORDER BY ordinal, name"
  /// The phases with empty batch lists (no `phase_batches` row read).
  static let phaseHeads = "SELECT \(PhaseRecord.columns(batches: "'[]'")) FROM phases WHERE turn = ? ORDER BY ordinal, name"
  /// Parameters: turn, name. The phase with an empty batch list, then its count of batches
  /// (one past the last position: one probe of the primary key).
  static let phaseHead = """
    SELECT \(PhaseRecord.columns(batches: "'[]'")), \
    coalesce((SELECT max(position) + 1 FROM phase_batches WHERE turn = ?1 AND phase = ?2), 0) \
    FROM phases WHERE turn = ?1 AND name = ?2
    """
  static let phaseExists = "SELECT 1 FROM phases WHERE turn = ? AND name = ?"
  static let action = "SELECT \(ActionRecord.columns) FROM actions WHERE scope = ? AND key = ?"
  static let actions = "SELECT \(ActionRecord.columns) FROM actions WHERE turn = ? ORDER BY ordinal, id"
  /// One probe of `actions_by_turn` (SQLite's min/max optimisation).
  static let maxOrdinal = "SELECT MAX(ordinal) FROM actions WHERE turn = ?"
  static let effect = "SELECT \(EffectRecord.columns) FROM effects WHERE key = ?"
  static let effectsOfTurn = "SELECT \(EffectRecord.columns) FROM effects WHERE turn = ? ORDER BY id"
  static let effectsWithStatus = "SELECT \(EffectRecord.columns) FROM effects WHERE status = ? ORDER BY id LIMIT ?"
  static let entity = "SELECT \(EntityRecord.columns) FROM entities WHERE project = ? AND tbl = ? AND key = ?"
  static let entitiesOfProject = "SELECT \(EntityRecord.columns) FROM entities WHERE project = ? ORDER BY id"
  static let entitiesOfTable = "SELECT \(EntityRecord.columns) FROM entities WHERE project = ? AND tbl = ? ORDER BY id"
  static let events = "SELECT \(LedgerEvent.columns) FROM events WHERE turn = ? AND sequence > ? ORDER BY sequence"
  static let streamChunks = "SELECT byte_offset, bytes FROM stream_chunks WHERE turn = ? AND stream = ? ORDER BY byte_offset"

  // MARK: Writes

  /// Parameters: turn, stream, offset, bytes. Zero rows changed: no such turn.
  static let putStreamChunk = """
    INSERT INTO stream_chunks (turn, stream, byte_offset, bytes) SELECT ?1, ?2, ?3, ?4 WHERE EXISTS \
    (SELECT 1 FROM turns WHERE id = ?1) ON CONFLICT (turn, stream, byte_offset) DO UPDATE SET bytes = excluded.bytes
    """
  static let deleteStreamChunks = "DELETE FROM stream_chunks WHERE turn = ? AND stream = ?"

  static let insertTurn = """
    INSERT INTO turns (\(TurnRecord.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0) ON CONFLICT (id) DO NOTHING
    """

  /// Parameters: the turn's values (1–10), then the expected revision (11). The id is the
  /// row's identity, matched, never assigned: with foreign keys on, SQLite treats an
  /// `UPDATE` that assigns a parent key (even its own value) as changing it and walks every
  /// child row of the turn (its phases, actions, effects and stream chunks) to count the
  /// references, so each touch of a turn cost O(its rows) and a 10,000-action replay
  /// grew quadratically.
  static let updateTurn = """
    UPDATE turns SET (\(TurnRecord.columns.dropFirst("id, ".count))) = (\(numbered(2...10)), revision + 1) \
    WHERE id = ?1 AND revision = ?11
    """

  /// The phase's fields but its batches. Zero rows changed: no such turn.
  static let putPhase = """
    INSERT INTO phases (\(PhaseRecord.storedColumns)) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 \
    WHERE EXISTS (SELECT 1 FROM turns WHERE id = ?1) \
    ON CONFLICT (turn, name) DO UPDATE SET ordinal = excluded.ordinal, planned = excluded.planned, \
    expected_count = excluded.expected_count, state = excluded.state, updated_at = excluded.updated_at
    """
  static let deletePhaseBatches = "DELETE FROM phase_batches WHERE turn = ? AND phase = ?"
  /// Parameters: turn, phase, batch. Appended after the phase's last batch; zero rows
  /// changed: the batch is there already, or no such phase.
  static let addPhaseBatch = """
    INSERT INTO phase_batches (turn, phase, position, batch) \
    SELECT ?1, ?2, coalesce((SELECT max(position) + 1 FROM phase_batches WHERE turn = ?1 AND phase = ?2), 0), ?3 \
    WHERE EXISTS (SELECT 1 FROM phases WHERE turn = ?1 AND name = ?2) ON CONFLICT DO NOTHING
    """

  static let insertAction = """
    INSERT INTO actions (\(ActionRecord.columns)) SELECT \(numbered(ActionRecord.columnCount)) \
    WHERE EXISTS (SELECT 1 FROM turns WHERE id = ?6) ON CONFLICT (scope, key) DO NOTHING
    """

  /// Parameters: the action's values (1–25), then the expected fencing token (26). The
  /// scope, key and declaring turn are the row's identity: the `WHERE` requires them.
  static let updateAction = """
    UPDATE actions SET (\(ActionRecord.columns)) = (\(numbered(ActionRecord.columnCount))) \
    WHERE scope = ?1 AND key = ?2 AND fencing_token = ?26 AND turn = ?6
    """

  /// The stored fencing token and declaring turn, to explain an update that changed nothing.
  static let actionGuard = "SELECT fencing_token FROM actions WHERE scope = ? AND key = ?"

  static let insertEffect = """
    INSERT INTO effects (\(EffectRecord.columns)) SELECT \(numbered(10)), 0, \(numbered(12...EffectRecord.columnCount)) \
    WHERE EXISTS (SELECT 1 FROM turns WHERE id = ?3) ON CONFLICT (key) DO NOTHING
    """

  /// Parameters: the effect's values (1–20; 11 is the expected revision). The kind, turn
  /// and action cannot change: the `WHERE` requires them.
  static let updateEffect = """
    UPDATE effects SET (\(EffectRecord.columns)) = \
    (\(numbered(10)), revision + 1, \(numbered(12...EffectRecord.columnCount))) \
    WHERE key = ?1 AND revision = ?11 AND kind = ?2 AND turn = ?3 AND action_key = ?5
    """

  /// The claimable entries (``EffectRecord/isClaimable(at:)``) at `?1` (ms), in insertion
  /// order, up to `?2`; of any kind. The write transaction holds SQLite's write lock, so no
  /// other claimer can read them before this one's updates commit. The redundant
  /// ``SQLiteSchema/outstanding`` term lets SQLite walk the `effects_claimable` partial
  /// index in id order and stop at the limit: O(log n + entries skipped + limit), no sort.
  static let claimableEffects = """
    SELECT \(EffectRecord.columns) FROM effects WHERE \(SQLiteSchema.outstanding) AND (\(claimable)) \
    ORDER BY id LIMIT ?2
    """

  /// ``claimableEffects`` of the kinds in the JSON array `?3`.
  static let claimableEffectsOfKinds = """
    SELECT \(EffectRecord.columns) FROM effects \
    WHERE \(SQLiteSchema.outstanding) AND kind IN (SELECT value FROM json_each(?3)) AND (\(claimable)) \
    ORDER BY id LIMIT ?2
    """

  private static let claimable = """
    (status IN ('pending', 'failed') AND available_at <= ?1) OR (status = 'claimed' AND lease_expires_at <= ?1)
    """

  /// The stored revision, to explain an update that changed nothing.
  static let effectRevision = "SELECT revision FROM effects WHERE key = ?"
  static let turnRevision = "SELECT revision FROM turns WHERE id = ?"

  static let putEntity = """
    INSERT INTO entities (\(EntityRecord.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?) \
    ON CONFLICT (project, tbl, key) DO UPDATE SET readable = excluded.readable, value = excluded.value, \
    revision = excluded.revision, turn = excluded.turn, updated_at = excluded.updated_at
    """

  static let appendEvent = "INSERT INTO events (turn, at, kind, key, detail) VALUES (?, ?, ?, ?, ?)"

  /// `?1, ?2, …, ?n`.
  private static func numbered(_ n: Int) -> String { numbered(1...n) }

  /// `?a, ?(a+1), …, ?b`.
  private static func numbered(_ range: ClosedRange<Int>) -> String {
    range.map { "?\($0)" }.joined(separator: ", ")
  }
}
