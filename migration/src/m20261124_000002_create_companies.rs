//! The first `companies` table: the tenant. As in the design document's first schema, the contact and
//! address fields still live on this table (added by the shared [`ADD_LEGACY_COLUMNS`], which the
//! contract migration's `down` reuses); `m20261124_000009` and `m20261124_000010` move them to
//! `company_details` (SPEC §7, "Splitting a table").
//!
//! Indexes: the design document's `(name varchar_pattern_ops)` for raw, case-sensitive prefix
//! autocomplete (`name LIKE 'Anad%'`), and for SPEC §5's search, which is infix (a prefix match is
//! an infix match too) and insensitive to case and Turkish letters, one trigram GIN index on each
//! side of `name OR tax_id`: over `search_fold(name)` and over `tax_id`. Unlike a B-tree, a trigram
//! index also serves `LIKE '%' || $1 || '%'` in a generic plan, which knows no parameter value.

use crate::company_details_sync::ADD_LEGACY_COLUMNS;

crate::sql::sql_migration!(up = [UP, ADD_LEGACY_COLUMNS], down = [DOWN]);

const UP: &str = r#"
CREATE TABLE companies (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name VARCHAR(255) NOT NULL
        CONSTRAINT companies_name_not_blank CHECK (btrim(name) <> ''),
    -- VKN (10 digits) or TCKN (11 digits, first not 0); checksums are verified by the domain.
    tax_id VARCHAR(20)
        CONSTRAINT companies_tax_id_key UNIQUE
        CONSTRAINT companies_tax_id_format CHECK (tax_id ~ '^([0-9]{10}|[1-9][0-9]{10})$'),
    status VARCHAR(50) NOT NULL DEFAULT 'LEAD'
        CONSTRAINT companies_status_valid CHECK (status IN ('LEAD', 'ACTIVE', 'SUSPENDED', 'CHURNED')),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX idx_companies_name_pattern ON companies (name varchar_pattern_ops);
CREATE INDEX idx_companies_name_fold_trgm ON companies USING gin (search_fold(name) gin_trgm_ops);
CREATE INDEX idx_companies_tax_id_trgm ON companies USING gin (tax_id gin_trgm_ops);
"#;

const DOWN: &str = "DROP TABLE companies;";
