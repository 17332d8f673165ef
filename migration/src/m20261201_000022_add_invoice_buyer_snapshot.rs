//! Evolution 3, "adding a field" on the hot table, phase 1 (expand): invoices keep their buyer as
//! it was when they were issued (a Turkish invoice carries the buyer's legal name, tax id and
//! address; renaming a company must not rewrite its old invoices). The snapshot columns are added
//! nullable, without a default (a catalogue change, no rewrite), with their format rules as `NOT
//! VALID` constraints (checked for new rows at once, validated over old rows by the contract).
//!
//! Servers of the previous release insert invoices without a snapshot: until the contract, a
//! `BEFORE INSERT` trigger takes the company's current name, tax id and address for a row that
//! has none. The rows that existed before are filled by the `invoice_buyer` backfill
//! (`crate::backfill`), with the company as it is at that time (the best record left of it).
//! Phase 2 is the code that writes the snapshot at creation; phases 3 (the backfill) and 4
//! (`NOT NULL`, `m20261201_000023` and `m20261201_000024`) follow.

use crate::invoice_buyer_fill::{CREATE_FILL, DROP_FILL};

crate::sql::sql_migration!(up = [UP, CREATE_FILL], down = [DROP_FILL, DOWN]);

const UP: &str = r#"
ALTER TABLE invoices
    ADD COLUMN buyer_name VARCHAR(255),
    ADD COLUMN buyer_tax_id VARCHAR(20),
    ADD COLUMN buyer_address TEXT;
ALTER TABLE invoices ADD CONSTRAINT invoices_buyer_name_not_blank
    CHECK (btrim(buyer_name) <> '') NOT VALID;
ALTER TABLE invoices ADD CONSTRAINT invoices_buyer_tax_id_format
    CHECK (buyer_tax_id ~ '^([0-9]{10}|[1-9][0-9]{10})$') NOT VALID;
"#;

const DOWN: &str = r#"
ALTER TABLE invoices
    DROP COLUMN buyer_address,
    DROP COLUMN buyer_tax_id,
    DROP COLUMN buyer_name;
"#;
