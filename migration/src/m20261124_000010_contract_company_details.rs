//! SPEC §7 evolution 2, the contract step: once every running server reads and writes
//! `company_details`, stop the sync and drop the legacy columns from `companies`.
//!
//! `down` restores the columns, copies the details back into them and reinstalls the sync, so the
//! previous schema version gets its data back exactly.

use crate::company_details_sync::{
    ADD_LEGACY_COLUMNS, CREATE_SYNC, DROP_LEGACY_COLUMNS, DROP_SYNC,
};

crate::sql::sql_migration!(
    up = [DROP_SYNC, DROP_LEGACY_COLUMNS],
    down = [ADD_LEGACY_COLUMNS, COPY_BACK, CREATE_SYNC]
);

const COPY_BACK: &str = r#"
UPDATE companies AS c SET
    address = d.address,
    city = d.city,
    danger_class = d.danger_class,
    nace_code = d.nace_code,
    contact_email = d.contact_email,
    contact_phone = d.contact_phone
FROM company_details AS d
WHERE d.company_id = c.id;
"#;
