//! SPEC §7 evolution 1, "Adding a field", phase 1: `user_profiles.middle_name`, nullable.
//!
//! A nullable column without a default is a catalogue-only change in PostgreSQL (no table rewrite,
//! a brief lock), so it is safe while older servers keep running: they simply never write it. The
//! optional phase 4 (backfill, then `NOT NULL`) is described in `docs/migrations.md`.

crate::sql::sql_migration!();

const UP: &str = "ALTER TABLE user_profiles ADD COLUMN middle_name VARCHAR(100);";

const DOWN: &str = "ALTER TABLE user_profiles DROP COLUMN middle_name;";
