//! Scheduling for the pipeline-run queue (SPEC §5): `pipeline_runs.run_after`, the earliest time a
//! queued run may be claimed (a retry waits out its backoff), and `pipeline_runs.worker`, who holds
//! a running run (heartbeats and finishes are accepted from that worker only).
//!
//! `run_after` is `NOT NULL DEFAULT now()`: `now()` is stable, not volatile, so PostgreSQL stores the
//! migration's time as the default of existing rows instead of rewriting the table, and every run
//! queued before this migration is runnable at once. The claim index is replaced by one in the
//! claim order, `(run_after, created_at)`, still partial on `QUEUED`.

crate::sql::sql_migration!();

const UP: &str = r#"
ALTER TABLE pipeline_runs
    ADD COLUMN run_after TIMESTAMPTZ NOT NULL DEFAULT now(),
    ADD COLUMN worker TEXT;
DROP INDEX idx_pipeline_runs_queue;
CREATE INDEX idx_pipeline_runs_queue ON pipeline_runs (run_after, created_at) WHERE status = 'QUEUED';
"#;

const DOWN: &str = r#"
DROP INDEX idx_pipeline_runs_queue;
CREATE INDEX idx_pipeline_runs_queue ON pipeline_runs (created_at) WHERE status = 'QUEUED';
ALTER TABLE pipeline_runs DROP COLUMN worker, DROP COLUMN run_after;
"#;
