//! `throttle_counters`: attempts per key in fixed windows (failed logins per account and per client
//! address, ingestions per project), shared by every server instance so that a limit holds across
//! the fleet (`Throttle` port, `docs/api.md`).
//!
//! Keys are a kind and the SHA-256 of the subject (`account:<hex>`), never an email or address in
//! the clear. The table is `UNLOGGED`: counters are worth nothing after a crash (PostgreSQL empties
//! an unlogged table then), and skipping the WAL keeps each login attempt's upsert cheap. Counters
//! whose window ended are purged by the housekeeping, through `idx_throttle_counters_window_ends_at`.

crate::sql::sql_migration!();

const UP: &str = r#"
CREATE UNLOGGED TABLE throttle_counters (
    key TEXT PRIMARY KEY
        CONSTRAINT throttle_counters_key_shape CHECK (key ~ '^[a-z_]+:[0-9a-f]{64}$'),
    attempts INT NOT NULL
        CONSTRAINT throttle_counters_attempts_non_negative CHECK (attempts >= 0),
    window_ends_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX idx_throttle_counters_window_ends_at ON throttle_counters (window_ends_at);
"#;

const DOWN: &str = "DROP TABLE throttle_counters;";
