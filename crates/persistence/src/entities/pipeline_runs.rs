//! SeaORM model of `pipeline_runs` (to be written).
