//! SQL shared by the `company_details` split (SPEC §7): the contact/address columns of the first
//! `companies` schema, and the two triggers that keep them and `company_details` equal while both
//! exist.
//!
//! While the sync is installed, a server of the previous version that still writes
//! `companies.address` (and the other legacy columns) loses nothing: the write is copied to
//! `company_details`, and writes to `company_details` are copied back so that the old version also
//! reads current data. Each trigger ignores writes caused by the other (`pg_trigger_depth() > 1`),
//! so a change never bounces back and forth. Every company has a details row: inserting a company
//! creates one, so the application writes details with an upsert.

/// Adds the legacy contact and address columns to `companies`, with their CHECK constraints.
pub const ADD_LEGACY_COLUMNS: &str = r#"
ALTER TABLE companies
    ADD COLUMN address TEXT,
    ADD COLUMN city VARCHAR(100),
    ADD COLUMN danger_class VARCHAR(50)
        CONSTRAINT companies_danger_class_valid
        CHECK (danger_class IN ('LESS_DANGEROUS', 'DANGEROUS', 'VERY_DANGEROUS')),
    ADD COLUMN nace_code VARCHAR(10)
        CONSTRAINT companies_nace_code_format CHECK (nace_code ~ '^[0-9]{2}\.[0-9]{2}(\.[0-9]{2})?$'),
    ADD COLUMN contact_email VARCHAR(255),
    ADD COLUMN contact_phone VARCHAR(20)
        CONSTRAINT companies_contact_phone_e164 CHECK (contact_phone ~ '^\+[1-9][0-9]{7,14}$');
"#;

/// Drops the legacy contact and address columns from `companies`.
pub const DROP_LEGACY_COLUMNS: &str = r#"
ALTER TABLE companies
    DROP COLUMN address,
    DROP COLUMN city,
    DROP COLUMN danger_class,
    DROP COLUMN nace_code,
    DROP COLUMN contact_email,
    DROP COLUMN contact_phone;
"#;

/// Installs the two-way sync between the legacy columns and `company_details`.
pub const CREATE_SYNC: &str = r#"
CREATE FUNCTION companies_sync_to_details() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF pg_trigger_depth() > 1 THEN
        RETURN NULL;
    END IF;
    INSERT INTO company_details
        (company_id, address, city, danger_class, nace_code, contact_email, contact_phone)
    VALUES
        (NEW.id, NEW.address, NEW.city, NEW.danger_class, NEW.nace_code, NEW.contact_email, NEW.contact_phone)
    ON CONFLICT (company_id) DO UPDATE SET
        address = EXCLUDED.address,
        city = EXCLUDED.city,
        danger_class = EXCLUDED.danger_class,
        nace_code = EXCLUDED.nace_code,
        contact_email = EXCLUDED.contact_email,
        contact_phone = EXCLUDED.contact_phone;
    RETURN NULL;
END
$$;

CREATE TRIGGER companies_sync_to_details
    AFTER INSERT OR UPDATE OF address, city, danger_class, nace_code, contact_email, contact_phone
    ON companies
    FOR EACH ROW EXECUTE FUNCTION companies_sync_to_details();

CREATE FUNCTION company_details_sync_to_companies() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF pg_trigger_depth() > 1 THEN
        RETURN NULL;
    END IF;
    UPDATE companies SET
        address = NEW.address,
        city = NEW.city,
        danger_class = NEW.danger_class,
        nace_code = NEW.nace_code,
        contact_email = NEW.contact_email,
        contact_phone = NEW.contact_phone
    WHERE id = NEW.company_id;
    RETURN NULL;
END
$$;

CREATE TRIGGER company_details_sync_to_companies
    AFTER INSERT OR UPDATE
    ON company_details
    FOR EACH ROW EXECUTE FUNCTION company_details_sync_to_companies();
"#;

/// Removes the sync installed by [`CREATE_SYNC`].
pub const DROP_SYNC: &str = r#"
DROP TRIGGER company_details_sync_to_companies ON company_details;
DROP FUNCTION company_details_sync_to_companies();
DROP TRIGGER companies_sync_to_details ON companies;
DROP FUNCTION companies_sync_to_details();
"#;
