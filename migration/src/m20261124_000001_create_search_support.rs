//! Search support used by the companies table: the `pg_trgm` extension (infix search through trigram
//! GIN indexes) and `search_fold(text)`, the one normalisation that makes search insensitive to case
//! and to Turkish letters (`ŞİŞLİ` and `sisli` fold to the same text, SPEC §5).
//!
//! `search_fold` translates the Turkish letters first and lower-cases afterwards, so the result does
//! not depend on how the database's locale lower-cases `İ` or `I`. It is `IMMUTABLE` so that
//! expression indexes can use it; queries must call the very same expression to use them.
//!
//! It is PL/pgSQL with `COST 100` on purpose. A SQL function would be inlined, and the planner would
//! price `lower(translate(...))` like two cheap operators: at 10k companies it then preferred a
//! sequential scan that folds every name (about 30 ms) over the trigram index (about 10 ms). Not
//! inlined, the declared cost is what the planner sees, and both custom and generic plans of the
//! search use the index (`docs/migrations.md`, access pattern 4).

crate::sql::sql_migration!();

const UP: &str = r#"
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE FUNCTION search_fold(input TEXT) RETURNS TEXT
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 100
    AS $$
BEGIN
    RETURN lower(translate(input, 'ŞşİıĞğÜüÖöÇçÂâÎîÛû', 'SsIiGgUuOoCcAaIiUu'));
END
$$;
"#;

const DOWN: &str = r#"
DROP FUNCTION search_fold(TEXT);
DROP EXTENSION IF EXISTS pg_trgm;
"#;
