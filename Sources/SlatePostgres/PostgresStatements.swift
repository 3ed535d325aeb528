import SlateDispatch

/// The ledger's SQL, each text built once.
///
/// As in the SQLite ledger, the statements check the protocol's rules themselves: inserts
/// that meet a unique key do nothing (`ON CONFLICT … DO NOTHING`) and report zero rows,
/// which the caller turns into `ledger.duplicate_key` with the transaction still usable (in
/// PostgreSQL a failed statement would abort the whole transaction); inserts of a child row
/// check the parent turn in the same statement (`INSERT … SELECT … WHERE EXISTS`); guarded
/// updates (`WHERE … AND revision = $n`, `AND fencing_token = $n`) change one row or none.
/// Every parameter is cast to its column's type. Updates never assign a row's identity
/// columns (so a foreign key's `KEY SHARE` lock on a turn never waits for an update of it).
enum SQL {
  // MARK: Reads

  static let turnExists = "SELECT 1 FROM turns WHERE id = $1::text"
  static let turn = "SELECT \(TurnRecord.columns) FROM turns WHERE id = $1::text"
  static let turns = "SELECT \(TurnRecord.columns) FROM turns ORDER BY created_at, id"
  static let turnsOfProject = "SELECT \(TurnRecord.columns) FROM turns WHERE project = $1::text ORDER BY created_at, id"
  static let phases = "SELECT \(PhaseRecord.selectColumns) FROM phases WHERE turn = $1::text ORDER BY ordinal, name"
  /// The phases with empty batch lists (no `phase_batches` row read).
  static let phaseHeads =
    "SELECT \(PhaseRecord.selectColumns(batches: "'[]'")) FROM phases WHERE turn = $1::text ORDER BY ordinal, name"
  /// Parameters: turn, name. The phase with an empty batch list, then its count of batches
  /// (one past the last position: one probe of the primary key).
  static let phaseHead = """
    SELECT \(PhaseRecord.selectColumns(batches: "'[]'")), \
    coalesce((SELECT max(position) + 1 FROM phase_batches WHERE turn = $1::text AND phase = $2::text), 0) \
    FROM phases WHERE turn = $1::text AND name = $2::text
    """
  static let phaseExists = "SELECT 1 FROM phases WHERE turn = $1::text AND name = $2::text"
  /// Actions come with one more column: whether the lease's holder is gone (see `HolderLiveness`).
  static let action =
    "SELECT \(ActionRecord.columns), \(HolderLiveness.holderGone) FROM actions WHERE scope = $1::text AND key = $2::text"
  static let actions =
    "SELECT \(ActionRecord.columns), \(HolderLiveness.holderGone) FROM actions WHERE turn = $1::text ORDER BY ordinal, id"
  static let effect = "SELECT \(EffectRecord.columns) FROM effects WHERE key = $1::text"
  static let effectsOfTurn = "SELECT \(EffectRecord.columns) FROM effects WHERE turn = $1::text ORDER BY id"
  static let effectsWithStatus =
    "SELECT \(EffectRecord.columns) FROM effects WHERE status = $1::text ORDER BY id LIMIT $2::bigint"
  static let entity =
    "SELECT \(EntityRecord.columns) FROM entities WHERE project = $1::text AND tbl = $2::text AND key = $3::text"
  static let entitiesOfProject = "SELECT \(EntityRecord.columns) FROM entities WHERE project = $1::text ORDER BY id"
  static let entitiesOfTable =
    "SELECT \(EntityRecord.columns) FROM entities WHERE project = $1::text AND tbl = $2::text ORDER BY id"
  static let events =
    "SELECT \(LedgerEvent.columns) FROM events WHERE turn = $1::text AND sequence > $2::bigint ORDER BY sequence"
  /// One probe of `actions_by_turn`.
  static let maxOrdinal = "SELECT max(ordinal) FROM actions WHERE turn = $1::text"
  static let streamChunks = """
    SELECT byte_offset, bytes FROM stream_chunks WHERE turn = $1::text AND stream = $2::text ORDER BY byte_offset
    """

  /// The claimable entries (``EffectRecord/isClaimable(at:)``) at `$1` (ms), in insertion
  /// order, up to `$2`, locked for this transaction: a concurrent claimer skips them (it
  /// neither waits for them nor takes them too), walking the `effects_claimable` partial
  /// index (migration v4) in id order. Each row is followed by its "holder gone"
  /// column: a claim whose worker died (its liveness lock released, see `HolderLiveness`)
  /// is claimable at once, whatever its lease says.
  static let claimableEffects = """
    SELECT \(EffectRecord.columns), \(effectHolderGone) FROM effects \
    WHERE \(PostgresSchema.outstanding) AND (\(claimable)) ORDER BY id LIMIT $2::bigint FOR UPDATE SKIP LOCKED
    """

  /// ``claimableEffects`` of the kinds in the JSON array `$3`.
  static let claimableEffectsOfKinds = """
    SELECT \(EffectRecord.columns), \(effectHolderGone) FROM effects \
    WHERE \(PostgresSchema.outstanding) AND kind IN (SELECT json_array_elements_text($3::text::json)) AND (\(claimable)) \
    ORDER BY id LIMIT $2::bigint FOR UPDATE SKIP LOCKED
    """

  private static let effectHolderGone = HolderLiveness.holderGone(of: "effects")

  private static let claimable = """
    (status IN ('pending', 'failed') AND available_at <= $1::bigint) \
    OR (status = 'claimed' AND (lease_expires_at <= $1::bigint OR \(effectHolderGone)))
    """

