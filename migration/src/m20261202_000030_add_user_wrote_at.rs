//! When a user last changed something through the API (`users.wrote_at`), so that reads which a
//! read replica may serve go to the primary until the replica has replayed that moment: a client
//! who pays an invoice and opens the dashboard sees it paid, on any server of the fleet. Written
//! only when a replica is configured. A nullable column without a default: adding it rewrites
//! nothing and takes its lock for a moment; dropping it loses only that routing hint.

crate::sql::sql_migration!(up = [UP], down = [DOWN]);

const UP: &str = "ALTER TABLE users ADD COLUMN IF NOT EXISTS wrote_at TIMESTAMPTZ";

const DOWN: &str = "ALTER TABLE users DROP COLUMN IF EXISTS wrote_at";
