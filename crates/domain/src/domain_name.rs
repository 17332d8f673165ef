//! Host names: the [`DomainName`] of a web project, and the host rule shared with
//! [`Email`](crate::Email) and [`AvatarUrl`](crate::AvatarUrl).

use crate::error::{DomainError, DomainResult, ValidationReason};
use crate::text::string_value;

/// The longest host name, in characters (RFC 1035).
const MAX_HOST_CHARS: usize = 253;
/// The longest label between dots (RFC 1035).
const MAX_LABEL_CHARS: usize = 63;

/// Checks an already lower-cased host name: at most 253 characters, at least two dot-separated
/// labels of 1..=63 characters from `[a-z0-9-]` that neither start nor end with `-`, and a top-level
/// label that is not all digits (so IPv4 addresses are not host names).
pub(crate) fn validate_host(field: &'static str, host: &str) -> DomainResult<()> {
    let format = || DomainError::invalid(field, ValidationReason::Format);
    if host.is_empty() {
        return Err(DomainError::invalid(field, ValidationReason::Empty));
    }
    if host.len() > MAX_HOST_CHARS {
        return Err(DomainError::invalid(
            field,
            ValidationReason::TooLong {
                max: MAX_HOST_CHARS,
            },
        ));
    }
    let labels: Vec<&str> = host.split('.').collect();
    if labels.len() < 2 {
        return Err(format());
    }
    let label_ok = |label: &str| {
        (1..=MAX_LABEL_CHARS).contains(&label.len())
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    if !labels.iter().all(|label| label_ok(label)) {
        return Err(format());
    }
    if labels
        .last()
        .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(format());
    }
    Ok(())
}

string_value! {
    /// A web project's domain: a host name such as `acme-osgb.com.tr`, trimmed and lower-cased.
    ///
    /// Internationalised names must be given in their ASCII (punycode, `xn--`) form.
    ///
    /// ```
    /// use prosektor_domain::DomainName;
    ///
    /// let domain = DomainName::parse(" Acme-OSGB.com.tr ").unwrap();
    /// assert_eq!(domain.as_str(), "acme-osgb.com.tr");
    /// assert!(DomainName::parse("localhost").is_err());
    /// ```
    DomainName
}

impl DomainName {
    /// Trims, lower-cases (ASCII) and validates a host name.
    ///
    /// # Errors
    ///
    /// [`DomainError::Validation`] on field `domain`: `Empty`, `TooLong` (over 253 characters) or
    /// `Format` (fewer than two labels, a bad label, an all-digit top-level label).
    pub fn parse(input: &str) -> DomainResult<Self> {
        let host = input.trim().to_ascii_lowercase();
        validate_host("domain", &host)?;
        Ok(Self(host))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(input: &str) -> ValidationReason {
        match DomainName::parse(input) {
            Err(DomainError::Validation {
                field: "domain",
                reason,
            }) => reason,
            other => panic!("expected a domain validation error for {input:?}, got {other:?}"),
        }
    }

    #[test]
    fn accepts_and_normalises_host_names() {
        for (input, expected) in [
            ("example.com", "example.com"),
            ("  WWW.Example.COM ", "www.example.com"),
            ("a-b.c-d.com.tr", "a-b.c-d.com.tr"),
            ("xn--bcher-kva.example", "xn--bcher-kva.example"),
            ("1.example.io", "1.example.io"),
        ] {
            assert_eq!(DomainName::parse(input).unwrap().as_str(), expected);
        }
    }

    #[test]
    fn rejects_malformed_hosts() {
        for input in [
            "localhost",
            "example..com",
            ".example.com",
            "example.com.",
            "-a.com",
            "a-.com",
            "exa mple.com",
            "exa_mple.com",
            "örnek.com",
            "192.168.1.1",
            "example.com:80",
        ] {
            assert_eq!(reason(input), ValidationReason::Format, "{input}");
        }
    }

    #[test]
    fn enforces_length_limits() {
        assert_eq!(reason("  "), ValidationReason::Empty);
        let label = "a".repeat(63);
        assert!(DomainName::parse(&format!("{label}.com")).is_ok());
        assert_eq!(reason(&format!("a{label}.com")), ValidationReason::Format);
        let long = format!("{label}.{label}.{label}.{}.com", "a".repeat(57));
        assert_eq!(long.len(), 253);
        assert!(DomainName::parse(&long).is_ok());
        assert_eq!(
            reason(&format!("a{long}")),
            ValidationReason::TooLong { max: 253 }
        );
    }
}
