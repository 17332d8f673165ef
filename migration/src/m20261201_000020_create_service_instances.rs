//! The registry of running servers and workers that a rolling upgrade consults: each instance
//! registers at start-up with its version and the newest migration its build knows, renews a
//! heartbeat, and removes itself when it stops. `migrate --contract` refuses to apply a contract
//! migration while a live instance (a heartbeat younger than its expiry) does not know it; a
//! crashed instance stops counting once its heartbeat expires. A new table: no lock on anything in
//! use.

crate::sql::sql_migration!();

const UP: &str = r#"
CREATE TABLE service_instances (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CONSTRAINT service_instances_kind_valid CHECK (kind IN ('server', 'worker')),
    version TEXT NOT NULL,
    knows_through TEXT NOT NULL,
    started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    heartbeat_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
"#;

const DOWN: &str = "DROP TABLE service_instances;";
