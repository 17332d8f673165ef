//! [`RunInput`]: the opaque JSON document a pipeline run is started with.

use crate::error::{DomainError, DomainResult, ValidationReason};
use crate::text::string_value;

string_value! {
    /// A run's input: JSON text that the domain stores but does not interpret (the generator does),
    /// non-blank and at most 64 KiB.
    RunInput
}

impl RunInput {
    /// The largest input, in bytes.
    pub const MAX_BYTES: usize = 64 * 1024;

    /// Accepts any non-blank text up to [`RunInput::MAX_BYTES`], unchanged.
    ///
    /// # Errors
    ///
    /// [`DomainError::Validation`] on field `input`: `Empty` when blank, `TooLarge` past the limit.
    pub fn parse(json: &str) -> DomainResult<Self> {
        if json.trim().is_empty() {
            return Err(DomainError::invalid("input", ValidationReason::Empty));
        }
        // PostgreSQL's jsonb cannot hold the NUL character, escaped or not.
        if json.contains('\0') || json.contains("\\u0000") {
            return Err(DomainError::invalid("input", ValidationReason::Format));
        }
        if json.len() > Self::MAX_BYTES {
            return Err(DomainError::invalid(
                "input",
                ValidationReason::TooLarge {
                    max_bytes: Self::MAX_BYTES,
                },
            ));
        }
        Ok(Self(json.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_the_nul_character_escaped_or_not() {
        assert!(RunInput::parse(r#"{"a": "x\u0000"}"#).is_err());
        assert!(RunInput::parse("{\"a\": \"x\0\"}").is_err());
        assert!(RunInput::parse(r#"{"a": "x\u0001"}"#).is_ok());
    }

    #[test]
    fn keeps_text_unchanged() {
        let json = " {\"pages\": [\"home\"]} ";
        assert_eq!(RunInput::parse(json).unwrap().as_str(), json);
    }

    #[test]
    fn rejects_blank_and_oversized_input() {
        assert_eq!(
            RunInput::parse(" \n"),
            Err(DomainError::invalid("input", ValidationReason::Empty))
        );
        let max = "x".repeat(RunInput::MAX_BYTES);
        assert!(RunInput::parse(&max).is_ok());
        assert_eq!(
            RunInput::parse(&format!("{max}x")),
            Err(DomainError::invalid(
                "input",
                ValidationReason::TooLarge { max_bytes: 65_536 }
            ))
        );
    }
}
