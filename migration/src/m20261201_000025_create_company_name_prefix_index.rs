//! Company autocomplete (the design document's `companies(name varchar_pattern_ops)` promise, on
//! the folded name so that case and Turkish letters are ignored): a B-tree over `name_fold` in the
//! `C` collation, whose byte order makes every name starting with a prefix one contiguous range
//! (`name_fold >= fold(prefix) AND name_fold < fold(prefix) || U+10FFFF`), read in order and
//! stopped after the first N, in custom and generic plans alike; `id` breaks ties and `name` is
//! included so that the answer comes from the index alone.
//!
//! Built `CONCURRENTLY` (writes go on meanwhile), so outside a transaction; an index left invalid
//! by an interrupted build is dropped and built again.

crate::sql::sql_migration!(
    outside_transaction,
    up = [DROP_INDEX, CREATE_INDEX],
    down = [DROP_INDEX]
);

const CREATE_INDEX: &str = r#"
CREATE INDEX CONCURRENTLY idx_companies_name_fold_prefix
    ON companies (name_fold COLLATE "C", id) INCLUDE (name)
"#;

const DROP_INDEX: &str = "DROP INDEX CONCURRENTLY IF EXISTS idx_companies_name_fold_prefix";
