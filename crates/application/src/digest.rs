//! SHA-256 in lower-case hex: how secrets and identifying text are stored when only equality matters
//! (ingestion keys, throttle subjects).

use sha2::{Digest, Sha256};

/// The SHA-256 of `text`, as 64 lower-case hex digits.
pub(crate) fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn is_the_known_digest() {
        assert_eq!(
            super::sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
