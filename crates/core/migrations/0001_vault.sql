-- Tessera vault schema, version 1.
-- Plaintext columns hold only ids, kinds, timestamps, schema versions, KDF
-- parameters and keyed tags; all user content is AEAD ciphertext ("sealed").

CREATE TABLE vault_header (
    singleton            INTEGER PRIMARY KEY CHECK (singleton = 1),
    vault_id             BLOB    NOT NULL CHECK (length(vault_id) = 16),
    format_version       INTEGER NOT NULL,
    kdf_algorithm        TEXT    NOT NULL CHECK (kdf_algorithm = 'argon2id-v19'),
    kdf_salt             BLOB    NOT NULL,
    kdf_memory_kib       INTEGER NOT NULL,
    kdf_iterations       INTEGER NOT NULL,
    kdf_parallelism      INTEGER NOT NULL,
    device_secret_required INTEGER NOT NULL DEFAULT 0,
    wrapped_vault_key    BLOB    NOT NULL,   -- sealed by the unlock key
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    audit_count          INTEGER NOT NULL DEFAULT 0,
    audit_head           BLOB                -- MAC of the newest audit entry
) STRICT;

CREATE TABLE items (
    id             BLOB    PRIMARY KEY CHECK (length(id) = 16),
    kind           TEXT    NOT NULL CHECK (kind IN
                     ('api_key', 'token', 'secret', 'passkey', 'credential', 'identity')),
    name_tag       BLOB    NOT NULL UNIQUE,  -- HMAC of the case-folded name
    schema_version INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    expires_at     INTEGER,
    meta           BLOB    NOT NULL,         -- sealed: name, service, tags, env, scopes
    details        BLOB    NOT NULL          -- sealed: notes, username, url, custom fields
) STRICT;

-- Every value an item ever had; rotation appends, never overwrites.
CREATE TABLE item_values (
    item_id    BLOB    NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    retired_at INTEGER,
    value      BLOB    NOT NULL,             -- sealed
    PRIMARY KEY (item_id, seq)
) STRICT, WITHOUT ROWID;

-- Append-only, hash-chained (HMAC) and sealed.
CREATE TABLE audit_log (
    seq   INTEGER PRIMARY KEY,
    at    INTEGER NOT NULL,
    entry BLOB    NOT NULL,                  -- sealed
    chain BLOB    NOT NULL                   -- HMAC(prev chain, seq, at, entry)
) STRICT;

-- Reserved for later capabilities, so they land without a rewrite.
CREATE TABLE consent_records (
    id         BLOB    PRIMARY KEY CHECK (length(id) = 16),
    kind       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    record     BLOB    NOT NULL              -- sealed
) STRICT;

CREATE TABLE preferences (
    scope      TEXT    PRIMARY KEY,          -- e.g. 'global', 'profile:<id>'
    updated_at INTEGER NOT NULL,
    body       BLOB    NOT NULL              -- sealed
) STRICT;
