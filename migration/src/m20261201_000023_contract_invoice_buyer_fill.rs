//! Evolution 3, phase 4, first step (contract): once no server of the previous release inserts
//! invoices, every new row carries its snapshot, so the fill trigger goes and a `CHECK (buyer_name
//! IS NOT NULL)` is added `NOT VALID` (instant: old rows are not scanned; new rows are checked).
//! The `invoice_buyer` backfill has run to completion before this migration applies. `down`
//! restores the trigger and drops the check.

crate::sql::sql_migration!();

const UP: &str = r#"
DROP TRIGGER invoices_fill_buyer ON invoices;
DROP FUNCTION invoices_fill_buyer();
ALTER TABLE invoices ADD CONSTRAINT invoices_buyer_name_present
    CHECK (buyer_name IS NOT NULL) NOT VALID;
"#;

const DOWN: &str = r#"
ALTER TABLE invoices DROP CONSTRAINT invoices_buyer_name_present;
CREATE FUNCTION invoices_fill_buyer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.buyer_name IS NULL THEN
        SELECT c.name, c.tax_id, d.address
        INTO NEW.buyer_name, NEW.buyer_tax_id, NEW.buyer_address
        FROM companies c LEFT JOIN company_details d ON d.company_id = c.id
        WHERE c.id = NEW.company_id;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER invoices_fill_buyer BEFORE INSERT ON invoices
    FOR EACH ROW EXECUTE FUNCTION invoices_fill_buyer();
"#;
