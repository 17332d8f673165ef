//! `web_projects`: the websites built for a company (SPEC §4). "Active" means neither `DRAFT` nor
//! `ARCHIVED`; `idx_web_projects_active` holds only active rows, so the dashboard widget (access
//! pattern 2, which the design document writes against `policies`) reads nothing else. Its predicate
//! is written exactly as the query's, which PostgreSQL needs to match a partial index.

crate::sql::sql_migration!();

const UP: &str = r#"
CREATE TABLE web_projects (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id UUID NOT NULL REFERENCES companies (id),
    name VARCHAR(200) NOT NULL
        CONSTRAINT web_projects_name_not_blank CHECK (btrim(name) <> ''),
    domain VARCHAR(253)
        CONSTRAINT web_projects_domain_key UNIQUE
        CONSTRAINT web_projects_domain_host_name
        CHECK (domain ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$'),
    status VARCHAR(20) NOT NULL DEFAULT 'DRAFT'
        CONSTRAINT web_projects_status_valid
        CHECK (status IN ('DRAFT', 'BUILDING', 'LIVE', 'PAUSED', 'ARCHIVED')),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT web_projects_updated_after_created CHECK (updated_at >= created_at)
);

CREATE INDEX idx_web_projects_company ON web_projects (company_id, created_at DESC);
CREATE INDEX idx_web_projects_active ON web_projects (company_id, created_at DESC)
    WHERE status NOT IN ('DRAFT', 'ARCHIVED');
"#;

const DOWN: &str = "DROP TABLE web_projects;";
