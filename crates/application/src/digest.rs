//! SHA-256 in lower-case hex: how secrets and identifying text are stored when only equality matters
//! (ingestion keys, throttle subjects).

use sha2::{Digest, Sha256};

/// The SHA-256 of `text`, as 64 lower-case hex digits.
pub(crate) fn sha256_hex(text: &str) -> String {
    sha256_hex_of_parts(&[text.as_bytes()])
}

/// The SHA-256 of `parts` one after another, as 64 lower-case hex digits.
pub(crate) fn sha256_hex_of_parts(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hex::encode(hasher.finalize())
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
