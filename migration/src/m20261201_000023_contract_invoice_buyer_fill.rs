//! Evolution 3, phase 4, first step (contract): once no server of the previous release inserts
//! invoices, every new row carries its snapshot, so the fill trigger goes and a `CHECK (buyer_name
//! IS NOT NULL)` is added `NOT VALID` (instant: old rows are not scanned; new rows are checked).
//! The `invoice_buyer` backfill has run to completion before this migration applies. `down`
//! restores the trigger and drops the check.

use crate::invoice_buyer_fill::{CREATE_FILL, DROP_FILL};

crate::sql::sql_migration!(up = [DROP_FILL, UP], down = [DOWN, CREATE_FILL]);

const UP: &str = r#"
ALTER TABLE invoices ADD CONSTRAINT invoices_buyer_name_present
    CHECK (buyer_name IS NOT NULL) NOT VALID;
"#;

const DOWN: &str = "ALTER TABLE invoices DROP CONSTRAINT invoices_buyer_name_present;";
