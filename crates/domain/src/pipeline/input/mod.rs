//! [`RunInput`]: the JSON document a pipeline run is started with.

mod shape;

use crate::error::{DomainError, DomainResult, ValidationReason};
use crate::text::string_value;

string_value! {
    /// A run's input: the text of one JSON object that the domain stores but does not interpret
    /// (the generator does), at most 64 KiB, shaped so that storage and every client can read it
    /// back: nested at most 32 levels, numbers of at most 15 digits on either side of the point,
    /// no NUL and no lone UTF-16 surrogate in strings.
    RunInput
}

impl RunInput {
    /// The largest input, in bytes.
    pub const MAX_BYTES: usize = 64 * 1024;

    /// The deepest nesting of objects and arrays.
    pub const MAX_DEPTH: usize = shape::MAX_DEPTH;

    /// Accepts the text of one JSON object of the shape above, unchanged.
    ///
    /// # Errors
    ///
    /// [`DomainError::Validation`] on field `input`: `Empty` when blank, `TooLarge` past
    /// [`RunInput::MAX_BYTES`], `TooDeep` past [`RunInput::MAX_DEPTH`], `OutOfRange` for a number
    /// past 15 digits on either side of the point, `Format` for anything else that is not such an
    /// object (including a NUL or a lone surrogate in a string).
    pub fn parse(json: &str) -> DomainResult<Self> {
        let invalid = |reason| DomainError::invalid("input", reason);
        if json.trim().is_empty() {
            return Err(invalid(ValidationReason::Empty));
        }
        if json.len() > Self::MAX_BYTES {
            return Err(invalid(ValidationReason::TooLarge {
                max_bytes: Self::MAX_BYTES,
            }));
        }
        shape::check_object(json).map_err(invalid)?;
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
    fn refuses_numbers_storage_would_print_unreadably() {
        assert_eq!(
            RunInput::parse(r#"{"a": 1.7976931348623157e+308}"#),
            Err(DomainError::invalid("input", ValidationReason::OutOfRange))
        );
        assert_eq!(
            RunInput::parse("[1]"),
            Err(DomainError::invalid("input", ValidationReason::Format))
        );
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
        let padding = " ".repeat(RunInput::MAX_BYTES - 2);
        let max = format!("{{{padding}}}");
        assert!(RunInput::parse(&max).is_ok());
        assert_eq!(
            RunInput::parse(&format!("{max} ")),
            Err(DomainError::invalid(
                "input",
                ValidationReason::TooLarge { max_bytes: 65_536 }
            ))
        );
    }
}
