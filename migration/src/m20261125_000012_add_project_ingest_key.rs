//! Per-project ingestion keys (SPEC §5): the website of a project sends its page views with a
//! secret key; only the key's SHA-256 is stored, in `web_projects.ingest_key_hash`.
//!
//! "Adding a field", phase 1: the column is nullable (a catalogue-only change), and a project has
//! no key until someone creates one. The partial unique index finds a project by its key's hash.

crate::sql::sql_migration!();

const UP: &str = r#"
ALTER TABLE web_projects
    ADD COLUMN ingest_key_hash CHAR(64)
        CONSTRAINT web_projects_ingest_key_hash_hex CHECK (ingest_key_hash ~ '^[0-9a-f]{64}$');
CREATE UNIQUE INDEX web_projects_ingest_key_hash_key ON web_projects (ingest_key_hash)
    WHERE ingest_key_hash IS NOT NULL;
"#;

const DOWN: &str = "ALTER TABLE web_projects DROP COLUMN ingest_key_hash;";
