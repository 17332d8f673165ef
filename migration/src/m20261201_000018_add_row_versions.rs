//! Every changeable resource a client edits carries a row version (`version BIGINT`, 1 when
//! created): `companies`, `company_details`, `user_profiles`, `web_projects` and `invoices`. The
//! API shows it as the resource's `version` and `ETag`, and a write with `If-Match` applies only
//! while the version is unchanged (`412` otherwise).
//!
//! One trigger function, `bump_row_version()`, adds one on every `UPDATE` of those tables, whoever
//! writes: the application, a sync trigger or a person with `psql`. So a version can never stay the
//! same across a change.
//!
//! `ADD COLUMN ... NOT NULL DEFAULT 1` does not rewrite the tables (PostgreSQL 11+ keeps the
//! default in the catalogue), so each step holds its lock for a moment only.

crate::sql::sql_migration!();

const UP: &str = r#"
CREATE FUNCTION bump_row_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.version := OLD.version + 1;
    RETURN NEW;
END
$$;

ALTER TABLE companies ADD COLUMN version BIGINT NOT NULL DEFAULT 1
    CONSTRAINT companies_version_positive CHECK (version >= 1);
ALTER TABLE company_details ADD COLUMN version BIGINT NOT NULL DEFAULT 1
    CONSTRAINT company_details_version_positive CHECK (version >= 1);
ALTER TABLE user_profiles ADD COLUMN version BIGINT NOT NULL DEFAULT 1
    CONSTRAINT user_profiles_version_positive CHECK (version >= 1);
ALTER TABLE web_projects ADD COLUMN version BIGINT NOT NULL DEFAULT 1
    CONSTRAINT web_projects_version_positive CHECK (version >= 1);
ALTER TABLE invoices ADD COLUMN version BIGINT NOT NULL DEFAULT 1
    CONSTRAINT invoices_version_positive CHECK (version >= 1);

CREATE TRIGGER companies_bump_version BEFORE UPDATE ON companies
    FOR EACH ROW EXECUTE FUNCTION bump_row_version();
CREATE TRIGGER company_details_bump_version BEFORE UPDATE ON company_details
    FOR EACH ROW EXECUTE FUNCTION bump_row_version();
CREATE TRIGGER user_profiles_bump_version BEFORE UPDATE ON user_profiles
    FOR EACH ROW EXECUTE FUNCTION bump_row_version();
CREATE TRIGGER web_projects_bump_version BEFORE UPDATE ON web_projects
    FOR EACH ROW EXECUTE FUNCTION bump_row_version();
CREATE TRIGGER invoices_bump_version BEFORE UPDATE ON invoices
    FOR EACH ROW EXECUTE FUNCTION bump_row_version();
"#;

const DOWN: &str = r#"
DROP TRIGGER invoices_bump_version ON invoices;
DROP TRIGGER web_projects_bump_version ON web_projects;
DROP TRIGGER user_profiles_bump_version ON user_profiles;
DROP TRIGGER company_details_bump_version ON company_details;
DROP TRIGGER companies_bump_version ON companies;
ALTER TABLE invoices DROP COLUMN version;
ALTER TABLE web_projects DROP COLUMN version;
ALTER TABLE user_profiles DROP COLUMN version;
ALTER TABLE company_details DROP COLUMN version;
ALTER TABLE companies DROP COLUMN version;
DROP FUNCTION bump_row_version();
"#;
