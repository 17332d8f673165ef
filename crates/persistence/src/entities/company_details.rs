//! SeaORM model of `company_details` (to be written).
