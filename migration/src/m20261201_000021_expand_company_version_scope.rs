//! `companies.version` counts changes of the company's own columns (`name`, `tax_id`, `status`)
//! only. While the `company_details` split is expanded (its contract migration pending), the sync
//! copies every details write back into the legacy columns of `companies`; with the trigger of
//! migration 18 firing on any update, that echo bumped the company's version too, so a company
//! created by this release came back one version ahead of the `ETag` it was answered with, and any
//! details edit made the company's `ETag` stale. `down` restores the unconditional trigger.

crate::sql::sql_migration!();

const UP: &str = r#"
DROP TRIGGER companies_bump_version ON companies;
CREATE TRIGGER companies_bump_version BEFORE UPDATE OF name, tax_id, status ON companies
    FOR EACH ROW EXECUTE FUNCTION bump_row_version();
"#;

const DOWN: &str = r#"
DROP TRIGGER companies_bump_version ON companies;
CREATE TRIGGER companies_bump_version BEFORE UPDATE ON companies
    FOR EACH ROW EXECUTE FUNCTION bump_row_version();
"#;
