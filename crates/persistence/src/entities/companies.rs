//! SeaORM model of `companies` (to be written).