  // MARK: Writes

  /// Parameters: the turn's values but its revision (1–10).
  static let insertTurn = """
    INSERT INTO turns (\(TurnRecord.columns)) VALUES (\(TurnRecord.parameters(10)), 0) ON CONFLICT (id) DO NOTHING
    """

  /// Parameters: the turn's values (1–10), then the expected revision (11).
  static let updateTurn = """
    UPDATE turns SET \(TurnRecord.assignments(except: ["id"], computed: ["revision": "revision + 1"])) \
    WHERE id = $1::text AND revision = $11::bigint
    """

  /// The phase's fields but its batches. Zero rows changed: no such turn.
  static let putPhase = """
    INSERT INTO phases (\(PhaseRecord.columns)) SELECT \(PhaseRecord.parameters()) \
    WHERE EXISTS (SELECT 1 FROM turns WHERE id = $1::text) \
    ON CONFLICT (turn, name) DO UPDATE SET ordinal = excluded.ordinal, planned = excluded.planned, \
    expected_count = excluded.expected_count, state = excluded.state, updated_at = excluded.updated_at
    """
  static let deletePhaseBatches = "DELETE FROM phase_batches WHERE turn = $1::text AND phase = $2::text"
  /// Parameters: turn, phase, batch. Appended after the phase's last batch; zero rows
  /// changed: the batch is there already, or no such phase.
  static let addPhaseBatch = """
    INSERT INTO phase_batches (turn, phase, position, batch) \
    SELECT $1::text, $2::text, \
    coalesce((SELECT max(position) + 1 FROM phase_batches WHERE turn = $1::text AND phase = $2::text), 0), $3::text \
    WHERE EXISTS (SELECT 1 FROM phases WHERE turn = $1::text AND name = $2::text) ON CONFLICT DO NOTHING
    """

  static let insertAction = """
    INSERT INTO actions (\(ActionRecord.columns)) SELECT \(ActionRecord.parameters()) \
    WHERE EXISTS (SELECT 1 FROM turns WHERE id = $6::text) ON CONFLICT (scope, key) DO NOTHING
    """

  /// Parameters: the action's values (1–25), then the expected fencing token (26). The
  /// scope, key and declaring turn are the row's identity: the `WHERE` requires them.
  static let updateAction = """
    UPDATE actions SET \(ActionRecord.assignments(except: ["scope", "key", "turn"])) \
    WHERE scope = $1::text AND key = $2::text AND fencing_token = $26::bigint AND turn = $6::text
    """

  /// The stored fencing token, to explain an update that changed nothing.
  static let actionGuard = "SELECT fencing_token FROM actions WHERE scope = $1::text AND key = $2::text"

  /// Parameters: the effect's values (1–20; its revision, 11, is not used: a new entry's is 0).
  static let insertEffect = """
    INSERT INTO effects (\(EffectRecord.columns)) \
    SELECT \(EffectRecord.parameters(replacing: [11: "0"])) \
    WHERE $11::bigint IS NOT NULL AND EXISTS (SELECT 1 FROM turns WHERE id = $3::text) ON CONFLICT (key) DO NOTHING
    """

  /// Parameters: turn, stream, offset, bytes. Zero rows changed: no such turn.
  static let putStreamChunk = """
    INSERT INTO stream_chunks (turn, stream, byte_offset, bytes) SELECT $1::text, $2::text, $3::bigint, $4::bytea \
    WHERE EXISTS (SELECT 1 FROM turns WHERE id = $1::text) \
    ON CONFLICT (turn, stream, byte_offset) DO UPDATE SET bytes = excluded.bytes
    """
  static let deleteStreamChunks = "DELETE FROM stream_chunks WHERE turn = $1::text AND stream = $2::text"

  /// Parameters: the effect's values (1–20; 11 is the expected revision). The kind, turn
  /// and action cannot change: the `WHERE` requires them.
  static let updateEffect = """
    UPDATE effects SET \(EffectRecord.assignments(except: ["key", "kind", "turn", "action_key"],
                                                    computed: ["revision": "revision + 1"])) \
    WHERE key = $1::text AND revision = $11::bigint AND kind = $2::text AND turn = $3::text AND action_key = $5::text
    """

  /// Records that a holder's liveness lock is held (see `HolderLiveness`).
  static let recordHolder = "INSERT INTO lease_holders (holder) VALUES ($1::text) ON CONFLICT (holder) DO NOTHING"

  /// The stored revision, to explain an update that changed nothing.
  static let effectRevision = "SELECT revision FROM effects WHERE key = $1::text"
  static let turnRevision = "SELECT revision FROM turns WHERE id = $1::text"

  static let putEntity = """
    INSERT INTO entities (\(EntityRecord.columns)) VALUES (\(EntityRecord.parameters())) \
    ON CONFLICT (project, tbl, key) DO UPDATE SET readable = excluded.readable, value = excluded.value, \
    revision = excluded.revision, turn = excluded.turn, updated_at = excluded.updated_at
    """

  /// The next sequence is the greatest committed one + 1, read in the writing transaction:
  /// two concurrent appends read the same maximum, and serialisable isolation lets only one
  /// of them commit (the other is retried), so sequences are visible in commit order.
  static let appendEvent = """
    INSERT INTO events (\(LedgerEvent.columns)) \
    SELECT COALESCE(MAX(sequence), 0) + 1, $1::text, $2::bigint, $3::text, $4::text, $5::text FROM events \
    RETURNING sequence
    """
}
