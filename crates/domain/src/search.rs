//! [`SearchText`]: what a company search looks for.

use crate::error::{DomainError, DomainResult, ValidationReason};

/// A company search's text: trimmed, 1 to 100 characters, no control characters. Matched as a
/// prefix or infix of the name or the tax id, ignoring case and Turkish letters; `%` and `_` are
/// literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchText(String);

impl SearchText {
    /// The longest search text.
    pub const MAX_CHARS: usize = 100;

    /// Validates a search text.
    ///
    /// # Errors
    /// [`DomainError::Validation`] on field `q`: `Empty`, `TooLong`, or `Format` (a control
    /// character).
    pub fn parse(text: &str) -> DomainResult<Self> {
        let text = text.trim();
        if text.is_empty() {
            return Err(DomainError::invalid("q", ValidationReason::Empty));
        }
        if text.chars().any(char::is_control) {
            return Err(DomainError::invalid("q", ValidationReason::Format));
        }
        if text.chars().count() > Self::MAX_CHARS {
            return Err(DomainError::invalid(
                "q",
                ValidationReason::TooLong {
                    max: Self::MAX_CHARS,
                },
            ));
        }
        Ok(Self(text.to_owned()))
    }

    /// The text as typed (trimmed).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_is_trimmed_and_bounded() {
        assert_eq!(SearchText::parse("  şişli ").unwrap().as_str(), "şişli");
        assert!(SearchText::parse("   ").is_err());
        assert!(SearchText::parse(&"a".repeat(101)).is_err());
        assert!(SearchText::parse("50%_off").is_ok());
        assert!(SearchText::parse("a\0b").is_err());
    }
}
