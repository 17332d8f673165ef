//! Instants written by serde exactly as poem-openapi writes a `DateTime<Utc>`: RFC 3339 with a
//! `+00:00` offset (`2026-12-03T09:32:59.123456+00:00`), where chrono's own serde impl would write
//! `Z`. For the answers written by [`crate::payload::Serialized`]:
//! `#[serde(serialize_with = "rfc3339")]`.

use chrono::{DateTime, Utc};
use serde::Serializer;

/// Writes `at` as poem-openapi does.
///
/// # Errors
/// The serializer's.
pub fn rfc3339<S: Serializer>(at: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&at.to_rfc3339())
}

/// Writes `at` as poem-openapi does, `null` when absent.
///
/// # Errors
/// The serializer's.
// serde passes a field's value by reference, so the option comes as `&Option`.
#[allow(clippy::ref_option)]
pub fn rfc3339_or_null<S: Serializer>(
    at: &Option<DateTime<Utc>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => rfc3339(at, serializer),
        None => serializer.serialize_none(),
    }
}
