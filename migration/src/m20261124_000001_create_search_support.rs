//! Search support used by the companies table: the `pg_trgm` extension (infix search through trigram
//! GIN indexes) and `search_fold(text)`, the one normalisation that makes search insensitive to case
//! and to Turkish letters (`ŞİŞLİ` and `sisli` fold to the same text, SPEC §5).
//!
//! `search_fold` translates the Turkish letters first and lower-cases afterwards, so the result does
//! not depend on how the database's locale lower-cases `İ` or `I`. It is `IMMUTABLE` so that
//! expression indexes can use it; queries must call the very same expression to use them.

crate::sql::sql_migration!();

const UP: &str = r#"
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE FUNCTION search_fold(input TEXT) RETURNS TEXT
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT lower(translate(input, 'ŞşİıĞğÜüÖöÇçÂâÎîÛû', 'SsIiGgUuOoCcAaIiUu')) $$;
"#;

const DOWN: &str = r#"
DROP FUNCTION search_fold(TEXT);
DROP EXTENSION IF EXISTS pg_trgm;
"#;
