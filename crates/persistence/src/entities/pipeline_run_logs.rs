//! SeaORM model of `pipeline_run_logs` (to be written).
