//! [`TaxId`]: a Turkish tax number, either a VKN (companies) or a TCKN (individuals), with the
//! check-digit rules of SPEC §4.

use crate::enums::string_enum;
use crate::error::{DomainError, DomainResult, ValidationReason};
use crate::text::string_value;

const FIELD: &str = "tax_id";

string_enum! {
    /// Which kind of number a [`TaxId`] is; follows from its length.
    pub enum TaxIdKind {
        /// Vergi Kimlik Numarası: 10 digits, issued to legal entities.
        Vkn => "VKN",
        /// T.C. Kimlik Numarası: 11 digits, a citizen's identity number (sole proprietors).
        Tckn => "TCKN",
    }
    field = "tax_id_kind";
}

string_value! {
    /// A valid VKN or TCKN, stored as its digits.
    ///
    /// - VKN `d1..d10`: for `i = 1..9`, `t = (d_i + 10 - i) mod 10`; `v = 0` when `t = 0`, otherwise
    ///   `v = (t * 2^(10-i)) mod 9`, replaced by 9 when that is 0. `d10 = (10 - (Σv mod 10)) mod 10`.
    /// - TCKN `d1..d11`, `d1 ≠ 0`: `d10 = (7(d1+d3+d5+d7+d9) - (d2+d4+d6+d8)) mod 10` (non-negative),
    ///   `d11 = (d1 + … + d10) mod 10`.
    ///
    /// ```
    /// use prosektor_domain::{TaxId, TaxIdKind};
    ///
    /// assert_eq!(TaxId::parse("4540536920").unwrap().kind(), TaxIdKind::Vkn);
    /// assert_eq!(TaxId::parse(" 17291716060 ").unwrap().kind(), TaxIdKind::Tckn);
    /// assert!(TaxId::parse("4540536921").is_err()); // wrong check digit
    /// assert_eq!(TaxId::complete_vkn("454053692").unwrap().as_str(), "4540536920");
    /// ```
    TaxId
}

impl TaxId {
    /// Trims and validates a VKN (10 digits) or TCKN (11 digits).
    ///
    /// # Errors
    ///
    /// [`DomainError::Validation`] on field `tax_id`: `Empty`; `Format` for anything but 10 or 11
    /// ASCII digits or a TCKN starting with 0; `Checksum` when a check digit is wrong.
    pub fn parse(input: &str) -> DomainResult<Self> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(DomainError::invalid(FIELD, ValidationReason::Empty));
        }
        let digits = to_digits(trimmed)?;
        let valid = match digits.as_slice() {
            [body @ .., last] if digits.len() == 10 => vkn_check_digit(body) == *last,
            [0, ..] => return Err(DomainError::invalid(FIELD, ValidationReason::Format)),
            [body @ .., d10, d11] if digits.len() == 11 => tckn_check_digits(body) == [*d10, *d11],
            _ => return Err(DomainError::invalid(FIELD, ValidationReason::Format)),
        };
        if valid {
            Ok(Self(trimmed.to_owned()))
        } else {
            Err(DomainError::invalid(FIELD, ValidationReason::Checksum))
        }
    }

    /// Whether this is a VKN or a TCKN.
    pub fn kind(&self) -> TaxIdKind {
        if self.0.len() == 10 {
            TaxIdKind::Vkn
        } else {
            TaxIdKind::Tckn
        }
    }

    /// Builds a valid VKN from its first 9 digits by appending the check digit (handy for fixtures).
    ///
    /// # Errors
    ///
    /// [`DomainError::Validation`] on field `tax_id` with `Format` unless `prefix` is 9 ASCII digits.
    pub fn complete_vkn(prefix: &str) -> DomainResult<Self> {
        let body = nine_digits(prefix)?;
        Ok(Self(format!("{prefix}{}", vkn_check_digit(&body))))
    }

    /// Builds a valid TCKN from its first 9 digits by appending both check digits.
    ///
    /// # Errors
    ///
    /// [`DomainError::Validation`] on field `tax_id` with `Format` unless `prefix` is 9 ASCII digits
    /// not starting with 0.
    pub fn complete_tckn(prefix: &str) -> DomainResult<Self> {
        let body = nine_digits(prefix)?;
        if body[0] == 0 {
            return Err(DomainError::invalid(FIELD, ValidationReason::Format));
        }
        let [d10, d11] = tckn_check_digits(&body);
        Ok(Self(format!("{prefix}{d10}{d11}")))
    }
}

fn to_digits(input: &str) -> DomainResult<Vec<u8>> {
    if input.bytes().all(|b| b.is_ascii_digit()) {
        Ok(input.bytes().map(|b| b - b'0').collect())
    } else {
        Err(DomainError::invalid(FIELD, ValidationReason::Format))
    }
}

fn nine_digits(prefix: &str) -> DomainResult<Vec<u8>> {
    let digits = to_digits(prefix)?;
    if digits.len() == 9 {
        Ok(digits)
    } else {
        Err(DomainError::invalid(FIELD, ValidationReason::Format))
    }
}

