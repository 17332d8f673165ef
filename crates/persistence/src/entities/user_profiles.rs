//! SeaORM model of `user_profiles` (to be written).
