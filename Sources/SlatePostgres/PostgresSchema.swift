/// The ledger's tables in its PostgreSQL schema, as versioned migrations recorded in
/// `slate_migrations`.
///
/// Every text column is `COLLATE "C"` (byte order, as SQLite compares), so the orders by id
/// or name are the same whatever the database's locale.
///
/// The same tables as the SQLite ledger's (see `SQLiteSchema`): JSON columns hold canonical
/// JSON text (`JSONValue.canonicalString`, never `jsonb`, which would reorder keys and
/// round numbers); times are milliseconds since the epoch; insertion order is an identity
/// column. The event log's sequence is assigned as `max + 1` inside the (serialisable)
/// writing transaction, so a committed event's sequence is greater than every sequence
/// committed before it: a sequence object would hand out numbers in the order
/// transactions *started*, and a reader could see 7 before 6 commits.
///
/// A new schema is a new migration appended to ``migrations``, never an edit of a shipped
/// one: a database written by an older build is migrated forward when opened, and one
/// written by a newer build (a version this build does not know) is refused with
/// `SLATE_SCHEMA_NEWER`.
enum PostgresSchema {
  /// The migrations, oldest first: a version and its statements.
  static let migrations: [(version: String, statements: [String])] = [
    ("v1", v1), ("v2", v2), ("v3", v3), ("v4", v4), ("v5", v5),
  ]

  static var versions: [String] { migrations.map(\.version) }

  /// The advisory lock key that serialises migrations of one database (any schema):
  /// `hashtext('slate.migrate')` would do, a constant is simpler.
  static let migrationLock: Int64 = 0x51A7_E001

  static let createMigrations = """
    CREATE TABLE IF NOT EXISTS slate_migrations (version TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
    """

  static let v1 = [
    """
    CREATE TABLE turns (
      id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
      project TEXT COLLATE "C" NOT NULL,
      scope_kind TEXT COLLATE "C" NOT NULL,
      status TEXT COLLATE "C" NOT NULL,
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL,
      finished_at BIGINT,
      plan TEXT COLLATE "C" NOT NULL,
      reason TEXT COLLATE "C",
      recoverability TEXT COLLATE "C",
      revision BIGINT NOT NULL
    )
    """,
    "CREATE INDEX turns_by_creation ON turns (created_at, id)",
    "CREATE INDEX turns_by_project ON turns (project, created_at, id)",
    """
    CREATE TABLE phases (
      turn TEXT COLLATE "C" NOT NULL REFERENCES turns (id),
      name TEXT COLLATE "C" NOT NULL,
      ordinal BIGINT NOT NULL,
      planned BOOLEAN NOT NULL,
      expected_count BIGINT,
      state TEXT COLLATE "C" NOT NULL,
      batches TEXT COLLATE "C" NOT NULL,
      updated_at BIGINT NOT NULL,
      PRIMARY KEY (turn, name)
    )
    """,
    """
    CREATE TABLE actions (
      id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      scope TEXT COLLATE "C" NOT NULL,
      key TEXT COLLATE "C" NOT NULL,
      namespace TEXT COLLATE "C" NOT NULL,
      readable TEXT COLLATE "C" NOT NULL,
      canonical BYTEA NOT NULL,
      turn TEXT COLLATE "C" NOT NULL REFERENCES turns (id),
      phase TEXT COLLATE "C",
      batch TEXT COLLATE "C",
      ordinal BIGINT NOT NULL,
      type TEXT COLLATE "C" NOT NULL,
      queue TEXT COLLATE "C" NOT NULL,
      payload TEXT COLLATE "C" NOT NULL,
      effects TEXT COLLATE "C" NOT NULL,
      upsert BOOLEAN NOT NULL,
      status TEXT COLLATE "C" NOT NULL,
      outcome TEXT COLLATE "C",
      attempts BIGINT NOT NULL,
      fencing_token BIGINT NOT NULL,
      lease_holder TEXT COLLATE "C",
      lease_token BIGINT,
      lease_expires_at BIGINT,
      payload_revision BIGINT NOT NULL,
      versions TEXT COLLATE "C" NOT NULL,
      declared_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL,
      UNIQUE (scope, key)
    )
    """,
    "CREATE INDEX actions_by_turn ON actions (turn, ordinal, id)",
    """
    CREATE TABLE effects (
      id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      key TEXT COLLATE "C" NOT NULL UNIQUE,
      kind TEXT COLLATE "C" NOT NULL,
      turn TEXT COLLATE "C" NOT NULL REFERENCES turns (id),
      project TEXT COLLATE "C" NOT NULL,
      action_key TEXT COLLATE "C" NOT NULL,
      action_namespace TEXT COLLATE "C" NOT NULL,
      action_readable TEXT COLLATE "C" NOT NULL,
      action_canonical BYTEA NOT NULL,
      payload TEXT COLLATE "C" NOT NULL,
      status TEXT COLLATE "C" NOT NULL,
      revision BIGINT NOT NULL,
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL
    )
    """,
    "CREATE INDEX effects_by_turn ON effects (turn, id)",
    "CREATE INDEX effects_by_status ON effects (status, id)",
    """
    CREATE TABLE entities (
      id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      project TEXT COLLATE "C" NOT NULL,
      tbl TEXT COLLATE "C" NOT NULL,
      key TEXT COLLATE "C" NOT NULL,
      readable TEXT COLLATE "C" NOT NULL,
      value TEXT COLLATE "C" NOT NULL,
      revision BIGINT NOT NULL,
      turn TEXT COLLATE "C" NOT NULL,
      updated_at BIGINT NOT NULL,
      UNIQUE (project, tbl, key)
    )
    """,
    "CREATE INDEX entities_by_table ON entities (project, tbl, id)",
    """
    CREATE TABLE events (
      sequence BIGINT PRIMARY KEY,
      turn TEXT COLLATE "C" NOT NULL,
      at BIGINT NOT NULL,
      kind TEXT COLLATE "C" NOT NULL,
      key TEXT COLLATE "C",
      detail TEXT COLLATE "C" NOT NULL
    )
    """,
    "CREATE INDEX events_by_turn ON events (turn, sequence)",
  ]

