//! Shared machinery for text value objects (crate-private).
//!
//! - [`trimmed_bounded`]: the one rule behind every "trimmed, 1..=N characters" field, and
//!   [`is_trimmed_bounded`], whether a text already follows it.
//! - `string_value!`: declares a `String` newtype and the impls every text value object shares
//!   (`as_str`, `Display`, `FromStr`, `TryFrom<String>`, validating serde); the type supplies `parse`.
//! - `bounded_text!`: a `string_value!` whose `parse` is [`trimmed_bounded`].

use crate::error::{DomainError, DomainResult, ValidationReason};

/// Trims `input` and checks it holds 1..=`max_chars` characters (Unicode scalar values) and no
/// control characters other than line breaks and tabs (a NUL could not even be stored).
pub(crate) fn trimmed_bounded(
    field: &'static str,
    input: &str,
    max_chars: usize,
) -> DomainResult<String> {
    let trimmed = input.trim();
    check_bounded(trimmed, max_chars).map_err(|reason| DomainError::invalid(field, reason))?;
    Ok(trimmed.to_owned())
}

/// Whether `input` is already what [`trimmed_bounded`] makes of it, so that a caller holding it
/// can keep it rather than copy it.
pub(crate) fn is_trimmed_bounded(input: &str, max_chars: usize) -> bool {
    input.trim().len() == input.len() && check_bounded(input, max_chars).is_ok()
}

/// [`trimmed_bounded`]'s checks of text already trimmed: what is wrong with it, if anything.
fn check_bounded(trimmed: &str, max_chars: usize) -> Result<(), ValidationReason> {
    if trimmed.is_empty() {
        return Err(ValidationReason::Empty);
    }
    // A text has at most as many characters as bytes: only a long one needs counting.
    if trimmed.len() > max_chars && trimmed.chars().count() > max_chars {
        return Err(ValidationReason::TooLong { max: max_chars });
    }
    if trimmed
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(ValidationReason::Format);
    }
    Ok(())
}

/// Declares `pub struct $name(String)` with the shared text impls. The type must provide
/// `pub fn parse(&str) -> DomainResult<Self>`, which every conversion goes through.
macro_rules! string_value {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[cfg_attr(feature = "serde", serde(try_from = "String", into = "String"))]
        pub struct $name(String);

        impl $name {
            /// The normalised text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Consumes the value, returning the normalised text.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::DomainError;

            fn from_str(input: &str) -> Result<Self, $crate::DomainError> {
                Self::parse(input)
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::DomainError;

            fn try_from(input: String) -> Result<Self, $crate::DomainError> {
                Self::parse(&input)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }
    };
}

/// Declares a [`string_value!`] that is trimmed and holds 1..=`max` characters.
macro_rules! bounded_text {
    ($(#[$meta:meta])* $name:ident { field: $field:literal, max: $max:literal }) => {
        $crate::text::string_value!($(#[$meta])* $name);

        impl $name {
            #[doc = concat!("The most characters a `", stringify!($name), "` may hold after trimming.")]
            pub const MAX_CHARS: usize = $max;

            #[doc = concat!(
                "Trims `input` and accepts 1..=", stringify!($max), " characters.\n\n",
                "# Errors\n\n",
                "[`DomainError::Validation`](crate::DomainError::Validation) on field `", $field,
                "`: `Empty` when nothing is left after trimming, `TooLong` past the limit."
            )]
            pub fn parse(input: &str) -> $crate::DomainResult<Self> {
                $crate::text::trimmed_bounded($field, input, Self::MAX_CHARS).map(Self)
            }
        }
    };
}

pub(crate) use {bounded_text, string_value};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_keeps_inner_text() {
        assert_eq!(
            trimmed_bounded("name", "  Acme  OSGB \n", 20).unwrap(),
            "Acme  OSGB"
        );
    }

    #[test]
    fn rejects_control_characters_but_keeps_line_breaks_and_tabs() {
        for input in ["Acme\0OSGB", "Acme\u{7}", "A\u{1b}[31m"] {
            assert_eq!(
                trimmed_bounded("name", input, 20),
                Err(DomainError::invalid("name", ValidationReason::Format)),
                "{input:?}"
            );
        }
        assert_eq!(
            trimmed_bounded("address", "Atatürk Cad. 1\nKat\t3", 50).unwrap(),
            "Atatürk Cad. 1\nKat\t3"
        );
    }

    #[test]
    fn rejects_blank_input() {
        for input in ["", "   ", "\t\n"] {
            assert_eq!(
                trimmed_bounded("name", input, 10),
                Err(DomainError::invalid("name", ValidationReason::Empty))
            );
        }
    }

    #[test]
    fn knows_text_that_is_already_trimmed_and_bounded() {
        for kept in ["google", "Çğüşöı", "a b", "x\ty"] {
            assert!(is_trimmed_bounded(kept, 6), "{kept:?}");
            assert_eq!(trimmed_bounded("key", kept, 6).unwrap(), kept);
        }
        for changed in ["", " google", "google\n", "Çğüşöıi", "a\0b", "  "] {
            assert!(!is_trimmed_bounded(changed, 6), "{changed:?}");
        }
    }

    #[test]
    fn counts_characters_not_bytes() {
        assert_eq!(trimmed_bounded("city", "Çğüşöı", 6).unwrap(), "Çğüşöı");
        assert_eq!(
            trimmed_bounded("city", "Çğüşöıi", 6),
            Err(DomainError::invalid(
                "city",
                ValidationReason::TooLong { max: 6 }
            ))
        );
    }
}
