//! Keyset pagination over HTTP: `limit` (1 to 100, default 20) and an opaque `cursor` in, the
//! items and `next_cursor` out.

use prosektor_application::{Cursor, PageRequest};

use crate::convert::field;
use crate::dto::text::TextParam;
use crate::error::ApiResult;

/// The page a listing's `limit` and `cursor` query parameters ask for.
///
/// # Errors
/// `422` naming `limit` when it is outside 1..=100.
pub fn page_request(limit: Option<u32>, cursor: Option<TextParam>) -> ApiResult<PageRequest> {
    field(
        "limit",
        PageRequest::new(
            limit.unwrap_or(PageRequest::DEFAULT_LIMIT),
            cursor.map(|cursor| Cursor::from_client(cursor.0)),
        ),
    )
}

/// The cursor of the next page as sent to clients.
pub fn next_cursor(cursor: Option<Cursor>) -> Option<String> {
    cursor.map(|cursor| cursor.as_str().to_owned())
}
