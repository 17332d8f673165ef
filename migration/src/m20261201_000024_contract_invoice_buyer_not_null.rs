//! Evolution 3, phase 4, second step (contract): validate the snapshot's constraints over the old
//! rows (`VALIDATE CONSTRAINT` scans under `SHARE UPDATE EXCLUSIVE`: reads and writes go on), then
//! `SET NOT NULL`, which PostgreSQL 12+ proves from the validated `CHECK` instead of scanning again
//! under its exclusive lock, and drop the then redundant check. `down` makes the column nullable
//! again and restores the unvalidated check of the first step.

crate::sql::sql_migration!();

const UP: &str = r#"
ALTER TABLE invoices VALIDATE CONSTRAINT invoices_buyer_name_present;
ALTER TABLE invoices VALIDATE CONSTRAINT invoices_buyer_name_not_blank;
ALTER TABLE invoices VALIDATE CONSTRAINT invoices_buyer_tax_id_format;
ALTER TABLE invoices ALTER COLUMN buyer_name SET NOT NULL;
ALTER TABLE invoices DROP CONSTRAINT invoices_buyer_name_present;
"#;

const DOWN: &str = r#"
ALTER TABLE invoices ALTER COLUMN buyer_name DROP NOT NULL;
ALTER TABLE invoices ADD CONSTRAINT invoices_buyer_name_present
    CHECK (buyer_name IS NOT NULL) NOT VALID;
"#;
