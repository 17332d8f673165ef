//! `stats_breakdown_add(a, b)`: adds two `daily_stats.meta_breakdown` objects key by key, so that
//! ingestion can merge a day's breakdown inside its one atomic upsert (`ON CONFLICT ... DO UPDATE
//! SET meta_breakdown = stats_breakdown_add(daily_stats.meta_breakdown, EXCLUDED.meta_breakdown)`)
//! and concurrent increments are never lost.
//!
//! `{"source": {"google": 10}}` + `{"source": {"google": 1, "direct": 5}}` =
//! `{"source": {"google": 11, "direct": 5}}`. `NULL` is the empty breakdown. Counts are added as
//! `bigint`, so a sum past its maximum raises an error instead of wrapping or losing precision; a
//! dimension that is not an object raises an error too (`jsonb_each`).

crate::sql::sql_migration!();

const UP: &str = r#"
CREATE FUNCTION stats_breakdown_add(a jsonb, b jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT COALESCE(jsonb_object_agg(dimension, keys), '{}'::jsonb)
    FROM (
        SELECT dimension, jsonb_object_agg(key, total) AS keys
        FROM (
            SELECT d.key AS dimension, k.key AS key, SUM((k.value)::bigint)::bigint AS total
            FROM (
                SELECT key, value FROM jsonb_each(COALESCE(a, '{}'::jsonb))
                UNION ALL
                SELECT key, value FROM jsonb_each(COALESCE(b, '{}'::jsonb))
            ) AS d
            CROSS JOIN LATERAL jsonb_each(d.value) AS k
            GROUP BY d.key, k.key
        ) AS sums
        GROUP BY dimension
    ) AS dimensions
$$;
"#;

const DOWN: &str = "DROP FUNCTION stats_breakdown_add(jsonb, jsonb);";
