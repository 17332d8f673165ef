//! [`Email`]: a normalised e-mail address, used for logins and company contacts.

use crate::domain_name::validate_host;
use crate::error::{DomainError, DomainResult, ValidationReason};
use crate::text::string_value;

const FIELD: &str = "email";
/// The longest address we store (`VARCHAR(255)`).
const MAX_CHARS: usize = 255;
/// The longest local part (RFC 5321).
const MAX_LOCAL_CHARS: usize = 64;
/// Punctuation allowed in a dot-atom local part (RFC 5322), besides letters, digits and dots.
const LOCAL_SPECIALS: &[u8] = b"!#$%&'*+/=?^_`{|}~-";

string_value! {
    /// An e-mail address, trimmed and lower-cased, so that lookups and the unique index on
    /// `users.email` compare addresses the way people mean them.
    ///
    /// The local part is an RFC 5322 dot-atom of at most 64 ASCII characters; the domain is a host
    /// name with at least one dot (see [`DomainName`](crate::DomainName)); the whole address is at
    /// most 255 characters.
    ///
    /// ```
    /// use prosektor_domain::Email;
    ///
    /// let email = Email::parse("  Ayse.Yilmaz@Example.COM.tr ").unwrap();
    /// assert_eq!(email.as_str(), "ayse.yilmaz@example.com.tr");
    /// assert_eq!(email.to_string(), "ayse.yilmaz@example.com.tr");
    /// assert!(Email::parse("no-at-sign.example.com").is_err());
    /// ```
    Email
}

impl Email {
    /// Trims, lower-cases and validates an address.
    ///
    /// # Errors
    ///
    /// [`DomainError::Validation`] on field `email`: `Empty`, `TooLong` (over 255 characters), or
    /// `Format` (not exactly one `@`, a bad local part, a domain that is not a host name).
    pub fn parse(input: &str) -> DomainResult<Self> {
        let format = || DomainError::invalid(FIELD, ValidationReason::Format);
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(DomainError::invalid(FIELD, ValidationReason::Empty));
        }
        if trimmed.chars().count() > MAX_CHARS {
            return Err(DomainError::invalid(
                FIELD,
                ValidationReason::TooLong { max: MAX_CHARS },
            ));
        }
        let address = trimmed.to_ascii_lowercase();
        let (local, domain) = address.split_once('@').ok_or_else(format)?;
        if !is_dot_atom(local) || domain.contains('@') {
            return Err(format());
        }
        validate_host(FIELD, domain).map_err(|_| format())?;
        Ok(Self(address))
    }

    /// The part after the `@`.
    pub fn domain(&self) -> &str {
        self.0.split_once('@').map_or("", |(_, domain)| domain)
    }
}

/// 1..=64 characters, letters/digits/`LOCAL_SPECIALS`, dots only between atoms.
fn is_dot_atom(local: &str) -> bool {
    (1..=MAX_LOCAL_CHARS).contains(&local.len())
        && local.split('.').all(|atom| {
            !atom.is_empty()
                && atom
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || LOCAL_SPECIALS.contains(&b))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(input: &str) -> ValidationReason {
        match Email::parse(input) {
            Err(DomainError::Validation {
                field: "email",
                reason,
            }) => reason,
            other => panic!("expected an email validation error for {input:?}, got {other:?}"),
        }
    }

    #[test]
    fn normalises_case_and_whitespace() {
        let email = Email::parse("\t Info+Sales@OSGB.Example.com ").unwrap();
        assert_eq!(email.as_str(), "info+sales@osgb.example.com");
        assert_eq!(email.domain(), "osgb.example.com");
        assert_eq!(
            email,
            "info+sales@osgb.example.com".parse::<Email>().unwrap()
        );
    }

    #[test]
    fn accepts_dot_atom_local_parts() {
        for input in ["a@b.co", "first.last@x.io", "o'neil@x.io", "x_y-z{1}@x.io"] {
            assert!(Email::parse(input).is_ok(), "{input}");
        }
    }

    #[test]
    fn rejects_malformed_addresses() {
        for input in [
            "plain.example.com",
            "two@@example.com",
            "a@b@example.com",
            "@example.com",
            ".a@example.com",
            "a.@example.com",
            "a..b@example.com",
            "a b@example.com",
            "ayşe@example.com",
            "a@localhost",
            "a@example..com",
            "a@192.168.0.1",
            "a@",
        ] {
            assert_eq!(reason(input), ValidationReason::Format, "{input}");
        }
    }

    #[test]
    fn enforces_length_limits() {
        assert_eq!(reason(" "), ValidationReason::Empty);
        let local = "a".repeat(64);
        assert!(Email::parse(&format!("{local}@example.com")).is_ok());
        assert_eq!(
            reason(&format!("a{local}@example.com")),
            ValidationReason::Format
        );
        let domain = format!(
            "{}.{}.{}.com",
            "b".repeat(62),
            "c".repeat(62),
            "d".repeat(60)
        );
        let longest = format!("{local}@{domain}");
        assert_eq!(longest.len(), 255);
        assert!(Email::parse(&longest).is_ok());
        assert_eq!(
            reason(&format!("{longest}x")),
            ValidationReason::TooLong { max: 255 }
        );
    }
}
