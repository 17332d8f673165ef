//! SeaORM model of `web_projects` (to be written).
