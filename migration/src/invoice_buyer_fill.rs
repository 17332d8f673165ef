//! SQL shared by evolution 3 (the invoice's buyer): the `BEFORE INSERT` trigger that gives an
//! invoice inserted without a buyer snapshot (by a server of the previous release) its company's
//! current name, tax id and address. Migration 22 installs it, migration 23 removes it, and
//! migration 23's `down` installs it again.

/// Installs the fill trigger.
pub const CREATE_FILL: &str = r#"
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

/// Removes what [`CREATE_FILL`] installs.
pub const DROP_FILL: &str = r#"
DROP TRIGGER invoices_fill_buyer ON invoices;
DROP FUNCTION invoices_fill_buyer();
"#;
