//! `pipeline_runs` (the AI generation jobs: transient) and `pipeline_run_logs` (append-only, logging
//! heavy, ordered by a per-run `seq`). Retention deletes old runs; their logs go with them
//! (`ON DELETE CASCADE`).
//!
//! `pipeline_runs_one_active_per_project` allows at most one queued or running run per project;
//! `idx_pipeline_runs_queue` is the worker's claim order; `idx_pipeline_runs_heartbeat` finds runs
//! whose worker died.

crate::sql::sql_migration!();

const UP: &str = r#"
CREATE TABLE pipeline_runs (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    project_id UUID NOT NULL REFERENCES web_projects (id),
    status VARCHAR(20) NOT NULL DEFAULT 'QUEUED'
        CONSTRAINT pipeline_runs_status_valid
        CHECK (status IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    attempt INT NOT NULL DEFAULT 0
        CONSTRAINT pipeline_runs_attempt_non_negative CHECK (attempt >= 0),
    max_attempts INT NOT NULL DEFAULT 3
        CONSTRAINT pipeline_runs_max_attempts_range CHECK (max_attempts BETWEEN 1 AND 20),
    input JSONB NOT NULL DEFAULT '{}',
    error TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    started_at TIMESTAMPTZ,
    heartbeat_at TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    CONSTRAINT pipeline_runs_attempt_within_max CHECK (attempt <= max_attempts),
    CONSTRAINT pipeline_runs_running_has_heartbeat
        CHECK (status <> 'RUNNING' OR (started_at IS NOT NULL AND heartbeat_at IS NOT NULL))
);

CREATE UNIQUE INDEX pipeline_runs_one_active_per_project ON pipeline_runs (project_id)
    WHERE status IN ('QUEUED', 'RUNNING');
CREATE INDEX idx_pipeline_runs_project ON pipeline_runs (project_id, created_at DESC);
CREATE INDEX idx_pipeline_runs_queue ON pipeline_runs (created_at) WHERE status = 'QUEUED';
CREATE INDEX idx_pipeline_runs_heartbeat ON pipeline_runs (heartbeat_at) WHERE status = 'RUNNING';

CREATE TABLE pipeline_run_logs (
    run_id UUID NOT NULL REFERENCES pipeline_runs (id) ON DELETE CASCADE,
    seq BIGINT NOT NULL
        CONSTRAINT pipeline_run_logs_seq_positive CHECK (seq >= 1),
    at TIMESTAMPTZ NOT NULL DEFAULT now(),
    level VARCHAR(10) NOT NULL
        CONSTRAINT pipeline_run_logs_level_valid CHECK (level IN ('DEBUG', 'INFO', 'WARN', 'ERROR')),
    message TEXT NOT NULL
        CONSTRAINT pipeline_run_logs_message_length CHECK (length(message) BETWEEN 1 AND 8192),
    PRIMARY KEY (run_id, seq)
);
"#;

const DOWN: &str = "DROP TABLE pipeline_run_logs; DROP TABLE pipeline_runs;";
