//! Keyset pagination over HTTP: `limit` (1 to 100, default 20) and an opaque `cursor` in, the
//! items and `next_cursor` out. Every listing declares the two query parameters with the types
//! here, which carry their description and bounds into the document, so no listing repeats them.

use poem_openapi::registry::MetaSchema;
use poem_openapi::types::{ParseError, ParseFromParameter, ParseResult};
use prosektor_application::{Cursor, PageRequest};

use crate::convert::field;
use crate::dto::text::{json_string, no_control, scalar_type};
use crate::error::ApiResult;

/// The `limit` query parameter: how many items a page holds, 1 to 100 (default 20).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageLimit(pub u32);

scalar_type!(
    PageLimit,
    "integer_uint32",
    MetaSchema {
        format: Some("uint32"),
        description: Some("Page size, 1 to 100 (default 20)."),
        minimum: Some(1.0),
        maximum: Some(f64::from(PageRequest::MAX_LIMIT)),
        ..MetaSchema::new("integer")
    }
);

impl ParseFromParameter for PageLimit {
    fn parse_from_parameter(text: &str) -> ParseResult<Self> {
        match text.parse::<u32>() {
            Ok(limit) if (1..=PageRequest::MAX_LIMIT).contains(&limit) => Ok(Self(limit)),
            _ => Err(ParseError::custom(format!(
                "must be a whole number from 1 to {}",
                PageRequest::MAX_LIMIT
            ))),
        }
    }
}

json_string! {
    /// The `cursor` query parameter: the `next_cursor` of the previous page.
    PageCursor,
    "string",
    MetaSchema {
        description: Some("The `next_cursor` of the previous page."),
        ..MetaSchema::new("string")
    },
    "a string",
    no_control
}

/// The page a listing's `limit` and `cursor` query parameters ask for.
///
/// # Errors
/// `422` naming `limit` when it is outside 1..=100 (the parameter's parsing refuses that first).
pub fn page_request(
    limit: Option<PageLimit>,
    cursor: Option<PageCursor>,
) -> ApiResult<PageRequest> {
    field(
        "limit",
        PageRequest::new(
            limit.map_or(PageRequest::DEFAULT_LIMIT, |limit| limit.0),
            cursor.map(|cursor| Cursor::from_client(cursor.0)),
        ),
    )
}

/// The cursor of the next page as sent to clients.
pub fn next_cursor(cursor: Option<Cursor>) -> Option<String> {
    cursor.map(|cursor| cursor.as_str().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_limit_is_a_whole_number_from_one_to_the_largest_page() {
        assert_eq!(
            PageLimit::parse_from_parameter("1").ok(),
            Some(PageLimit(1))
        );
        assert_eq!(
            PageLimit::parse_from_parameter("100").ok(),
            Some(PageLimit(100))
        );
        for refused in ["0", "101", "-1", "2.5", "", "ten"] {
            assert!(
                PageLimit::parse_from_parameter(refused).is_err(),
                "{refused}"
            );
        }
    }
}
