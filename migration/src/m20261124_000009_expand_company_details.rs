//! SPEC §7 evolution 2, "Splitting a table", the expand step: create `company_details` (1:1 with
//! `companies`) and install the two-way sync. The details of companies that existed before are
//! copied afterwards, in batches, by the `company_details` backfill (`crate::backfill`); from this
//! migration's commit on, every write of an older server reaches `company_details` through the
//! sync, and the backfill leaves the rows the sync wrote as they are.
//!
//! `down` drops the new table: while the sync ran, the legacy columns received every write, so
//! nothing is lost.

use crate::company_details_sync::{CREATE_SYNC, DROP_SYNC};

crate::sql::sql_migration!(
    up = [CREATE_TABLE, CREATE_SYNC],
    down = [DROP_SYNC, DROP_TABLE]
);

const CREATE_TABLE: &str = r#"
CREATE TABLE company_details (
    company_id UUID PRIMARY KEY REFERENCES companies (id) ON DELETE CASCADE,
    address TEXT,
    city VARCHAR(100),
    danger_class VARCHAR(50)
        CONSTRAINT company_details_danger_class_valid
        CHECK (danger_class IN ('LESS_DANGEROUS', 'DANGEROUS', 'VERY_DANGEROUS')),
    nace_code VARCHAR(10)
        CONSTRAINT company_details_nace_code_format CHECK (nace_code ~ '^[0-9]{2}\.[0-9]{2}(\.[0-9]{2})?$'),
    contact_email VARCHAR(255),
    contact_phone VARCHAR(20)
        CONSTRAINT company_details_contact_phone_e164 CHECK (contact_phone ~ '^\+[1-9][0-9]{7,14}$')
);
"#;

const DROP_TABLE: &str = "DROP TABLE company_details;";
