//! [`Phone`]: a phone number in E.164 form, normalised from the ways people write Turkish numbers.

use crate::error::{DomainError, DomainResult, ValidationReason};
use crate::text::string_value;

const FIELD: &str = "phone";
/// Turkey's country calling code.
const TURKEY: &str = "90";
/// Digits in a Turkish national significant number (`532 123 45 67`).
const TURKISH_NATIONAL_DIGITS: usize = 10;
/// Digits an E.164 number may have after the `+`.
const E164_DIGITS: std::ops::RangeInclusive<usize> = 8..=15;

string_value! {
    /// A phone number in E.164 form: `+`, then 8..=15 digits, the first not 0.
    ///
    /// Input may contain spaces, `-`, `.`, `(` and `)`. Without a leading `+` it is read as Turkish:
    /// `0532 123 45 67`, `532 123 45 67` and `90 532 123 45 67` all become `+905321234567`. A Turkish
    /// number (`+90…`) must have exactly 10 digits after the country code.
    ///
    /// ```
    /// use prosektor_domain::Phone;
    ///
    /// assert_eq!(Phone::parse("(0532) 123-45-67").unwrap().as_str(), "+905321234567");
    /// assert_eq!(Phone::parse("+44 20 7946 0958").unwrap().as_str(), "+442079460958");
    /// assert!(Phone::parse("0532 123 45").is_err());
    /// ```
    Phone
}

impl Phone {
    /// Normalises and validates a phone number (see the type's documentation).
    ///
    /// # Errors
    ///
    /// [`DomainError::Validation`] on field `phone`: `Empty`, or `Format` for other characters, a `+`
    /// anywhere but first, or a digit count that fits neither a Turkish nor an E.164 number.
    pub fn parse(input: &str) -> DomainResult<Self> {
        let format = || DomainError::invalid(FIELD, ValidationReason::Format);
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(DomainError::invalid(FIELD, ValidationReason::Empty));
        }
        let (international, rest) = match trimmed.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, trimmed),
        };
        let mut digits = String::with_capacity(rest.len());
        for c in rest.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '.' | '(' | ')' => {}
                _ => return Err(format()),
            }
        }
        let e164 = if international {
            digits
        } else if let Some(national) = digits.strip_prefix('0') {
            format!("{TURKEY}{national}")
        } else if digits.len() == TURKISH_NATIONAL_DIGITS {
            format!("{TURKEY}{digits}")
        } else if digits.starts_with(TURKEY) {
            digits
        } else {
            return Err(format());
        };
        let valid = match e164.strip_prefix(TURKEY) {
            Some(national) => {
                national.len() == TURKISH_NATIONAL_DIGITS && !national.starts_with('0')
            }
            None => E164_DIGITS.contains(&e164.len()) && !e164.starts_with('0'),
        };
        if !valid {
            return Err(format());
        }
        Ok(Self(format!("+{e164}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_turkish_input() {
        for input in [
            "0532 123 45 67",
            "532 123 45 67",
            "+90 532 123 45 67",
            "(0532) 123-45-67",
            "905321234567",
            "90 (532) 123.45.67",
            " 05321234567 ",
        ] {
            assert_eq!(
                Phone::parse(input).unwrap().as_str(),
                "+905321234567",
                "{input}"
            );
        }
        assert_eq!(
            Phone::parse("0212 555 00 00").unwrap().as_str(),
            "+902125550000"
        );
    }

    #[test]
    fn keeps_other_countries() {
        assert_eq!(
            Phone::parse("+44 20 7946 0958").unwrap().as_str(),
            "+442079460958"
        );
        assert_eq!(
            Phone::parse("+1 (212) 555-0100").unwrap().as_str(),
            "+12125550100"
        );
        assert_eq!(Phone::parse("+49301234").unwrap().as_str(), "+49301234");
    }

    #[test]
    fn rejects_bad_numbers() {
        assert_eq!(
            Phone::parse("  "),
            Err(DomainError::invalid(FIELD, ValidationReason::Empty))
        );
        for input in [
            "0532 123 45",        // Turkish, too short
            "0532 123 45 678",    // Turkish, too long
            "+90 532 123 45 6",   // Turkish with country code, too short
            "+90 0532 123 45 67", // trunk 0 after the country code
            "00 532 123 45 67",   // national number starting with 0
            "+0 123 456 789",     // E.164 cannot start with 0
            "+1234567",           // 7 digits
            "+1234567890123456",  // 16 digits
            "12345",              // neither Turkish nor international
            "442079460958",       // a foreign number needs its `+`
            "0532 123 45 67 ext 1",
            "0532+1234567",
            "++905321234567",
            "+",
        ] {
            assert_eq!(
                Phone::parse(input),
                Err(DomainError::invalid(FIELD, ValidationReason::Format)),
                "{input}"
            );
        }
    }
}
