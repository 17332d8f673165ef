//! The argon2id PasswordHasher (to be written).
