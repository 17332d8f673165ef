//! SeaORM model of `users` (to be written).
