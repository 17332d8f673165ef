//! SeaORM model of `invoice_counters` (to be written).