  /// The lease holders whose liveness the database knows (see `HolderLiveness`).
  static let v2 = [
    "CREATE TABLE lease_holders (holder TEXT COLLATE \"C\" NOT NULL PRIMARY KEY)",
  ]

  /// The raw bytes live turns keep of their phase streams (``StreamChunkRecord``), and the
  /// outbox's claims: an attempt count, a per-entry fencing token, the claim's lease, the
  /// time an entry is claimable again after a failure, and the last failure. Existing
  /// entries keep their status, have no claim and are claimable from their creation (as
  /// the SQLite ledger's v2-stream-chunks and v3-outbox).
  static let v3 = [
    """
    CREATE TABLE stream_chunks (
      turn TEXT COLLATE "C" NOT NULL REFERENCES turns (id),
      stream TEXT COLLATE "C" NOT NULL,
      byte_offset BIGINT NOT NULL,
      bytes BYTEA NOT NULL,
      PRIMARY KEY (turn, stream, byte_offset)
    )
    """,
    "ALTER TABLE effects ADD COLUMN attempts BIGINT NOT NULL DEFAULT 0",
    "ALTER TABLE effects ADD COLUMN fencing_token BIGINT NOT NULL DEFAULT 0",
    "ALTER TABLE effects ADD COLUMN lease_holder TEXT COLLATE \"C\"",
    "ALTER TABLE effects ADD COLUMN lease_token BIGINT",
    "ALTER TABLE effects ADD COLUMN lease_expires_at BIGINT",
    "ALTER TABLE effects ADD COLUMN available_at BIGINT NOT NULL DEFAULT 0",
    "ALTER TABLE effects ADD COLUMN last_error TEXT COLLATE \"C\"",
    "UPDATE effects SET available_at = created_at",
  ]

  /// The outstanding entries (``outstanding``: a claim's candidates) in insertion order, so
  /// a claim walks them from the oldest and stops at its limit, never visiting `done` or
  /// `dead` entries (as the SQLite ledger's `v4-outbox-claimable`).
  static let v4 = [
    "CREATE INDEX effects_claimable ON effects (id) WHERE \(outstanding)",
  ]

  /// The condition of ``v4``'s partial index, which the claim statements (`SQL.claimableEffects`)
  /// repeat as a term of their own so that the planner can prove the index applies.
  static let outstanding = "status IN ('pending', 'failed', 'claimed')"

  /// Each phase's batch ids as rows of their own, in dispatch order (`position` 0, 1, …,
  /// dense), instead of a JSON list in the phase's row that every dispatch read and rewrote
  /// whole (as the SQLite ledger's `v5-phase-batches`). Existing lists move into rows; the
  /// column goes.
  static let v5 = [
    """
    CREATE TABLE phase_batches (
      turn TEXT COLLATE "C" NOT NULL,
      phase TEXT COLLATE "C" NOT NULL,
      position BIGINT NOT NULL,
      batch TEXT COLLATE "C" NOT NULL,
      PRIMARY KEY (turn, phase, position),
      UNIQUE (turn, phase, batch),
      FOREIGN KEY (turn, phase) REFERENCES phases (turn, name)
    )
    """,
    """
    INSERT INTO phase_batches (turn, phase, position, batch) \
    SELECT phases.turn, phases.name, list.ordinality - 1, list.value \
    FROM phases, json_array_elements_text(phases.batches::json) WITH ORDINALITY AS list (value, ordinality) \
    ON CONFLICT DO NOTHING
    """,
    "ALTER TABLE phases DROP COLUMN batches",
  ]
}
