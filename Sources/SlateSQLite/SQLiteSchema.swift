import GRDB

/// The ledger's tables, as versioned migrations (GRDB's `DatabaseMigrator`, which records
/// the applied ones in `grdb_migrations`).
///
/// Every table is `STRICT` (SQLite checks each column's type on write). JSON columns hold
/// canonical JSON text (`JSONValue.canonicalString`). Times are milliseconds since the
/// epoch (`Timestamp.milliseconds`). Insertion order is the `INTEGER PRIMARY KEY` (rows of
/// those tables are never deleted, so it only grows; only kept stream bytes are); the event log's sequence is `AUTOINCREMENT`, so a
/// sequence is never handed out twice even if the log were ever trimmed.
///
/// A new schema is a new migration appended to ``migrator``, never an edit of a shipped
/// one: a file written by an older build is migrated forward on open, and a file written by
/// a newer build (a migration this build does not know) is refused.
enum SQLiteSchema {
  /// The migration identifiers, oldest first.
  static let versions = ["v1", "v2-stream-chunks", "v3-outbox", "v4-outbox-claimable", "v5-phase-batches"]

  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1") { db in
      for statement in v1 { try db.execute(sql: statement) }
    }
    migrator.registerMigration("v2-stream-chunks") { db in
      for statement in v2 { try db.execute(sql: statement) }
    }
    migrator.registerMigration("v3-outbox") { db in
      for statement in v3Outbox { try db.execute(sql: statement) }
    }
    migrator.registerMigration("v4-outbox-claimable") { db in
      for statement in v4OutboxClaimable { try db.execute(sql: statement) }
    }
    migrator.registerMigration("v5-phase-batches") { db in
      for statement in v5PhaseBatches { try db.execute(sql: statement) }
    }
    return migrator
  }

  /// Turns, phases, actions, the outbox, project tables and the event log.
  static let v1 = [
    """
    CREATE TABLE turns (
      id TEXT NOT NULL PRIMARY KEY,
      project TEXT NOT NULL,
      scope_kind TEXT NOT NULL,
      status TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      finished_at INTEGER,
      plan TEXT NOT NULL,
      reason TEXT,
      recoverability TEXT,
      revision INTEGER NOT NULL
    ) STRICT
    """,
    "CREATE INDEX turns_by_creation ON turns (created_at, id)",
    "CREATE INDEX turns_by_project ON turns (project, created_at, id)",
    """
    CREATE TABLE phases (
      turn TEXT NOT NULL REFERENCES turns (id),
      name TEXT NOT NULL,
      ordinal INTEGER NOT NULL,
      planned INTEGER NOT NULL,
      expected_count INTEGER,
      state TEXT NOT NULL,
      batches TEXT NOT NULL,
      updated_at INTEGER NOT NULL,
      PRIMARY KEY (turn, name)
    ) STRICT
    """,
    """
    CREATE TABLE actions (
      id INTEGER PRIMARY KEY,
      scope TEXT NOT NULL,
      key TEXT NOT NULL,
      namespace TEXT NOT NULL,
      readable TEXT NOT NULL,
      canonical BLOB NOT NULL,
      turn TEXT NOT NULL REFERENCES turns (id),
      phase TEXT,
      batch TEXT,
      ordinal INTEGER NOT NULL,
      type TEXT NOT NULL,
      queue TEXT NOT NULL,
      payload TEXT NOT NULL,
      effects TEXT NOT NULL,
      upsert INTEGER NOT NULL,
      status TEXT NOT NULL,
      outcome TEXT,
      attempts INTEGER NOT NULL,
      fencing_token INTEGER NOT NULL,
      lease_holder TEXT,
      lease_token INTEGER,
      lease_expires_at INTEGER,
      payload_revision INTEGER NOT NULL,
      versions TEXT NOT NULL,
      declared_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      UNIQUE (scope, key)
    ) STRICT
    """,
    "CREATE INDEX actions_by_turn ON actions (turn, ordinal, id)",
    """
    CREATE TABLE effects (
      id INTEGER PRIMARY KEY,
      key TEXT NOT NULL UNIQUE,
      kind TEXT NOT NULL,
      turn TEXT NOT NULL REFERENCES turns (id),
      project TEXT NOT NULL,
      action_key TEXT NOT NULL,
      action_namespace TEXT NOT NULL,
      action_readable TEXT NOT NULL,
      action_canonical BLOB NOT NULL,
      payload TEXT NOT NULL,
      status TEXT NOT NULL,
      revision INTEGER NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    ) STRICT
    """,
    "CREATE INDEX effects_by_turn ON effects (turn, id)",
    "CREATE INDEX effects_by_status ON effects (status, id)",
    """
    CREATE TABLE entities (
      id INTEGER PRIMARY KEY,
      project TEXT NOT NULL,
      tbl TEXT NOT NULL,
      key TEXT NOT NULL,
      readable TEXT NOT NULL,
      value TEXT NOT NULL,
      revision INTEGER NOT NULL,
      turn TEXT NOT NULL,
      updated_at INTEGER NOT NULL,
      UNIQUE (project, tbl, key)
    ) STRICT
    """,
    "CREATE INDEX entities_by_table ON entities (project, tbl, id)",
    """
    CREATE TABLE events (
      sequence INTEGER PRIMARY KEY AUTOINCREMENT,
      turn TEXT NOT NULL,
      at INTEGER NOT NULL,
      kind TEXT NOT NULL,
      key TEXT,
      detail TEXT NOT NULL
    ) STRICT
    """,
    "CREATE INDEX events_by_turn ON events (turn, sequence)",
  ]

  /// The raw bytes live turns keep of their phase streams, for recovery
  /// (``StreamChunkRecord``): one row per chunk, read by `(turn, stream, byte_offset)`.
  static let v2 = [
    """
    CREATE TABLE stream_chunks (
      turn TEXT NOT NULL REFERENCES turns (id),
      stream TEXT NOT NULL,
      byte_offset INTEGER NOT NULL,
      bytes BLOB NOT NULL,
      PRIMARY KEY (turn, stream, byte_offset)
    ) STRICT, WITHOUT ROWID
    """,
  ]

  /// The outbox's claims: an attempt count, a per-entry fencing token, the claim's lease,
  /// the time it is claimable again after a failure, and the last failure. Existing entries
  /// keep their status, have no claim and are claimable from their creation.
  static let v3Outbox = [
    "ALTER TABLE effects ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE effects ADD COLUMN fencing_token INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE effects ADD COLUMN lease_holder TEXT",
    "ALTER TABLE effects ADD COLUMN lease_token INTEGER",
    "ALTER TABLE effects ADD COLUMN lease_expires_at INTEGER",
    "ALTER TABLE effects ADD COLUMN available_at INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE effects ADD COLUMN last_error TEXT",
    "UPDATE effects SET available_at = created_at",
  ]

  /// The outstanding entries (``outstanding``: a claim's candidates), in insertion order: a
  /// claim walks this partial index from the oldest outstanding entry and stops after its
  /// limit, never visiting `done` or `dead` entries and never sorting (`EXPLAIN QUERY PLAN`:
  /// `SCAN effects USING INDEX effects_claimable`). Without it the claim read every
  /// outstanding entry through `effects_by_status` and sorted them by id on each claim.
  static let v4OutboxClaimable = [
    "CREATE INDEX effects_claimable ON effects (id) WHERE \(outstanding)",
  ]

  /// The condition of ``v4OutboxClaimable``'s partial index. A query uses the index only
  /// when its `WHERE` holds this very term (SQLite's implication test is textual), so the
  /// claim statements (`SQL.claimableEffects`) are built with it.
  static let outstanding = "status IN ('pending', 'failed', 'claimed')"

  /// Each phase's batch ids as rows of their own, in dispatch order (`position` 0, 1, …,
  /// dense), instead of a JSON list in the phase's row that every dispatch read and rewrote
  /// whole: adding a batch is one indexed insert, and the phase's count of batches one
  /// probe of the primary key. Existing lists move into rows; the column goes.
  static let v5PhaseBatches = [
    """
    CREATE TABLE phase_batches (
      turn TEXT NOT NULL,
      phase TEXT NOT NULL,
      position INTEGER NOT NULL,
      batch TEXT NOT NULL,
      PRIMARY KEY (turn, phase, position),
      FOREIGN KEY (turn, phase) REFERENCES phases (turn, name)
    ) STRICT, WITHOUT ROWID
    """,
    "CREATE UNIQUE INDEX phase_batches_by_id ON phase_batches (turn, phase, batch)",
    """
    INSERT OR IGNORE INTO phase_batches (turn, phase, position, batch) \
    SELECT phases.turn, phases.name, CAST(list.key AS INTEGER), list.value FROM phases, json_each(phases.batches) AS list
    """,
    "ALTER TABLE phases DROP COLUMN batches",
  ]
}
