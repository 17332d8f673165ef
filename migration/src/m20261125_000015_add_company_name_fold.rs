//! Company search reads a stored fold of the name (SPEC §6, access pattern 4): `companies.name_fold`,
//! generated as `search_fold(name)`, and the trigram index `idx_companies_name_fold_trgm` moves from
//! the expression onto that column.
//!
//! Why: a trigram match is always rechecked against the row, and with the index on the expression
//! every recheck called `search_fold`, a PL/pgSQL function (about 3.6 µs a row). A common prefix
//! such as `Anadolu` matches an eighth of the companies, so the search cost grew with the table
//! (5.7 ms at 10k companies, about 27 ms at 50k). Reading the stored column, the same search takes
//! 0.55 ms at 10k (measured with `EXPLAIN ANALYZE`, see `docs/benchmarks.md`).
//!
//! Adding a stored generated column rewrites `companies` under an exclusive lock: a second or less
//! for the tens of thousands of rows this table holds (one row per customer firm), inside the usual
//! `lock_timeout`. A much larger table would take the playbook's route instead (plain column,
//! trigger, batched backfill; `docs/migrations.md`).

crate::sql::sql_migration!();

const UP: &str = r#"
DROP INDEX idx_companies_name_fold_trgm;
ALTER TABLE companies ADD COLUMN name_fold TEXT GENERATED ALWAYS AS (search_fold(name)) STORED;
CREATE INDEX idx_companies_name_fold_trgm ON companies USING gin (name_fold gin_trgm_ops);
"#;

const DOWN: &str = r#"
DROP INDEX idx_companies_name_fold_trgm;
ALTER TABLE companies DROP COLUMN name_fold;
CREATE INDEX idx_companies_name_fold_trgm ON companies USING gin (search_fold(name) gin_trgm_ops);
"#;
