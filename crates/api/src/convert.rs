//! From request values to domain values, naming the request's field when the domain refuses one
//! (a value object names itself, e.g. `phone`, not knowing it was `contact_phone`).

use poem_openapi::types::MaybeUndefined;
use prosektor_application::services::ServiceError;
use prosektor_domain::{DomainError, DomainResult};

use crate::error::{ApiError, ApiResult};

/// `result`, with a validation error re-labelled as field `name` of the request.
///
/// # Errors
/// `422` naming `name` when the domain refused the value.
pub fn field<T>(name: &'static str, result: DomainResult<T>) -> ApiResult<T> {
    result.map_err(|error| {
        let error = match error {
            DomainError::Validation { reason, .. } => DomainError::Validation {
                field: name,
                reason,
            },
            other => other,
        };
        ApiError::from(ServiceError::Domain(error))
    })
}

/// An optional request value parsed with `parse`; `None` stays `None`.
///
/// # Errors
/// As [`field`].
pub fn optional<T>(
    name: &'static str,
    value: Option<&str>,
    parse: impl FnOnce(&str) -> DomainResult<T>,
) -> ApiResult<Option<T>> {
    value.map(|value| field(name, parse(value))).transpose()
}

/// One field of a PATCH body parsed with `parse`: absent keeps (`None`), `null` clears
/// (`Some(None)`), a value sets (`Some(Some(value))`).
///
/// # Errors
/// As [`field`].
pub fn change<T, S: AsRef<str>>(
    name: &'static str,
    value: MaybeUndefined<S>,
    parse: impl FnOnce(&str) -> DomainResult<T>,
) -> ApiResult<Option<Option<T>>> {
    Ok(match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(value) => Some(Some(field(name, parse(value.as_ref()))?)),
    })
}

#[cfg(test)]
mod tests {
    use prosektor_domain::Phone;

    use super::*;
    use crate::error::Problem;
    use poem_openapi::payload::Json;

    #[test]
    fn a_refused_value_is_reported_under_the_request_field_name() {
        let Err(ApiError::Unprocessable(Json(Problem { errors, .. }))) =
            optional("contact_phone", Some("12"), Phone::parse)
        else {
            panic!("expected a 422");
        };
        assert_eq!(errors[0].field, "contact_phone");
        assert_eq!(
            optional("contact_phone", None, Phone::parse).ok(),
            Some(None)
        );
    }
}
