//! [`IngestKey`]: the per-project secret a project's website sends its page views with (SPEC §5).
//! Only its SHA-256 is stored, so a leaked database does not leak working keys; rotating a key
//! replaces the hash, and the old key stops working at once.

use std::fmt;

use crate::digest::sha256_hex;

/// A project's ingestion key: `psk_` and 64 hex digits (244 random bits from two v4 UUIDs, drawn
/// from the operating system's generator). Shown once, when created.
#[derive(Clone, PartialEq, Eq)]
pub struct IngestKey(String);

impl IngestKey {
    /// The prefix of every key, so that leaked keys can be recognised by scanners.
    pub const PREFIX: &'static str = "psk_";

    /// A new random key.
    pub(crate) fn generate() -> Self {
        let random: String = [uuid::Uuid::new_v4(), uuid::Uuid::new_v4()]
            .iter()
            .map(|uuid| uuid.simple().to_string())
            .collect();
        Self(format!("{}{random}", Self::PREFIX))
    }

    /// The key, for the one response that shows it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The stored form of `key`: its SHA-256 in lower-case hex.
    pub(crate) fn hash_of(key: &str) -> String {
        sha256_hex(key)
    }
}

impl fmt::Debug for IngestKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("IngestKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_random_prefixed_and_hashed_as_sha256_hex() {
        let (first, second) = (IngestKey::generate(), IngestKey::generate());
        assert_ne!(first, second);
        assert!(first.expose().starts_with("psk_"));
        assert_eq!(first.expose().len(), 4 + 64);
        assert_eq!(
            IngestKey::hash_of("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(!format!("{first:?}").contains(&first.expose()[4..]));
    }
}
