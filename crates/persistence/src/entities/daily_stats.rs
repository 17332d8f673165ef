//! SeaORM model of `daily_stats` (to be written).
