//! SPEC §7 evolution 2, "Splitting a table", the expand step: create `company_details` (1:1 with
//! `companies`), install the two-way sync, and backfill one details row per existing company.
//!
//! Installing the triggers locks `companies` against writes until this migration commits, so no write
//! of an older server can slip between the backfill and the sync. `down` drops the new table: while
//! the sync ran, the legacy columns received every write, so nothing is lost.

use crate::company_details_sync::{CREATE_SYNC, DROP_SYNC};

crate::sql::sql_migration!(
    up = [CREATE_TABLE, CREATE_SYNC, BACKFILL],
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

const BACKFILL: &str = r#"
INSERT INTO company_details
    (company_id, address, city, danger_class, nace_code, contact_email, contact_phone)
SELECT id, address, city, danger_class, nace_code, contact_email, contact_phone
FROM companies
ON CONFLICT (company_id) DO NOTHING;
"#;

const DROP_TABLE: &str = "DROP TABLE company_details;";
