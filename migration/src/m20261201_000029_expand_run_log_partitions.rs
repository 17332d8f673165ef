//! `pipeline_run_logs` partitioned by time ("PipelineRun: transient, logging heavy"): a range
//! partition per UTC day, so that retention drops whole partitions (no row deletes, no vacuum
//! debt) and a run's log is read from the few partitions since the run was created.
//!
//! - The table as it was becomes `pipeline_run_logs_legacy`, the partition of everything before
//!   the bound migration 28 validated: attached without a scan (its validated check implies the
//!   partition's bound). Its foreign key to the run goes: a run's retention no longer deletes log
//!   rows one by one; the partition holding them is dropped when it expires.
//! - New lines go to daily partitions `pipeline_run_logs_pYYYYMMDD`, each with its unique
//!   `(run_id, seq)` index, created ahead by `ensure_run_log_partitions(through)`, contiguous from
//!   the newest partition's end through day `through` (the housekeeping calls it every cycle with
//!   a week ahead, servers at start-up, the test kit on every database).
//! - `pipeline_run_logs_kept` holds the lines of each project's published run once their
//!   partition expires (the retention copies them before dropping it); they go with their run.
//!
//! Servers of the previous release keep working: they insert into and read `pipeline_run_logs`
//! with the same columns, numbering lines under the run's row lock as before. `down` puts every
//! line of every existing run back into one plain table with its key and foreign key (lines of
//! runs already deleted, which the old table could not hold, are left out).

crate::sql::sql_migration!();

const UP: &str = r#"
ALTER TABLE pipeline_run_logs RENAME TO pipeline_run_logs_legacy;
ALTER TABLE pipeline_run_logs_legacy DROP CONSTRAINT pipeline_run_logs_run_id_fkey;

CREATE TABLE pipeline_run_logs (
    run_id UUID NOT NULL,
    seq BIGINT NOT NULL
        CONSTRAINT pipeline_run_logs_seq_positive CHECK (seq >= 1),
    at TIMESTAMPTZ NOT NULL DEFAULT now(),
    level VARCHAR(10) NOT NULL
        CONSTRAINT pipeline_run_logs_level_valid CHECK (level IN ('DEBUG', 'INFO', 'WARN', 'ERROR')),
    message TEXT NOT NULL
        CONSTRAINT pipeline_run_logs_message_length CHECK (length(message) BETWEEN 1 AND 8192)
) PARTITION BY RANGE (at);

DO $$
DECLARE
    bound timestamptz;
BEGIN
    SELECT substring(pg_get_constraintdef(oid) FROM '< ''([^'']+)''')::timestamptz INTO STRICT bound
    FROM pg_constraint
    WHERE conname = 'pipeline_run_logs_before_partitions'
      AND conrelid = 'pipeline_run_logs_legacy'::regclass;
    EXECUTE format(
        'ALTER TABLE pipeline_run_logs ATTACH PARTITION pipeline_run_logs_legacy '
        'FOR VALUES FROM (MINVALUE) TO (%L)',
        bound
    );
END
$$;
ALTER TABLE pipeline_run_logs_legacy DROP CONSTRAINT pipeline_run_logs_before_partitions;

CREATE TABLE pipeline_run_logs_kept (
    run_id UUID NOT NULL REFERENCES pipeline_runs (id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    level VARCHAR(10) NOT NULL,
    message TEXT NOT NULL,
    PRIMARY KEY (run_id, seq)
);

CREATE FUNCTION ensure_run_log_partitions(through date) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    newest_end timestamptz;
    day date;
    name text;
    created integer := 0;
BEGIN
    -- One creator at a time (servers and workers all call this).
    PERFORM pg_advisory_xact_lock(hashtext('pipeline_run_logs partitions'));
    SELECT max(substring(pg_get_expr(c.relpartbound, c.oid) FROM 'TO \(''([^'']+)''\)')::timestamptz)
    INTO newest_end
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'pipeline_run_logs'::regclass;
    day := coalesce((newest_end AT TIME ZONE 'UTC')::date, (now() AT TIME ZONE 'UTC')::date);
    WHILE day <= through LOOP
        name := 'pipeline_run_logs_p' || to_char(day, 'YYYYMMDD');
        EXECUTE format(
            'CREATE TABLE %I PARTITION OF pipeline_run_logs FOR VALUES FROM (%L) TO (%L)',
            name, day::timestamp AT TIME ZONE 'UTC', (day + 1)::timestamp AT TIME ZONE 'UTC'
        );
        EXECUTE format('CREATE UNIQUE INDEX %I ON %I (run_id, seq)', name || '_key', name);
        created := created + 1;
        day := day + 1;
    END LOOP;
    RETURN created;
END
$$;

SELECT ensure_run_log_partitions((now() AT TIME ZONE 'UTC')::date + 7);
"#;

const DOWN: &str = r#"
CREATE TABLE pipeline_run_logs_restored (
    run_id UUID NOT NULL,
    seq BIGINT NOT NULL,
    at TIMESTAMPTZ NOT NULL DEFAULT now(),
    level VARCHAR(10) NOT NULL,
    message TEXT NOT NULL
);
INSERT INTO pipeline_run_logs_restored (run_id, seq, at, level, message)
SELECT DISTINCT ON (line.run_id, line.seq) line.run_id, line.seq, line.at, line.level, line.message
FROM (
    SELECT run_id, seq, at, level, message FROM pipeline_run_logs
    UNION ALL
    SELECT run_id, seq, at, level, message FROM pipeline_run_logs_kept
) AS line
WHERE EXISTS (SELECT 1 FROM pipeline_runs r WHERE r.id = line.run_id)
ORDER BY line.run_id, line.seq;

DROP FUNCTION ensure_run_log_partitions(date);
DROP TABLE pipeline_run_logs_kept;
DROP TABLE pipeline_run_logs;
ALTER TABLE pipeline_run_logs_restored RENAME TO pipeline_run_logs;
ALTER TABLE pipeline_run_logs
    ADD CONSTRAINT pipeline_run_logs_pkey PRIMARY KEY (run_id, seq),
    ADD CONSTRAINT pipeline_run_logs_run_id_fkey
        FOREIGN KEY (run_id) REFERENCES pipeline_runs (id) ON DELETE CASCADE,
    ADD CONSTRAINT pipeline_run_logs_seq_positive CHECK (seq >= 1),
    ADD CONSTRAINT pipeline_run_logs_level_valid
        CHECK (level IN ('DEBUG', 'INFO', 'WARN', 'ERROR')),
    ADD CONSTRAINT pipeline_run_logs_message_length CHECK (length(message) BETWEEN 1 AND 8192);
"#;
