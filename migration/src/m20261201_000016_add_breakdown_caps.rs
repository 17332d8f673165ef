//! The stored breakdown keeps the domain's caps (`Breakdown::MAX_DIMENSIONS`, `MAX_KEYS`): at most
//! 32 dimensions of at most 256 keys each. Ingestion merges a day's breakdown in SQL
//! (`stats_breakdown_add`, migration 11), so without these constraints distinct keys sent one at a
//! time could grow a row past what the domain reads back (every range over that day then failed),
//! and without bound. Now such an ingestion fails on `daily_stats_breakdown_dimensions` or
//! `daily_stats_breakdown_keys`, which the adapter reports as the domain's own refusal (`422`).
//!
//! Both constraints are added `NOT VALID` (instant), then validated: validation scans the table
//! under a `SHARE UPDATE EXCLUSIVE` lock, which lets reads and writes go on.

crate::sql::sql_migration!(up = [UP, VALIDATE], down = [DOWN]);

const UP: &str = r#"
-- Both count 0 for anything that is not an object: `daily_stats_breakdown_object` refuses that.
CREATE FUNCTION stats_breakdown_dimensions(breakdown jsonb) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN jsonb_typeof(breakdown) = 'object'
                THEN (SELECT count(*)::int FROM jsonb_object_keys(breakdown))
                ELSE 0 END
$$;

CREATE FUNCTION stats_breakdown_widest(breakdown jsonb) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN jsonb_typeof(breakdown) = 'object'
                THEN (SELECT COALESCE(max((SELECT count(*) FROM jsonb_object_keys(d.value))), 0)::int
                      FROM jsonb_each(breakdown) AS d WHERE jsonb_typeof(d.value) = 'object')
                ELSE 0 END
$$;

ALTER TABLE daily_stats
    ADD CONSTRAINT daily_stats_breakdown_dimensions
        CHECK (stats_breakdown_dimensions(meta_breakdown) <= 32) NOT VALID,
    ADD CONSTRAINT daily_stats_breakdown_keys
        CHECK (stats_breakdown_widest(meta_breakdown) <= 256) NOT VALID;
"#;

const VALIDATE: &str = r#"
ALTER TABLE daily_stats VALIDATE CONSTRAINT daily_stats_breakdown_dimensions;
ALTER TABLE daily_stats VALIDATE CONSTRAINT daily_stats_breakdown_keys;
"#;

const DOWN: &str = r#"
ALTER TABLE daily_stats
    DROP CONSTRAINT daily_stats_breakdown_keys,
    DROP CONSTRAINT daily_stats_breakdown_dimensions;
DROP FUNCTION stats_breakdown_widest(jsonb);
DROP FUNCTION stats_breakdown_dimensions(jsonb);
"#;
