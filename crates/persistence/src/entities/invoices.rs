//! SeaORM model of `invoices` (to be written).