/// The VKN check digit of the first nine digits `d1..d9`.
fn vkn_check_digit(body: &[u8]) -> u8 {
    let sum: u32 = (1u32..)
        .zip(body)
        .map(|(i, &digit)| {
            let t = (u32::from(digit) + 10 - i) % 10;
            if t == 0 {
                0
            } else {
                match (t << (10 - i)) % 9 {
                    0 => 9,
                    v => v,
                }
            }
        })
        .sum();
    // Always < 10, so the narrowing cannot truncate.
    ((10 - sum % 10) % 10) as u8
}

/// The two TCKN check digits `d10, d11` of the first nine digits `d1..d9`.
fn tckn_check_digits(body: &[u8]) -> [u8; 2] {
    let at = |i: usize| i32::from(body[i]);
    let odd = at(0) + at(2) + at(4) + at(6) + at(8);
    let even = at(1) + at(3) + at(5) + at(7);
    // `rem_euclid(10)` is in 0..10, so the narrowing cannot truncate.
    let d10 = (7 * odd - even).rem_euclid(10) as u8;
    let d11 = ((body.iter().map(|&d| u32::from(d)).sum::<u32>() + u32::from(d10)) % 10) as u8;
    [d10, d11]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn reason(input: &str) -> ValidationReason {
        match TaxId::parse(input) {
            Err(DomainError::Validation {
                field: "tax_id",
                reason,
            }) => reason,
            other => panic!("expected a tax_id validation error for {input:?}, got {other:?}"),
        }
    }

    #[test]
    fn accepts_the_spec_examples() {
        assert_eq!(TaxId::parse("4540536920").unwrap().kind(), TaxIdKind::Vkn);
        for tckn in ["17291716060", "10000000146"] {
            let id = TaxId::parse(tckn).unwrap();
            assert_eq!((id.kind(), id.as_str()), (TaxIdKind::Tckn, tckn));
        }
    }

    #[test]
    fn flipping_any_digit_breaks_the_checksum() {
        for valid in ["4540536920", "17291716060", "10000000146"] {
            for position in 1..valid.len() {
                let mut bytes = valid.as_bytes().to_vec();
                bytes[position] = b'0' + (bytes[position] - b'0' + 1) % 10;
                let flipped = String::from_utf8(bytes).unwrap();
                assert_eq!(reason(&flipped), ValidationReason::Checksum, "{flipped}");
            }
        }
    }

    #[test]
    fn vkn_maps_t_zero_to_zero_not_nine() {
        // d_i = i makes every t = 0, so every v = 0 and the check digit is 0. The common bug
        // (v = 9 when t = 0) would give Σv = 81 and a check digit of 9.
        assert_eq!(vkn_check_digit(&[1, 2, 3, 4, 5, 6, 7, 8, 9]), 0);
        assert!(TaxId::parse("1234567890").is_ok());
        assert_eq!(reason("1234567899"), ValidationReason::Checksum);
        // A single t = 0 position (d1 = 1) among ordinary ones.
        let with_zero = TaxId::complete_vkn("154053692").unwrap();
        assert_eq!(with_zero.as_str(), "1540536926");
        // The buggy rule adds 9 for d1, which would make 7 the check digit.
        assert_eq!(reason("1540536927"), ValidationReason::Checksum);
    }

    #[test]
    fn rejects_bad_shapes() {
        assert_eq!(reason("  "), ValidationReason::Empty);
        for input in [
            "123456789",
            "123456789012",
            "45405369 0",
            "4540-53692",
            "07291716060",
            "٤٥٤٠٥٣٦٩٢٠",
        ] {
            assert_eq!(reason(input), ValidationReason::Format, "{input}");
        }
    }

    #[test]
    fn completes_prefixes() {
        assert_eq!(
            TaxId::complete_tckn("172917160").unwrap().as_str(),
            "17291716060"
        );
        assert!(TaxId::complete_tckn("072917160").is_err());
        assert!(TaxId::complete_vkn("45405369").is_err());
        assert!(TaxId::complete_vkn("45405369x").is_err());
    }

    fn render(digits: &[u8]) -> String {
        digits.iter().map(|d| char::from(b'0' + d)).collect()
    }

    proptest! {
        #[test]
        fn vkn_check_digit_is_the_only_valid_last_digit(body in proptest::array::uniform9(0u8..10)) {
            let check = vkn_check_digit(&body);
            for last in 0..10u8 {
                let candidate = format!("{}{last}", render(&body));
                prop_assert_eq!(TaxId::parse(&candidate).is_ok(), last == check);
            }
        }

        #[test]
        fn tckn_check_digits_are_the_only_valid_ones(
            first in 1u8..10,
            rest in proptest::array::uniform8(0u8..10),
        ) {
            let mut body = vec![first];
            body.extend_from_slice(&rest);
            let [d10, d11] = tckn_check_digits(&body);
            for a in 0..10u8 {
                for b in 0..10u8 {
                    let candidate = format!("{}{a}{b}", render(&body));
                    prop_assert_eq!(TaxId::parse(&candidate).is_ok(), (a, b) == (d10, d11));
                }
            }
        }
    }
}
