//! The first half of partitioning `pipeline_run_logs` by time (migration 29): a validated
//! `CHECK (at < bound)` on the table as it is, `bound` being the UTC midnight two days ahead, so
//! that migration 29 can attach the existing table as the partition of everything before `bound`
//! without scanning it under a lock. The check is added `NOT VALID` (a moment's lock) and then
//! validated, which reads the table while writes go on; so outside a transaction. A rerun after an
//! interruption replaces the check (and its bound). Lines written before `bound` are what the
//! table may hold; migration 29, applied right after by the same rollout, routes later lines to
//! daily partitions.

crate::sql::sql_migration!(
    outside_transaction,
    up = [DROP_BOUND, ADD_BOUND, VALIDATE_BOUND],
    down = [DROP_BOUND]
);

const ADD_BOUND: &str = r#"
DO $$
BEGIN
    EXECUTE format(
        'ALTER TABLE pipeline_run_logs ADD CONSTRAINT pipeline_run_logs_before_partitions '
        'CHECK (at IS NOT NULL AND at < %L) NOT VALID',
        (date_trunc('day', now() AT TIME ZONE 'UTC') + interval '2 days') AT TIME ZONE 'UTC'
    );
END
$$
"#;

const VALIDATE_BOUND: &str =
    "ALTER TABLE pipeline_run_logs VALIDATE CONSTRAINT pipeline_run_logs_before_partitions";

const DROP_BOUND: &str =
    "ALTER TABLE pipeline_run_logs DROP CONSTRAINT IF EXISTS pipeline_run_logs_before_partitions";
