//! `idempotency_keys`: the responses of requests sent with an `Idempotency-Key`, stored in the
//! same transaction as the request's effects and replayed to retries for 24 hours
//! (`IdempotencyStore` port, `docs/api.md`).
//!
//! A record belongs to its caller's scope (`user:<uuid>`, `ingest:<sha256 hex>`); `fingerprint` is
//! the SHA-256 of the request, so that a key reused for another request is refused. Records older
//! than the window are purged by the housekeeping, through `idx_idempotency_keys_created_at`.

crate::sql::sql_migration!();

const UP: &str = r#"
CREATE TABLE idempotency_keys (
    scope TEXT NOT NULL
        CONSTRAINT idempotency_keys_scope_shape CHECK (scope ~ '^[a-z]+:[0-9a-f-]{32,64}$'),
    key TEXT NOT NULL
        CONSTRAINT idempotency_keys_key_shape CHECK (key ~ '^[\x21-\x7e]{1,255}$'),
    fingerprint TEXT NOT NULL
        CONSTRAINT idempotency_keys_fingerprint_shape CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
    status SMALLINT NOT NULL
        CONSTRAINT idempotency_keys_status_success CHECK (status BETWEEN 200 AND 299),
    headers JSONB NOT NULL,
    body BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX idx_idempotency_keys_created_at ON idempotency_keys (created_at);
"#;

const DOWN: &str = "DROP TABLE idempotency_keys;";
